package probe

import (
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// TestServerBusyConnectingBack (issue 31): Twisted and pyftpdlib try to
// connect back before they answer PORT, and answer 425 when that fails,
// Twisted after 10 s, pyftpdlib after 30 s (longer than the reply
// timeout). The address was accepted and the connection back failed: that
// is active.no-callback (warning), quoting the server, never
// active.port-refused nor a dead control connection; passive mode is judged
// on its own.
func TestServerBusyConnectingBack(t *testing.T) {
	o := quick() // reply timeout 1 s
	const twisted, pyftpdlib = "425 Can't open data connection.", "421 Active data channel timed out."
	cases := []struct {
		name  string
		delay time.Duration // before the reply
		reply string
	}{
		{"425 at once", 0, twisted},
		{"425 within the reply timeout (Twisted)", o.ReplyTimeout / 2, twisted},
		{"425 after the reply timeout", o.ReplyTimeout * 3 / 2, twisted},
		{"421 after the reply timeout (pyftpdlib)", o.ReplyTimeout * 3 / 2, pyftpdlib},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t)
			busy := func(c *fconn, _ string) {
				time.Sleep(tc.delay)
				c.say(tc.reply)
			}
			s.handlers["PORT"], s.handlers["EPRT"] = busy, busy
			out := probeAddr(t, "ftp://"+s.addr()+"/", o)
			res := diagnosed(out, result.Tool{})
			if got, want := codes(res.Findings), []string{diagnose.CodeNoCallback}; !slices.Equal(got, want) {
				t.Fatalf("codes = %v, want %v\n%s", got, want, render(res.Transcript))
			}
			if d := res.Findings[0].Detail; !strings.Contains(d, tc.reply) {
				t.Errorf("detail %q does not quote the server", d)
			}
			if res.Verdict != result.VerdictWarning {
				t.Errorf("verdict %s, want warning", res.Verdict)
			}
		})
	}
}
