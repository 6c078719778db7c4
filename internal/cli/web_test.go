package cli

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	ftpweb "ftpdiag/web"
)

// TestWebConfigFile: the check page takes Prometheus's web configuration
// file (exporter-toolkit): basic auth here, refused without the password;
// a file that is not one is a usage error before anything listens.
func TestWebConfigFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	os.WriteFile(bad, []byte("tls_server_config:\n  cert_file: /nonexistent.pem\n"), 0o600)
	status, _, errOut := runCLI(t, "web", "--listen", "127.0.0.1:0", "--web.config.file", bad)
	if status != exitUnknown || !strings.Contains(errOut, "--web.config.file") {
		t.Errorf("a bad web config: exit %d, %s", status, errOut)
	}

	hash, err := bcrypt.GenerateFromPassword([]byte("opensesame"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "web.yml")
	os.WriteFile(good, []byte("basic_auth_users:\n  alice: "+string(hash)+"\n"), 0o600)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := ftpweb.New(ftpweb.Options{})
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveWeb(ctx, ln, s.Handler(), good, slog.New(slog.DiscardHandler)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serveWeb: %v", err)
		}
	}()
	url := "http://" + ln.Addr().String() + "/"
	c := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct {
		user, pass string
		want       int
	}{{"", "", http.StatusUnauthorized}, {"alice", "wrong", http.StatusUnauthorized}, {"alice", "opensesame", http.StatusOK}} {
		req, _ := http.NewRequest("GET", url, nil)
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pass)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("user %q: status %d, want %d", tc.user, resp.StatusCode, tc.want)
		}
	}
}

// TestWebTraceFlag (issue 29): the check page traces only where its
// operator says; a mode that is none is a usage error before it listens.
func TestWebTraceFlag(t *testing.T) {
	status, _, errOut := runCLI(t, "web", "--listen", "127.0.0.1:0", "--trace", "sometimes")
	if status != exitUnknown || !strings.Contains(errOut, "trace") {
		t.Errorf("--trace sometimes: exit %d, %s", status, errOut)
	}
}
