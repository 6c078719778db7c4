package server_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// writeCertFiles writes a fresh self-signed certificate and its key as PEM
// files at certFile and keyFile (replacing what is there, as certbot does)
// and returns the certificate.
func writeCertFiles(t *testing.T, certFile, keyFile string, now time.Time) tls.Certificate {
	t.Helper()
	cert, err := server.SelfSigned("127.0.0.1", now)
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600)
	return cert
}

// seenCert connects with AUTH TLS and returns the SHA-256 of the
// certificate the server presented, the session, and its TLS configuration
// (whose session cache lets data connections resume the control one's).
func seenCert(t *testing.T, s *server.Server) ([32]byte, *ctl, *tls.Config) {
	t.Helper()
	var seen [32]byte
	c := dialCtl(t, s)
	cfg := &tls.Config{InsecureSkipVerify: true, ServerName: "127.0.0.1", ClientSessionCache: tls.NewLRUClientSessionCache(4),
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			seen = sha256.Sum256(raw[0])
			return nil
		}}
	c.startTLS(cfg)
	return seen, c, cfg
}

// TestReloadCertificate: a certificate renewed in place is presented from
// the next handshake on, without a restart; a session that began with the
// old one goes on, and so do its protected transfers (issue 21).
func TestReloadCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	old := writeCertFiles(t, certFile, keyFile, time.Now().Add(-20*24*time.Hour)) // renewed 10 days before it ends
	s := servertest.Start(t, server.Config{TLS: &old})
	src := server.Sources{Users: map[string]string{servertest.User: servertest.Password}, CertFile: certFile, KeyFile: keyFile}

	before, early, earlyCfg := seenCert(t, s)
	early.login()
	if before != sha256.Sum256(old.Certificate[0]) {
		t.Fatalf("the first handshake did not present the certificate the server started with")
	}
	renewed := writeCertFiles(t, certFile, keyFile, time.Now())
	if _, err := s.Reload(src); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	after, c, _ := seenCert(t, s)
	if after != sha256.Sum256(renewed.Certificate[0]) {
		t.Errorf("after Reload the server presents the old certificate")
	}
	c.login().do(200, "NOOP")
	early.do(200, "PBSZ 0")
	early.do(200, "PROT P")
	got, err := early.protectedRETR("test", earlyCfg)
	if err != nil || len(got) != server.DemoTestSize {
		t.Errorf("a protected download on the session from before the reload: %d bytes, %v", len(got), err)
	}
	early.expect(226)

	os.WriteFile(keyFile, []byte("not a key"), 0o600)
	if _, err := s.Reload(src); err == nil {
		t.Errorf("Reload with a broken key: no error")
	}
	if again, _, _ := seenCert(t, s); again != after {
		t.Errorf("a failed Reload changed the certificate")
	}
}

// TestReloadUsers: the users file is read again; a bad one keeps the users
// the server had, and says why.
func TestReloadUsers(t *testing.T) {
	file := filepath.Join(t.TempDir(), "users")
	os.WriteFile(file, []byte("john:secret\n"), 0o600)
	s := servertest.Start(t, server.Config{})
	src := server.Sources{UsersFile: file, Users: map[string]string{"cli": "given"}}
	steps := []struct {
		name     string
		file     string
		wantErr  error
		loginOK  []string // user:password pairs that log in after
		loginBad []string
	}{
		{"a user added, one removed", "ann:pw1\n# comment\n", nil, []string{"ann:pw1", "cli:given"}, []string{"john:secret"}},
		{"a password changed", "ann:pw2\n", nil, []string{"ann:pw2"}, []string{"ann:pw1"}},
		{"a bad line keeps the old users", "ann:pw3\nbroken line\n", server.ErrBadUser, []string{"ann:pw2"}, []string{"ann:pw3"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			os.WriteFile(file, []byte(st.file), 0o600)
			_, err := s.Reload(src)
			if !errors.Is(err, st.wantErr) || (st.wantErr == nil) != (err == nil) {
				t.Fatalf("Reload: %v, want %v", err, st.wantErr)
			}
			for _, up := range st.loginOK {
				user, pass, _ := bytes.Cut([]byte(up), []byte(":"))
				c := dialCtl(t, s)
				c.do(331, "USER %s", user)
				c.do(230, "PASS %s", pass)
			}
			for _, up := range st.loginBad {
				user, pass, _ := bytes.Cut([]byte(up), []byte(":"))
				c := dialCtl(t, s)
				c.do(331, "USER %s", user)
				c.do(530, "PASS %s", pass)
			}
		})
	}
}

// TestReloadFlat: a hundred reloads leave no goroutine and no memory
// behind (issue 21 asks for flat figures over 100 reloads).
func TestReloadFlat(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, users := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "users")
	cert := writeCertFiles(t, certFile, keyFile, time.Now())
	os.WriteFile(users, []byte("john:secret\n"), 0o600)
	s := servertest.Start(t, server.Config{TLS: &cert})
	src := server.Sources{UsersFile: users, CertFile: certFile, KeyFile: keyFile}
	reload := func(n int) {
		for range n {
			if _, err := s.Reload(src); err != nil {
				t.Fatal(err)
			}
		}
	}
	reload(10) // warm up
	g0, h0 := runtime.NumGoroutine(), heapAfterGC()
	reload(100)
	g1, h1 := runtime.NumGoroutine(), heapAfterGC()
	t.Logf("100 reloads: goroutines %d -> %d, heap %d -> %d bytes", g0, g1, h0, h1)
	if g1 > g0 {
		t.Errorf("goroutines grew from %d to %d over 100 reloads", g0, g1)
	}
	if h1 > h0+256<<10 {
		t.Errorf("heap grew from %d to %d bytes over 100 reloads", h0, h1)
	}
	dialCtl(t, s).login().do(200, "NOOP")
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
