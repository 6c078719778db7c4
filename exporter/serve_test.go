//go:build unix

package exporter

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ftpdiag/server"
)

// serveExporter runs e.Serve on a loopback port with webConfig, and stops
// it when the test ends. It returns the address once the server answers.
func serveExporter(t *testing.T, e *Exporter, webConfig string, client *http.Client, scheme string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx, ln, webConfig) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(shutdownGrace + time.Second):
			t.Errorf("Serve did not stop")
		}
	})
	base := scheme + "://" + ln.Addr().String()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if resp, err := client.Get(base + "/-/healthy"); err == nil {
			resp.Body.Close()
			return base
		}
	}
	t.Fatalf("the exporter does not answer on %s", base)
	return ""
}

// writeCert writes a self-signed certificate for 127.0.0.1 and its key as
// PEM files in dir, and returns a pool that trusts it.
func writeCert(t *testing.T, dir string) *x509.CertPool {
	t.Helper()
	cert, err := server.SelfSigned("127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})
	if err := os.WriteFile(filepath.Join(dir, "web.crt"), certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "web.key"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return pool
}

// TestWebConfig (issue 21): --web.config.file, in the exporter-toolkit's
// format, puts basic authentication and TLS in front of every page:
// without the password, /probe and /metrics are 401; plain HTTP to the
// TLS port gets no page.
func TestWebConfig(t *testing.T) {
	dir := t.TempDir()
	pool := writeCert(t, dir)
	hash, err := bcrypt.GenerateFromPassword([]byte("scrape-pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	users := fmt.Sprintf("basic_auth_users:\n  prometheus: %q\n", hash)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	authOnly := write("auth.yml", users)
	tlsAuth := write("web-tls.yml", "tls_server_config:\n  cert_file: web.crt\n  key_file: web.key\n"+users)
	tlsClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	cases := []struct {
		name   string
		file   string
		scheme string
		client *http.Client
	}{
		{"basic auth", authOnly, "http", http.DefaultClient},
		{"TLS and basic auth", tlsAuth, "https", tlsClient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckWebConfig(tc.file); err != nil {
				t.Fatal(err)
			}
			e := New(Options{Tool: testTool()})
			base := serveExporter(t, e, tc.file, tc.client, tc.scheme)
			get := func(path, user, pw string) int {
				req, _ := http.NewRequest("GET", base+path, nil)
				if user != "" {
					req.SetBasicAuth(user, pw)
				}
				resp, err := tc.client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			probe := "/probe?target=ftp://127.0.0.1:" + fmt.Sprint(closedPort(t)) + "/"
			for _, c := range []struct {
				path, user, pw string
				want           int
			}{
				{"/metrics", "", "", http.StatusUnauthorized},
				{probe, "", "", http.StatusUnauthorized},
				{probe, "prometheus", "wrong", http.StatusUnauthorized},
				{"/config", "", "", http.StatusUnauthorized},
				{"/metrics", "prometheus", "scrape-pw", http.StatusOK},
				{probe, "prometheus", "scrape-pw", http.StatusOK},
			} {
				if got := get(c.path, c.user, c.pw); got != c.want {
					t.Errorf("GET %s as %q/%q: %d, want %d", c.path, c.user, c.pw, got, c.want)
				}
			}
			if tc.scheme == "https" {
				resp, err := http.Get("http://" + strings.TrimPrefix(base, "https://") + "/metrics")
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						t.Errorf("plain HTTP to the TLS port: %d", resp.StatusCode)
					}
				}
			}
		})
	}
	bad := write("bad.yml", "tls_server_config:\n  cert_file: nosuch.crt\n  key_file: web.key\n")
	if err := CheckWebConfig(bad); err == nil {
		t.Errorf("a web config naming a missing certificate passes the check")
	}
	typo := write("typo.yml", "basic_auth_user:\n  a: b\n")
	if err := CheckWebConfig(typo); err == nil {
		t.Errorf("a web config with an unknown key passes the check")
	}
}

// TestReload (issue 21): POST /-/reload and SIGHUP read the modules file
// again; a bad file keeps the configuration in force and says why, with
// the line; the process lives on after SIGHUP (it used to exit 129).
func TestReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ftpdiag.yml")
	write := func(text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("modules:\n  default:\n    tls: off\n")
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{Config: cfg, ConfigPath: path, Tool: testTool()})
	base := serveExporter(t, e, "", http.DefaultClient, "http")
	post := func() (int, string) {
		resp, err := http.Post(base+"/-/reload", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	modules := func() string { return strings.Join(e.Config().Names(), ",") }
	metric := func(name string) string {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for l := range strings.Lines(string(b)) {
			if strings.HasPrefix(l, name+" ") {
				return strings.TrimSpace(strings.TrimPrefix(l, name+" "))
			}
		}
		return ""
	}

	write("modules:\n  default:\n    tls: off\n  quick:\n    timeout: 1s\n")
	if status, body := post(); status != http.StatusOK || modules() != "default,quick" {
		t.Errorf("good file: %d %q, modules %s", status, body, modules())
	}
	write("modules:\n  default:\n    tls: off\n  quick:\n    tiemout: 1s\n")
	status, body := post()
	if status != http.StatusInternalServerError || !strings.Contains(body, `line 5: unknown key "tiemout"`) || !strings.Contains(body, "previous configuration stays") {
		t.Errorf("bad file: %d %q; want 500 naming the line", status, body)
	}
	if modules() != "default,quick" || metric("ftpdiag_exporter_config_last_reload_successful") != "0" {
		t.Errorf("after a bad file: modules %s, reload metric %s; want the old modules and 0", modules(), metric("ftpdiag_exporter_config_last_reload_successful"))
	}
	if resp, err := http.Get(base + "/-/reload"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET /-/reload: %d, want 405", resp.StatusCode)
		}
	}

	write("modules:\n  default:\n    tls: off\n  hup:\n")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); modules() != "default,hup" && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if modules() != "default,hup" || metric("ftpdiag_exporter_config_last_reload_successful") != "1" {
		t.Errorf("after SIGHUP: modules %s, reload metric %s", modules(), metric("ftpdiag_exporter_config_last_reload_successful"))
	}
	if resp, err := http.Get(base + "/-/healthy"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("after SIGHUP the exporter does not answer: %v", err)
	} else {
		resp.Body.Close()
	}
}
