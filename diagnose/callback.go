package diagnose

import (
	"fmt"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// Some servers (Twisted, pyftpdlib) connect back to the client as soon as
// PORT or EPRT names its address, and answer only then: 200 once the
// connection stands, 425 (or, after pyftpdlib's 30 s, 421) when it never
// came. The address was accepted, so none of these is a refused PORT or a
// dead control connection: the connection back failed.

// connectsBack tells whether the server may connect back before it answers
// verb: its time to answer is the connection's, not the server's.
func connectsBack(verb string) bool { return verb == "PORT" || verb == "EPRT" }

// noCallbackSaid is active.no-callback where the server said why.
func (d *diagnosis) noCallbackSaid(s *session, i int, e result.Entry) {
	d.add(Fact{Code: CodeNoCallback, Lines: []int{i},
		Detail: fmt.Sprintf("The server accepted %s but could not connect back: it said %q, and nothing reached the client's listener. A firewall or NAT on the client's side blocks inbound connections, or the server's firewall blocks outbound ones.",
			s.mode, ftp.FirstLine(e.Text))})
}

// callbackPending reads a session that timed out waiting for the answer to
// PORT/EPRT, with nothing at the client's listener, as a server still
// trying to connect back (pyftpdlib tries for 30 s, past a client's usual
// 20 s): active mode fails, the control connection is not dead.
func (d *diagnosis) callbackPending(s *session, i int, ev *result.EventInfo) bool {
	if !connectsBack(s.verb) || !s.awaiting || s.data != nil {
		return false
	}
	d.anyPort = true
	d.add(Fact{Code: CodeNoCallback, Lines: []int{s.cmdLine, i},
		Detail: fmt.Sprintf("The server did not answer %s within %s, and nothing reached the client's listener: it was still trying to connect back (servers such as pyftpdlib and Twisted connect before they answer %s). A firewall or NAT on the client's side blocks inbound connections, or the server's firewall blocks outbound ones.",
			s.verb, transcript.Human(ev.Dur), s.verb)})
	return true
}

// privateClient: a client whose own address on the control connection is
// private while the server's is public is behind NAT, whatever the server
// says; active mode to it needs a router's FTP helper or a forwarded port.
func (d *diagnosis) privateClient(s *session, i int) {
	if !s.local.IsValid() || !s.ctrl.IsValid() || !ftp.NonPublic(s.local) || ftp.NonPublic(s.ctrl) || d.found[CodeClientNAT] != nil {
		return
	}
	d.add(Fact{Code: CodeClientNAT, Lines: []int{s.localLine, i},
		Detail: fmt.Sprintf("The client's own address is %s, a %s address, and the server's is %s: the client is behind NAT, and %s names an address the server cannot reach unless a router rewrites it.",
			s.local, ftp.ClassOf(s.local), s.ctrl, s.verb)})
}
