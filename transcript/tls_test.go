package transcript

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"ftpdiag/result"
)

var testCert = &result.CertInfo{
	Subject: "CN=ftp.example.net", Issuer: "CN=R3,O=Let's Encrypt,C=US",
	DNSNames: []string{"ftp.example.net"}, IPs: []string{"192.0.2.7"},
	NotBefore: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC),
	SHA256: "AB:CD",
}

func TestRenderTLS(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name string
		ev   result.EventInfo
		want []string
	}{
		{"control with certificate", result.EventInfo{Op: result.OpTLS, Outcome: result.Connected, Dur: 3 * ms,
			TLS: &result.TLSInfo{Conn: result.TLSControl, Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256", Cert: testCert}},
			[]string{
				"--> TLS handshake on control: TLS 1.3, TLS_AES_128_GCM_SHA256, new session in 3ms",
				Indent + "certificate: CN=ftp.example.net (issued by CN=R3,O=Let's Encrypt,C=US)",
				Indent + "names: ftp.example.net, 192.0.2.7",
				Indent + "valid: 2026-09-01 00:00 UTC to 2026-11-30 23:59 UTC",
				Indent + "SHA-256: AB:CD",
			}},
		{"data resumed", result.EventInfo{Op: result.OpTLS, Outcome: result.Connected, Dur: ms,
			TLS: &result.TLSInfo{Conn: result.TLSData, Version: "TLS 1.2", Cipher: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Resumed: true}},
			[]string{"--> TLS handshake on data: TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, resumed session in 1ms"}},
		{"data not resumed, refused", result.EventInfo{Op: result.OpTLS, Outcome: result.Rejected, Err: "did not resume the control connection's TLS session",
			TLS: &result.TLSInfo{Conn: result.TLSData, Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256"}},
			[]string{"--> TLS handshake on data: TLS 1.3, TLS_AES_128_GCM_SHA256, new session: rejected (did not resume the control connection's TLS session)"}},
		{"control failed", result.EventInfo{Op: result.OpTLS, Outcome: result.Failed, Err: "remote error: tls: bad certificate", TLS: &result.TLSInfo{Conn: result.TLSControl}},
			[]string{"--> TLS handshake on control: failed (remote error: tls: bad certificate)"}},
		{"control timeout", result.EventInfo{Op: result.OpTLS, Outcome: result.Timeout, Dur: 5 * time.Second, TLS: &result.TLSInfo{Conn: result.TLSControl}},
			[]string{"--> TLS handshake on control: no answer after 5s"}},
		{"from a foreign log", result.EventInfo{Op: result.OpTLS, Outcome: result.Connected},
			[]string{"--> TLS handshake: connected"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := New()
			l.Session("tls").Event(tc.ev, "")
			got := RenderEntry(l.Entries()[1])
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestTLSJSONRoundTrip(t *testing.T) {
	ev := result.EventInfo{Op: result.OpTLS, Outcome: result.Connected, Dur: 2 * time.Millisecond,
		TLS: &result.TLSInfo{Conn: result.TLSControl, Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256", ServerName: "ftp.example.net", Chain: 2, Cert: testCert}}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"tls":{"conn":"control"`, `"resumed":false`, `"not_after":"2026-11-30T23:59:00Z"`, `"sha256":"AB:CD"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	var back result.EventInfo
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, ev) {
		t.Errorf("round trip: got %+v, want %+v", back, ev)
	}
	plain, _ := json.Marshal(result.EventInfo{Op: result.OpConnect, Outcome: result.Connected})
	if strings.Contains(string(plain), "tls") {
		t.Errorf("an event without TLS writes %s", plain)
	}
}

// TestTLSFromState fills the model from a real handshake on loopback, both
// sides: the client sees the server's certificate, the server passes its own.
func TestTLSFromState(t *testing.T) {
	cert, leaf := selfSigned(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv := make(chan tls.ConnectionState, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			srv <- tls.ConnectionState{}
			return
		}
		defer c.Close()
		c.(*tls.Conn).Handshake()
		srv <- c.(*tls.Conn).ConnectionState()
	}()
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	client := TLSFromState(result.TLSControl, c.ConnectionState(), true, nil)
	server := TLSFromState(result.TLSControl, <-srv, true, leaf)
	want := CertFromX509(leaf)
	for _, got := range []*result.TLSInfo{client, server} {
		if got.Version != "TLS 1.2" || !strings.HasPrefix(got.Cipher, "TLS_ECDHE_ECDSA_") || got.Resumed {
			t.Errorf("got %+v, want a new TLS 1.2 ECDSA session", got)
		}
		if !reflect.DeepEqual(got.Cert, want) {
			t.Errorf("cert: got %+v, want %+v", got.Cert, want)
		}
	}
	if client.Chain != 1 || server.Chain != 0 || client.ServerName != "localhost" || server.ServerName != "localhost" {
		t.Errorf("chain %d/%d, server names %q/%q; want 1/0 and localhost twice", client.Chain, server.Chain, client.ServerName, server.ServerName)
	}
	if want.Subject != "CN=localhost" || len(want.SHA256) != 32*3-1 || !reflect.DeepEqual(want.IPs, []string{"127.0.0.1"}) {
		t.Errorf("CertFromX509 = %+v", want)
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}
