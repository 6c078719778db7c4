package server_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ftpdiag/internal/golden"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// tlsServer starts a server with a fresh self-signed certificate and, when
// implicit, an implicit-FTPS listener; it returns the server, the implicit
// address ("" without) and a PEM file of the certificate for --cacert.
func tlsServer(t testing.TB, cfg server.Config, implicit bool) (*server.Server, string, string) {
	t.Helper()
	cert, err := server.SelfSigned("127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS = &cert
	if implicit {
		cfg.ImplicitTLS = "127.0.0.1:0"
	}
	s := servertest.Start(t, cfg)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644); err != nil {
		t.Fatal(err)
	}
	if !implicit {
		return s, "", ca
	}
	ln, err := s.ListenImplicit()
	if err != nil {
		t.Fatal(err)
	}
	go s.ServeImplicit(ln)
	return s, ln.Addr().String(), ca
}

// testCert is the committed certificate of testdata/ (ftp.example.net,
// localhost, 127.0.0.1, ::1; valid until 2036), for goldens that print it.
func testCert(t *testing.T) *tls.Certificate {
	t.Helper()
	c, err := tls.LoadX509KeyPair(filepath.Join("testdata", "tls-cert.pem"), filepath.Join("testdata", "tls-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

// startTLS sends AUTH TLS and does the client's side of the handshake.
func (c *ctl) startTLS(cfg *tls.Config) {
	c.t.Helper()
	c.do(234, "AUTH TLS")
	tc := tls.Client(c.conn, cfg)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("control handshake: %v", err)
	}
	c.conn, c.tp = tc, textproto.NewConn(tc)
}

// protectedRETR downloads name over a protected passive connection,
// handshaking with cfg (whose session cache decides what is resumed).
func (c *ctl) protectedRETR(name string, cfg *tls.Config) ([]byte, error) {
	c.t.Helper()
	dc := c.epsv()
	c.do(150, "RETR %s", name)
	tc := tls.Client(dc, cfg)
	b, err := io.ReadAll(tc)
	return b, err
}

func tlsClientConfig(t *testing.T, ca string) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", ClientSessionCache: tls.NewLRUClientSessionCache(4)}
}

// TestTLSReplies: the RFC 4217 commands' replies, before and after AUTH TLS.
func TestTLSReplies(t *testing.T) {
	type step struct {
		cmd  string
		code int
		has  string // the reply must contain this
	}
	tests := []struct {
		name   string
		tls    bool
		auth   bool // AUTH TLS before the steps
		steps  []step
		notFEA string // FEAT must not list this
	}{
		{"no certificate", false, false, []step{
			{"AUTH TLS", 502, "--tls-cert"}, {"PBSZ 0", 503, "AUTH TLS"}, {"PROT P", 503, "AUTH TLS"}, {"FEAT", 211, "UTF8"},
		}, "AUTH TLS"},
		{"before AUTH", true, false, []step{
			{"FEAT", 211, " AUTH TLS"}, {"FEAT", 211, " PBSZ"}, {"PBSZ 0", 503, "AUTH TLS"}, {"PROT P", 503, "AUTH TLS"},
			{"CCC", 503, "TLS"}, {"AUTH KERBEROS_V4", 504, "AUTH TLS"}, {"AUTH", 501, ""},
		}, ""},
		{"after AUTH", true, true, []step{
			{"AUTH TLS", 503, "already"}, {"PROT P", 503, "PBSZ 0 first"}, {"PBSZ 1024", 200, "PBSZ=0"}, {"PBSZ 0", 200, ""},
			{"PROT S", 536, "PROT S"}, {"PROT E", 536, ""}, {"PROT X", 504, ""}, {"PROT C", 200, "not protected"},
			{"PROT P", 200, "protected"}, {"CCC", 534, "--pasv-address"}, {"PWD", 530, ""},
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *ctl
			if tt.tls {
				s, _, ca := tlsServer(t, server.Config{}, false)
				c = dialCtl(t, s)
				if tt.auth {
					c.login() // AUTH TLS after a login starts over: PWD must get 530
					c.startTLS(tlsClientConfig(t, ca))
				}
			} else {
				c = dialCtl(t, servertest.Start(t, server.Config{}))
			}
			for _, st := range tt.steps {
				if got := c.do(st.code, "%s", st.cmd); !strings.Contains(got, st.has) {
					t.Errorf("%s: reply %q lacks %q", st.cmd, got, st.has)
				}
			}
			if tt.notFEA != "" {
				if got := c.do(211, "FEAT"); strings.Contains(got, tt.notFEA) {
					t.Errorf("FEAT lists %q without a certificate:\n%s", tt.notFEA, got)
				}
			}
		})
	}
}

// TestRequireTLS: --require-tls refuses a plain-text USER (530 naming the
// fix) and a PROT C transfer (521), and serves PROT P; on the implicit
// port, PROT P is implied.
func TestRequireTLS(t *testing.T) {
	want := mustDemoTest(t)
	s, imp, ca := tlsServer(t, server.Config{RequireTLS: true}, true)
	c := dialCtl(t, s)
	if got := c.do(530, "USER %s", servertest.User); !strings.Contains(got, "AUTH TLS") || !strings.Contains(got, "ftps://") {
		t.Errorf("530 %q does not name the fix", got)
	}
	cfg := tlsClientConfig(t, ca)
	c.startTLS(cfg)
	c.login()
	c.do(200, "PBSZ 0")
	c.do(200, "PROT C")
	c.epsvPort()
	if got := c.do(521, "LIST"); !strings.Contains(got, "PROT P required") {
		t.Errorf("521 %q does not name PROT P", got)
	}
	c.do(200, "PROT P")
	if got, err := c.protectedRETR("test", cfg); err != nil || !bytes.Equal(got, want) {
		t.Errorf("protected RETR: %d bytes, %v", len(got), err)
	}
	c.expect(226)

	icfg := tlsClientConfig(t, ca)
	ic := dialImplicit(t, imp, icfg)
	ic.login() // no PBSZ, no PROT: implied on the implicit port
	if got, err := ic.protectedRETR("test", icfg); err != nil || !bytes.Equal(got, want) {
		t.Errorf("implicit RETR: %d bytes, %v", len(got), err)
	}
	ic.expect(226)
}

// dialImplicit connects to the implicit-FTPS port: TLS from the first byte.
func dialImplicit(t *testing.T, addr string, cfg *tls.Config) *ctl {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: testTimeout}, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("implicit dial: %v", err)
	}
	return newCtl(t, c)
}

// TestTLSSessionOfAnotherControl: the point of the reuse check. A data
// connection that resumes a session of another control connection (a
// third party who learnt the passive port) is refused, one that resumes
// its own is served.
func TestTLSSessionOfAnotherControl(t *testing.T) {
	s, _, ca := tlsServer(t, server.Config{}, false)
	cfgA, cfgB := tlsClientConfig(t, ca), tlsClientConfig(t, ca)
	a, b := dialCtl(t, s), dialCtl(t, s)
	for _, c := range []struct {
		c   *ctl
		cfg *tls.Config
	}{{a, cfgA}, {b, cfgB}} {
		c.c.startTLS(c.cfg)
		c.c.login()
		c.c.do(200, "PBSZ 0")
		c.c.do(200, "PROT P")
	}
	// The server ends the refused connection in order (close_notify), so
	// the client reads no error, and nothing.
	if got, _ := b.protectedRETR("README.txt", cfgA); len(got) != 0 {
		t.Errorf("B's data connection resuming A's session got %d bytes", len(got))
	}
	b.expect(522)
	if got, err := b.protectedRETR("README.txt", cfgB); err != nil || len(got) == 0 {
		t.Errorf("B's own session: %d bytes, %v", len(got), err)
	}
	b.expect(226)
}

// TestTLSBadPeers: a client that answers 234 with plain text ends its
// session at once; a data connection that speaks no TLS gets 425, and so
// does one that never starts its handshake, within the data timeout; none
// hangs, and the transcript shows why.
func TestTLSBadPeers(t *testing.T) {
	dir := t.TempDir()
	const dataTimeout = 300 * time.Millisecond
	s, _, ca := tlsServer(t, server.Config{TranscriptDir: dir, DataTimeout: dataTimeout}, false)
	c := dialCtl(t, s)
	c.do(234, "AUTH TLS")
	c.conn.Write([]byte("USER john\r\n"))
	if _, err := io.ReadAll(c.conn); err != nil {
		t.Errorf("the server did not close the connection: %v", err)
	}
	waitFor(t, dir, "--> TLS handshake on control: failed (")

	d := dialCtl(t, s)
	d.startTLS(tlsClientConfig(t, ca))
	d.login()
	d.do(200, "PBSZ 0")
	d.do(200, "PROT P")
	dc := d.epsv()
	d.do(150, "RETR test")
	dc.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	if got := d.expect(425); !strings.Contains(got, "TLS on the data connection") {
		t.Errorf("425 %q does not say TLS", got)
	}
	waitFor(t, dir, "--> TLS handshake on data: failed (")

	d.epsv() // connected, and silent
	start := time.Now()
	d.do(150, "RETR test")
	d.expect(425)
	if took := time.Since(start); took > dataTimeout+time.Second {
		t.Errorf("a silent data connection took %s to be given up, want about %s", took, dataTimeout)
	}
	waitFor(t, dir, "--> TLS handshake on data: no answer after")
}

// TestImplicitRefusalOverTLS: a connection over the limit on the implicit
// port gets its 421 over TLS, the only thing such a client can read.
func TestImplicitRefusalOverTLS(t *testing.T) {
	_, imp, ca := tlsServer(t, server.Config{MaxPerAddr: 1}, true)
	first := dialImplicit(t, imp, tlsClientConfig(t, ca))
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: testTimeout}, "tcp", imp, tlsClientConfig(t, ca))
	if err != nil {
		t.Fatalf("the refused connection's handshake: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(testTimeout))
	code, msg, err := textproto.NewConn(c).ReadResponse(421)
	if err != nil || !strings.Contains(msg, "limit") {
		t.Errorf("got %d %q (%v), want 421 naming the limit", code, msg, err)
	}
	first.do(221, "QUIT")
}

// TestTLSTranscriptGolden: a protected session as the server records it
// (the committed certificate, so its lines are stable; ports and durations
// masked): the control handshake with the certificate once, a resumed data
// handshake, and one refused for not resuming.
func TestTLSTranscriptGolden(t *testing.T) {
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir, TLS: testCert(t)})
	cfg := tlsClientConfig(t, filepath.Join("testdata", "tls-cert.pem"))
	c := dialCtl(t, s)
	c.startTLS(cfg)
	c.login()
	c.do(200, "PBSZ 0")
	c.do(200, "PROT P")
	fresh := tlsClientConfig(t, filepath.Join("testdata", "tls-cert.pem")) // a cache without the session
	for i, step := range []struct {
		cfg  *tls.Config
		want int
	}{{cfg, 226}, {fresh, 522}} {
		dc := c.epsv()
		waitCount(t, dir, "--> data connection from", i+1) // recorded by its own goroutine
		c.do(150, "RETR test")
		io.Copy(io.Discard, tls.Client(dc, step.cfg))
		c.expect(step.want)
	}
	c.do(221, "QUIT")
	c.conn.Read(make([]byte, 1))
	s.Shutdown(t.Context())
	got := durations.ReplaceAllString(transcriptText(t, dir), "DUR")
	got = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(got, "127.0.0.1:PORT")
	got = regexp.MustCompile(`\|\|\|\d+\|`).ReplaceAllString(got, "|||PORT|")
	golden.Check(t, filepath.Join("testdata", "transcript-tls.golden"), []byte(got), *update)
}

// waitCount waits until the transcripts in dir show text n times.
func waitCount(t *testing.T, dir, text string, n int) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for strings.Count(transcriptText(t, dir), text) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the transcript never showed %q %d times", text, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestTLSIdleAndAbort: over TLS the idle timeout still ends a silent
// session with 421, and ABOR stops a protected download whose client has
// stopped reading at once (426, then 226), not after a TLS close's wait.
func TestTLSIdleAndAbort(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "big"), make([]byte, 64<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	const idle = 300 * time.Millisecond
	s := servertest.Start(t, server.Config{Root: root, IdleTimeout: idle, TLS: testCert(t)})
	cfg := tlsClientConfig(t, filepath.Join("testdata", "tls-cert.pem"))

	c := dialCtl(t, s)
	c.startTLS(cfg)
	c.login()
	start := time.Now()
	c.expect(421)
	if took := time.Since(start); took > idle+time.Second {
		t.Errorf("idle session closed after %s, want about %s", took, idle)
	}

	d := dialCtl(t, s)
	d.startTLS(cfg)
	d.login()
	d.do(200, "PBSZ 0")
	d.do(200, "PROT P")
	dc := d.epsv()
	d.do(150, "RETR big")
	tc := tls.Client(dc, cfg)
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the server fills the socket buffers and blocks
	start = time.Now()
	d.do(426, "ABOR")
	d.expect(226)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("ABOR took %s", took)
	}
}
