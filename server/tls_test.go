package server_test

import (
	"crypto/tls"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// tlsServer starts a server with a fresh self-signed certificate and, when
// implicit, an implicit-FTPS listener; it returns the server, the implicit
// address ("" without) and a PEM file of the certificate for --cacert.
func tlsServer(t *testing.T, cfg server.Config, implicit bool) (*server.Server, string, string) {
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

var _ = tls.VersionTLS12
var _ net.Addr

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
