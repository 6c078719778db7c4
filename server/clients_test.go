package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// clientTimeout bounds one run of a real client: a download of 43 KB on
// loopback takes milliseconds, and lftp's retries must not stretch a failure.
const clientTimeout = 30 * time.Second

// needTool finds a client program. Missing, it skips the test on a
// developer's machine, and fails it in CI, where every peer must be there.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing, and CI is set: install it", name)
	}
	t.Skipf("%s is not installed", name)
	return ""
}

// runClient runs a client and returns what it printed.
func runClient(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, needTool(t, name), args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return out
}

// transcriptText is every session transcript the server wrote to dir.
func transcriptText(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		b.Write(data)
	}
	return b.String()
}

// TestRealClients downloads the demo file with real clients, in passive and
// active mode, and checks in the server's transcript which mode was used
// (lftp, for one, quietly falls back to the other mode).
func TestRealClients(t *testing.T) {
	want := mustDemoTest(t)
	tests := []struct {
		name     string
		client   string
		args     func(url, out string) []string
		wantVerb string // the data-connection command the transcript must show
	}{
		{"curl EPSV", "curl", func(u, o string) []string { return []string{"-sS", "-o", o, u + "test"} }, "EPSV"},
		{"curl PASV", "curl", func(u, o string) []string { return []string{"-sS", "--disable-epsv", "-o", o, u + "test"} }, "PASV"},
		{"curl active EPRT", "curl", func(u, o string) []string { return []string{"-sS", "-P", "-", "-o", o, u + "test"} }, "EPRT"},
		{"curl active PORT", "curl", func(u, o string) []string { return []string{"-sS", "-P", "-", "--disable-eprt", "-o", o, u + "test"} }, "PORT"},
		{"wget passive", "wget", func(u, o string) []string { return []string{"-q", "-O", o, u + "test"} }, "PASV"},
		{"wget active", "wget", func(u, o string) []string { return []string{"-q", "--no-passive-ftp", "-O", o, u + "test"} }, "PORT"},
		{"lftp passive", "lftp", func(u, o string) []string { return lftpArgs(u, o, "on") }, "EPSV"},
		{"lftp active", "lftp", func(u, o string) []string { return lftpArgs(u, o, "off") }, "PORT"},
		{"python ftplib passive", "python3", func(u, o string) []string { return ftplibArgs(u, o, true) }, "PASV"},
		{"python ftplib active", "python3", func(u, o string) []string { return ftplibArgs(u, o, false) }, "PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := servertest.Start(t, server.Config{TranscriptDir: dir})
			out := filepath.Join(t.TempDir(), "test")
			runClient(t, tt.client, tt.args(servertest.URL(s), out)...)
			got, err := os.ReadFile(out)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("downloaded %d bytes (%v), want the %d-byte demo file", len(got), err, len(want))
			}
			if tr := transcriptText(t, dir); !strings.Contains(tr, "Cmd: "+tt.wantVerb) {
				t.Errorf("the transcript shows no %s:\n%s", tt.wantVerb, tr)
			}
		})
	}
}

func lftpArgs(url, out, passive string) []string {
	script := fmt.Sprintf("set ftp:passive-mode %s; set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 5; "+
		"set ftp:prefer-epsv yes; open %s; get test -o %s", passive, url, out)
	return []string{"-c", script}
}

func ftplibArgs(url, out string, passive bool) []string {
	hostport := strings.TrimSuffix(strings.SplitN(url, "@", 2)[1], "/")
	host, port, _ := strings.Cut(hostport, ":")
	py := fmt.Sprintf(`import ftplib
f = ftplib.FTP(timeout=10)
f.connect(%q, %s)
f.login(%q, %q)
f.set_pasv(%s)
with open(%q, "wb") as o:
    f.retrbinary("RETR test", o.write)
f.quit()
`, host, port, servertest.User, servertest.Password, map[bool]string{true: "True", false: "False"}[passive], out)
	return []string{"-c", py}
}

func mustDemoTest(t *testing.T) []byte {
	t.Helper()
	s := servertest.Start(t, server.Config{})
	return dialCtl(t, s).login().retr("test")
}

// TestJlaffaye: the Go client most Go programs use, passive only.
func TestJlaffaye(t *testing.T) {
	root := t.TempDir()
	s := servertest.Start(t, server.Config{Root: root, Writable: true})
	tests := []struct {
		name string
		opts []ftp.DialOption
	}{
		{"EPSV", nil},
		{"PASV", []ftp.DialOption{ftp.DialWithDisabledEPSV(true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ftp.Dial(s.Addr().String(), append(tt.opts, ftp.DialWithTimeout(testTimeout))...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Quit()
			if err := c.Login(servertest.User, servertest.Password); err != nil {
				t.Fatal(err)
			}
			body := []byte("uploaded by jlaffaye/ftp " + tt.name)
			if err := c.Stor("up-"+tt.name, bytes.NewReader(body)); err != nil {
				t.Fatalf("Stor: %v", err)
			}
			r, err := c.Retr("up-" + tt.name)
			if err != nil {
				t.Fatalf("Retr: %v", err)
			}
			got, _ := io.ReadAll(r)
			r.Close()
			if !bytes.Equal(got, body) {
				t.Errorf("Retr: got %q, want %q", got, body)
			}
			entries, err := c.List("/")
			if err != nil || len(entries) == 0 {
				t.Errorf("List: %d entries, %v", len(entries), err)
			}
		})
	}
}
