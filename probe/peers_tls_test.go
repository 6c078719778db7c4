//go:build linux

package probe

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// peerCert makes an RSA certificate for 127.0.0.1 with openssl, as an
// administrator would (LAB-NOTES), and returns the certificate and key
// files, a PEM of both (pure-ftpd's -2), and a pool trusting it.
func peerCert(t *testing.T) (certFile, keyFile, both string, roots *x509.CertPool) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile, both = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "both.pem")
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
		"-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
		"-keyout", keyFile, "-out", certFile).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v: %s", err, out)
	}
	c, _ := os.ReadFile(certFile)
	k, _ := os.ReadFile(keyFile)
	if err := os.WriteFile(both, append(k, c...), 0o600); err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AppendCertsFromPEM(c)
	return certFile, keyFile, both, roots
}

// greetsTLS tells whether an implicit-TLS server at addr greets after
// the handshake.
func greetsTLS(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(peerStart))
	tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true})
	line, err := bufio.NewReader(tc).ReadString('\n')
	tc.Write([]byte("QUIT\r\n"))
	return err == nil && strings.HasPrefix(line, "220")
}

// tlsVersions are the versions every TLS peer is probed with.
var tlsVersions = []struct {
	name string
	max  uint16
	want string
}{{"TLS 1.3", 0, "TLS 1.3"}, {"TLS 1.2", tls.VersionTLS12, "TLS 1.2"}}

// probeTLSPeer probes a real server with TLS and checks the codes, the
// versions and that every data connection resumed.
func probeTLSPeer(t *testing.T, url string, roots *x509.CertPool, max uint16, version string, want []string, resumes bool) {
	t.Helper()
	o := peerOptions()
	o.TLS, o.Roots, o.TLSMaxVersion = TLSAuto, roots, max
	res := diagnosed(probeAddr(t, url, o), result.Tool{})
	if got := codes(res.Findings); !slices.Equal(got, want) {
		t.Errorf("codes = %v, want %v\n%s", got, want, render(res.Transcript))
	}
	checkHandshakes(t, res.Transcript, version, resumes)
}

// TestVsftpdTLS: Debian's vsftpd with ssl_enable=YES and its default
// require_ssl_reuse=YES, explicit and implicit.
func TestVsftpdTLS(t *testing.T) {
	for _, v := range tlsVersions {
		for _, implicit := range []bool{false, true} {
			name := v.name + ", explicit"
			if implicit {
				name = v.name + ", implicit"
			}
			t.Run(name, func(t *testing.T) {
				cert, key, _, roots := peerCert(t)
				extra := []string{"ssl_enable=YES", "allow_anon_ssl=YES", "rsa_cert_file=" + cert, "rsa_private_key_file=" + key,
					"ssl_sslv2=NO", "ssl_sslv3=NO", "ssl_tlsv1=NO"}
				scheme := "ftp"
				if implicit {
					extra, scheme = append(extra, "implicit_ssl=YES"), "ftps"
				}
				addr := vsftpd(t, extra...)
				want := []string{diagnose.CodeTLSReuseEnforced}
				if implicit {
					// No plain-text session on an implicit port.
					probeTLSPeer(t, scheme+"://"+addr+"/", roots, v.max, v.want, want, true)
					return
				}
				probeTLSPeer(t, fmt.Sprintf("%s://%s/", scheme, addr), roots, v.max, v.want, want, true)
			})
		}
	}
}

// TestPureFTPdTLS: pure-ftpd -Y 2 requires TLS on the control connection.
func TestPureFTPdTLS(t *testing.T) {
	for _, v := range tlsVersions {
		t.Run(v.name, func(t *testing.T) {
			_, _, both, roots := peerCert(t)
			addr := pureftpd(t, "-Y", "2", "-2", both)
			// pure-ftpd 1.0.50 resumes TLS 1.2 sessions, but sends no
			// tickets under TLS 1.3, so its data connections do full
			// handshakes there (curl 7.88 does not resume either), and it
			// does not ask for resumption.
			// With a password and TLS working, no plain-text session runs
			// (issue 30): its refusal of plain text is not seen.
			probeTLSPeer(t, "ftp://john:"+servertestPassword+"@"+addr+"/", roots, v.max, v.want,
				[]string{}, v.max == tls.VersionTLS12)
		})
	}
}

// proftpd starts Debian's ProFTPD with mod_tls (from proftpd-mod-crypto)
// on 127.0.0.1, anonymous logins on a served directory, and the TLS
// defaults of its documentation: resumption required on data connections.
func proftpd(t *testing.T, cert, key string, extra ...string) string {
	bin := peer(t, "proftpd")
	mods := filepath.Join(filepath.Dir(bin), "..", "lib", "proftpd")
	if _, err := os.Stat(filepath.Join(mods, "mod_tls.so")); err != nil {
		t.Fatalf("mod_tls.so is missing (proftpd-mod-crypto under testdata/peers): %v", err)
	}
	dir, tmp := servedDir(t), t.TempDir()
	os.Chmod(tmp, 0o755)
	port, lo := closedPort(t), closedPort(t)
	conf := []string{
		"ServerType standalone", "DefaultServer on", fmt.Sprintf("Port %d", port), "DefaultAddress 127.0.0.1",
		"SocketBindTight on", "UseIPv6 off", "UseReverseDNS off", "User nobody", "Group nogroup",
		"PidFile " + tmp + "/proftpd.pid", "ScoreboardFile " + tmp + "/scoreboard", "DelayTable none", "WtmpLog off",
		fmt.Sprintf("PassivePorts %d %d", lo, lo+20), "ModulePath " + mods, "LoadModule mod_tls.c",
		"TLSEngine on", "TLSRSACertificateFile " + cert, "TLSRSACertificateKeyFile " + key,
		"TLSProtocol TLSv1.2 TLSv1.3", "TLSLog " + tmp + "/tls.log", "TLSRenegotiate none",
		"<Anonymous " + dir + ">", "User nobody", "Group nogroup", "UserAlias anonymous nobody", "RequireValidShell off", "</Anonymous>",
	}
	path := filepath.Join(tmp, "proftpd.conf")
	if err := os.WriteFile(path, []byte(strings.Join(append(conf, extra...), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	runPeer(t, addr, bin, "-n", "-q", "-c", path)
	return addr
}

// TestProFTPDTLS: ProFTPD 1.3.8 with mod_tls, explicit TLS.
func TestProFTPDTLS(t *testing.T) {
	for _, v := range tlsVersions {
		t.Run(v.name, func(t *testing.T) {
			cert, key, _, roots := peerCert(t)
			addr := proftpd(t, cert, key)
			probeTLSPeer(t, "ftp://"+addr+"/", roots, v.max, v.want, []string{diagnose.CodeTLSReuseEnforced}, true)
		})
	}
}
