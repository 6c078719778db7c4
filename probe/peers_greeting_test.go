//go:build linux

package probe

import (
	"net"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// TestVsftpdGreetingOOPS (issue 20): vsftpd whose ftp_username names no
// user answers every connection with "500 OOPS: vsftpd: cannot locate
// user specified in 'ftp_username'" instead of 220. That is a server
// failure, critical with a code of its own, quoting the reply; not an
// unknown verdict for a transcript that "starts in the middle".
func TestVsftpdGreetingOOPS(t *testing.T) {
	accepts := func(addr string) bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	addr := vsftpdReady(t, accepts, "ftp_username=ftpdiag-no-such-user")
	res := diagnosed(probeAddr(t, "ftp://"+addr+"/", peerOptions()), result.Tool{})
	if res.Verdict != result.VerdictCritical || len(res.Findings) != 1 || res.Findings[0].Code != diagnose.CodeControlGreetingError {
		t.Fatalf("verdict %s, codes %v; want critical, [%s]\n%s", res.Verdict, codes(res.Findings), diagnose.CodeControlGreetingError, render(res.Transcript))
	}
	if d := res.Findings[0].Detail; !strings.Contains(d, "500 OOPS: vsftpd: cannot locate user specified in 'ftp_username'") {
		t.Errorf("the detail does not quote the reply: %q", d)
	}
}
