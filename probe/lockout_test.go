package probe

import (
	"net/textproto"
	"slices"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestLoginLockedOut (issue 20): after repeated failed logins the
// reference server locks the client's address out, and answers even the
// right password with 421. That is not a wrong password (login.rejected):
// it has its own code, whose hint says to wait or have the lock lifted.
func TestLoginLockedOut(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	addr := s.Addr().String()
	for failures := 0; failures < 12; {
		c, err := textproto.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.ReadResponse(220)
		for range 3 {
			c.PrintfLine("USER %s", servertest.User)
			c.ReadResponse(331)
			c.PrintfLine("PASS wrong")
			code, _, _ := c.ReadResponse(0)
			failures++
			if code != 530 {
				break
			}
		}
		c.Close()
	}
	res := diagnosed(probeAddr(t, servertest.URL(s), quick()), result.Tool{})
	if got := codes(res.Findings); !slices.Contains(got, diagnose.CodeLoginLockedOut) || slices.Contains(got, diagnose.CodeLoginRejected) {
		t.Errorf("codes = %v, want %s and not %s\n%s", got, diagnose.CodeLoginLockedOut, diagnose.CodeLoginRejected, render(res.Transcript))
	}
}
