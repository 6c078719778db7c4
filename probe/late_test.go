package probe

import (
	"net"
	"slices"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// TestLateReplyKeptInStep (issue 31): Twisted answers PASV at once, then
// reads no command until the data connection arrives; when it does not,
// it sends "550 ... internal server error" for that PASV and only then
// answers the next command. The 550 is not the answer to the next PASV
// (pasv.unsupported) or to QUIT (reply.slow): only the data connection's
// own finding is reported, and the probe reads the real answer after it.
func TestLateReplyKeptInStep(t *testing.T) {
	const stuck = 600 * time.Millisecond // Twisted: 10 s, half its reply timeout (quick: 1 s)
	s := newScripted(t)
	twisted := func(c *fconn, verb string) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			c.say("425 no port")
			return
		}
		p := ln.Addr().(*net.TCPAddr).Port
		ln.Close() // nothing listens there: the data connection is refused
		if verb == "PASV" {
			c.say(pasvTo(p))
		} else {
			c.say("229 Entering Extended Passive Mode (|||" + itoa(p) + "|)")
		}
		time.Sleep(stuck) // waiting for the data connection, reading nothing
		c.say("550 Requested action not taken: internal server error")
	}
	s.handlers["PASV"] = func(c *fconn, _ string) { twisted(c, "PASV") }
	s.handlers["EPSV"] = func(c *fconn, _ string) { twisted(c, "EPSV") }
	o := quick()
	o.PassiveOnly = true
	out := probeAddr(t, "ftp://"+s.addr()+"/", o)
	res := diagnosed(out, result.Tool{})
	if got, want := codes(res.Findings), []string{diagnose.CodePassiveRefused}; !slices.Equal(got, want) {
		t.Errorf("codes = %v, want %v\n%s", got, want, render(res.Transcript))
	}
}
