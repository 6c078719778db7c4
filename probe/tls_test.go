package probe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// certFor makes a self-signed certificate for names (DNS names or IP
// addresses) valid from nb to na.
func certFor(t testing.TB, nb, na time.Time, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// rootsOf trusts c alone.
func rootsOf(c tls.Certificate) *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(c.Leaf)
	return pool
}

// startTLS runs the reference server with cert, and its implicit-FTPS
// listener when implicit; it returns the URL to probe.
func startTLS(t testing.TB, cfg server.Config, cert tls.Certificate, implicit bool) string {
	cfg.TLS = &cert
	if implicit {
		cfg.ImplicitTLS = "127.0.0.1:0"
	}
	s := servertest.Start(t, cfg)
	if !implicit {
		return servertest.URL(s)
	}
	ln, err := s.ListenImplicit()
	if err != nil {
		t.Fatal(err)
	}
	go s.ServeImplicit(ln)
	return "ftps://" + servertest.User + ":" + servertest.Password + "@" + ln.Addr().String() + "/"
}

// TestReferenceServerTLS probes the reference server in every TLS mode it
// has, with the probe's own modes, in TLS 1.3 and 1.2.
func TestReferenceServerTLS(t *testing.T) {
	now := time.Now()
	good := certFor(t, now.Add(-time.Hour), now.Add(24*time.Hour), "127.0.0.1")
	other := certFor(t, now.Add(-time.Hour), now.Add(24*time.Hour), "ftp.example.net")
	old := certFor(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour), "127.0.0.1")
	v12 := server.Config{TLSMaxVersion: tls.VersionTLS12}
	cases := []struct {
		name     string
		cfg      server.Config
		cert     tls.Certificate
		trusted  bool
		implicit bool
		mode     TLSMode
		version  string // of every handshake; "" for no TLS at all
		want     []string
	}{
		{"explicit, trusted, reuse enforced", server.Config{}, good, true, false, TLSAuto, "TLS 1.3", []string{diagnose.CodeTLSReuseEnforced}},
		{"explicit, TLS 1.2", v12, good, true, false, TLSAuto, "TLS 1.2", []string{diagnose.CodeTLSReuseEnforced}},
		{"explicit, reuse optional", server.Config{TLSReuseOptional: true}, good, true, false, TLSAuto, "TLS 1.3", []string{}},
		{"explicit, --tls require", server.Config{}, good, true, false, TLSRequire, "TLS 1.3", []string{diagnose.CodeTLSReuseEnforced}},
		{"self-signed, not trusted", server.Config{}, good, false, false, TLSAuto, "TLS 1.3", []string{diagnose.CodeTLSCertUntrusted, diagnose.CodeTLSReuseEnforced}},
		{"another name", server.Config{TLSReuseOptional: true}, other, true, false, TLSAuto, "TLS 1.3", []string{diagnose.CodeTLSCertName}},
		{"expired", server.Config{TLSReuseOptional: true}, old, true, false, TLSAuto, "TLS 1.3", []string{diagnose.CodeTLSCertExpired}},
		// With a password and TLS working, no plain-text session runs
		// (issue 30), so the refusal is not seen; anonymous logins see it
		// (TestPlainComparisonKeepsPasswords).
		{"plain text refused", server.Config{RequireTLS: true}, good, true, false, TLSAuto, "TLS 1.3", []string{diagnose.CodeTLSReuseEnforced}},
		{"plain text refused, --tls off", server.Config{RequireTLS: true}, good, true, false, TLSOff, "", []string{diagnose.CodeLoginTLSRequired}},
		{"implicit", server.Config{}, good, true, true, TLSAuto, "TLS 1.3", []string{diagnose.CodeTLSReuseEnforced}},
		{"implicit, TLS 1.2", v12, good, true, true, TLSAuto, "TLS 1.2", []string{diagnose.CodeTLSReuseEnforced}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := startTLS(t, tc.cfg, tc.cert, tc.implicit)
			o := quick()
			o.TLS = tc.mode
			if tc.trusted {
				o.Roots = rootsOf(tc.cert)
			}
			res := diagnosed(probeAddr(t, url, o), result.Tool{})
			if got := codes(res.Findings); !slices.Equal(got, tc.want) {
				t.Errorf("codes = %v, want %v\n%s", got, tc.want, render(res.Transcript))
			}
			checkHandshakes(t, res.Transcript, tc.version, true)
		})
	}
}

// checkHandshakes: every handshake in version, every data connection that
// offered its session resumed it, and the certificate once per control
// connection.
func checkHandshakes(t *testing.T, es []result.Entry, version string, resumes bool) {
	t.Helper()
	n, certs := 0, 0
	for _, e := range es {
		if e.Event == nil || e.Event.Op != result.OpTLS || e.Event.TLS == nil {
			continue
		}
		n++
		info := e.Event.TLS
		if info.Version != version {
			t.Errorf("line %q: version %q, want %q", e.Text, info.Version, version)
		}
		if resumes && info.Conn == result.TLSData && !info.NoResume && !info.Resumed {
			t.Errorf("a data connection did not resume its session: %q", e.Text)
		}
		if info.Conn == result.TLSData && info.Cert != nil {
			t.Errorf("a data handshake carries the certificate: %q", e.Text)
		}
		if info.Cert != nil {
			certs++
		}
	}
	if version != "" && n == 0 || version == "" && n > 0 {
		t.Errorf("%d handshakes, want TLS %q", n, version)
	}
	if version != "" && certs != 1 {
		t.Errorf("the certificate is shown %d times, want once", certs)
	}
}

// TestPlainServerTLSModes: a server without TLS, in each mode.
func TestPlainServerTLSModes(t *testing.T) {
	cases := []struct {
		mode TLSMode
		want []string
	}{
		{TLSAuto, []string{diagnose.CodeTLSUnsupported}},
		{TLSRequire, []string{diagnose.CodeTLSUnsupported}},
		{TLSOff, []string{}},
	}
	for _, tc := range cases {
		t.Run(string(tc.mode), func(t *testing.T) {
			t.Parallel()
			s := servertest.Start(t, server.Config{})
			o := quick()
			o.TLS = tc.mode
			out := probeAddr(t, servertest.URL(s), o)
			res := diagnosed(out, result.Tool{})
			if got := codes(res.Findings); !slices.Equal(got, tc.want) {
				t.Errorf("codes = %v, want %v\n%s", got, tc.want, render(res.Transcript))
			}
			sentPass := strings.Contains(render(res.Transcript), "PASS xxxxxxxx")
			if tc.mode == TLSRequire && sentPass {
				t.Errorf("--tls require sent the password in clear text")
			}
			if tc.mode != TLSRequire && !sentPass {
				t.Errorf("mode %s did not log in", tc.mode)
			}
		})
	}
}

func TestParseTargetFTPS(t *testing.T) {
	cases := []struct {
		raw      string
		port     int
		implicit bool
		url      string
	}{
		{"ftps://host/", 990, true, "ftps://host:990/"},
		{"ftps://john@host:9990/dir", 9990, true, "ftps://john@host:9990/dir"},
		{"ftp://host/", 21, false, "ftp://host:21/"},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := ParseTarget(tc.raw)
			if err != nil || got.Port != tc.port || got.Implicit != tc.implicit || got.URL() != tc.url {
				t.Errorf("ParseTarget(%q) = %+v (%s), %v; want port %d, implicit %v, %s", tc.raw, got, got.URL(), err, tc.port, tc.implicit, tc.url)
			}
		})
	}
}
