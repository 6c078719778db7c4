//go:build linux

package probe

import (
	"net"
	"slices"
	"strings"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// TestVsftpdTLSActiveOOPS (issue 20): vsftpd with connect_from_port_20=YES
// cannot bind port 20 while another process holds it, and answers the
// listing after PORT under PROT P with "500 OOPS: vsf_sysutil_bind" in
// plain text inside the TLS connection. The probe reads it as that reply
// (not "tls: received record with version 3030", control.closed) and the
// diagnosis is the plain-text case's: active.server-failed, a warning,
// since passive mode and the typical client's download work.
func TestVsftpdTLSActiveOOPS(t *testing.T) {
	cert, key, _, roots := peerCert(t)
	ln, err := net.Listen("tcp", "127.0.0.1:20")
	if err != nil {
		t.Skipf("port 20 is not free here: %v", err)
	}
	defer ln.Close()
	addr := vsftpd(t, "ssl_enable=YES", "allow_anon_ssl=YES", "rsa_cert_file="+cert, "rsa_private_key_file="+key,
		"ssl_sslv2=NO", "ssl_sslv3=NO", "ssl_tlsv1=NO", "connect_from_port_20=YES")
	o := peerOptions()
	o.TLS, o.Roots = TLSAuto, roots
	res := diagnosed(probeAddr(t, "ftp://"+addr+"/", o), result.Tool{})
	got := codes(res.Findings)
	if !slices.Contains(got, diagnose.CodeActiveServerFailed) || slices.Contains(got, diagnose.CodeControlClosed) || res.Verdict != result.VerdictWarning {
		t.Errorf("%s %v, want a warning with %s and no %s\n%s", res.Verdict, got, diagnose.CodeActiveServerFailed, diagnose.CodeControlClosed, render(res.Transcript))
	}
	if tr := render(res.Transcript); !strings.Contains(tr, "500: OOPS: vsf_sysutil_bind") {
		t.Errorf("the transcript does not show the server's reply:\n%s", tr)
	}
}
