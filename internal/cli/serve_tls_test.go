//go:build unix

package cli

import (
	"crypto/tls"
	"net"
	"net/textproto"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ftpdiag/transcript"
)

func TestServeTLSBadUsage(t *testing.T) {
	cert, key := filepath.Join("..", "..", "server", "testdata", "tls-cert.pem"), filepath.Join("..", "..", "server", "testdata", "tls-key.pem")
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"cert without key", []string{"--tls-cert", cert}, "go together"},
		{"self-signed and a cert", []string{"--tls-self-signed", "--tls-cert", cert, "--tls-key", key}, "exclude each other"},
		{"key not matching", []string{"--tls-cert", cert, "--tls-key", cert}, "--tls-cert"},
		{"missing cert file", []string{"--tls-cert", "/nonexistent/cert.pem", "--tls-key", key}, "--tls-cert"},
		{"require-tls without a cert", []string{"--require-tls"}, "need a certificate"},
		{"implicit without a cert", []string{"--implicit-tls", "127.0.0.1:0"}, "need a certificate"},
		{"bad reuse", []string{"--tls-self-signed", "--tls-reuse", "sometimes"}, "--tls-reuse"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--listen", "127.0.0.1:0", "--user", "a:b"}, tc.args...)
			status, _, errOut := runCLI(t, args...)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if status != exitUnknown || len(lines) != 2 || !strings.Contains(lines[0], tc.wantErr) || !strings.HasPrefix(lines[1], "ftpdiag: hint: ") {
				t.Errorf("got status %d and\n%s\nwant %d, an error naming %q and a hint", status, errOut, exitUnknown, tc.wantErr)
			}
		})
	}
}

var (
	implicitPort = regexp.MustCompile(`implicit \(ftps://\) on port (\d+)`)
	summarySHA   = regexp.MustCompile(`SHA-256 ([0-9A-F:]{95})`)
)

// TestServeSelfSignedImplicit: --tls-self-signed prints the fingerprint of
// the certificate the server then presents (a user can pin it), and
// --implicit-tls serves TLS from the first byte; --require-tls is in force.
func TestServeSelfSignedImplicit(t *testing.T) {
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"ftpdiag", "serve", "--listen", "127.0.0.1:0", "--user", "john:secret", "--pasv-ports", "47011-47020",
			"--tls-self-signed", "--implicit-tls", "127.0.0.1:0", "--require-tls"}, strings.NewReader(""), &out, &errOut)
	}()
	addr := waitListening(t, &out, done)
	port, sha := implicitPort.FindStringSubmatch(out.String()), summarySHA.FindStringSubmatch(out.String())
	if port == nil || sha == nil {
		t.Fatalf("the summary names no implicit port or no fingerprint:\n%s", out.String())
	}
	host, _, _ := net.SplitHostPort(addr)
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: serveTestTimeout}, "tcp", net.JoinHostPort(host, port[1]), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := transcript.Fingerprint(c.ConnectionState().PeerCertificates[0].Raw); got != sha[1] {
		t.Errorf("the server presents %s, the summary printed %s", got, sha[1])
	}
	c.SetDeadline(time.Now().Add(serveTestTimeout))
	loginThenInterrupt(t, textproto.NewConn(c), done, &errOut)
}
