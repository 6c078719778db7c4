package diagnose

import (
	"fmt"
	"net/netip"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

func (d *diagnosis) dnsFailed(i int, ev *result.EventInfo) {
	d.add(Fact{Code: CodeDNSFailed, Detail: fmt.Sprintf("The name %s does not resolve%s.", ev.Addr, paren(ev.Err)), Lines: []int{i}})
}

func (d *diagnosis) controlRefused(i int, ev *result.EventInfo) {
	_, port, _ := hostPort(ev.Addr)
	d.add(Fact{Code: CodeControlRefused, Args: Args{Port: port}, Ports: []int{port}, Lines: []int{i},
		Detail: fmt.Sprintf("Connecting to %s was refused (TCP reset): nothing listens on port %d, or a firewall rejects it.", ev.Addr, port)})
}

func (d *diagnosis) controlTimeout(i int, ev *result.EventInfo) {
	_, port, _ := hostPort(ev.Addr)
	d.add(Fact{Code: CodeControlTimeout, Args: Args{Port: port}, Ports: []int{port}, Lines: []int{i},
		Detail: fmt.Sprintf("Connecting to %s got no answer in %s: a firewall drops port %d, or the address is wrong, or the host is down.", ev.Addr, transcript.Human(ev.Dur), port)})
}

func (d *diagnosis) controlUnreachable(i int, ev *result.EventInfo) {
	d.add(Fact{Code: CodeControlUnreachable, Lines: []int{i},
		Detail: fmt.Sprintf("Connecting to %s failed: the network or host is unreachable%s.", ev.Addr, paren(ev.Err))})
}

func (d *diagnosis) noGreeting(i int, ev *result.EventInfo) {
	why := "the server closed the connection without a word"
	if ev.Outcome == result.Timeout {
		why = "nothing arrived in " + transcript.Human(ev.Dur)
	}
	d.add(Fact{Code: CodeControlNoGreeting, Lines: []int{i},
		Detail: fmt.Sprintf("The TCP connection opens, but no 220 greeting arrives: %s. A server stuck on reverse DNS, refusing this address (tcpwrappers), or another service that waits for the client to speak first (HTTP, implicit TLS) does this.", why)})
}

func (d *diagnosis) notFTP(i int, what string) {
	d.add(Fact{Code: CodeControlNotFTP, Detail: "This port does not speak FTP: " + what + ".", Lines: []int{i}})
}

// brokeFormat: the replies broke FTP's format (a greeting past the
// reader's limit, a reply no FTP reader parses). That is what was seen; it
// names no other protocol.
func (d *diagnosis) brokeFormat(i int, why string) {
	d.add(Fact{Code: CodeControlNotFTP, Args: Args{Seen: why}, Lines: []int{i},
		Detail: "The server's answer breaks FTP's format (" + why + "): no FTP client can read it. A server with an enormous banner, or another service on this port, does this."})
}

func (d *diagnosis) busy(i int, e result.Entry) {
	detail := fmt.Sprintf("The server refused the session at the greeting: %q.", ftp.FirstLine(e.Text))
	if e.Code < 200 {
		detail = fmt.Sprintf("The server says it is not ready yet (%q), and no 220 greeting followed before the client gave up.", ftp.FirstLine(e.Text))
	}
	if d.loggedIn {
		detail = fmt.Sprintf("The server refused one connection while another from the same client was logged in: %q. Clients that open several connections at once (FileZilla opens up to three) fail at random.", ftp.FirstLine(e.Text))
	}
	d.add(Fact{Code: CodeControlBusy, Detail: detail, Lines: []int{i}})
}

// greetingError: a 5xx where the greeting belongs is the server failing
// on its own side (vsftpd's "500 OOPS: ..." when its set-up is broken),
// not a busy server and not a missing greeting.
func (d *diagnosis) greetingError(i int, e result.Entry) {
	d.add(Fact{Code: CodeControlGreetingError, Lines: []int{i},
		Detail: fmt.Sprintf("The server answered the connection with an error instead of its 220 greeting: %q. No client can log in.", ftp.FirstLine(e.Text))})
}

func (d *diagnosis) controlClosed(s *session, i int, what string) {
	after := s.verb
	if after == "" {
		after = "the greeting"
	}
	d.add(Fact{Code: CodeControlClosed, Args: Args{After: after}, Lines: []int{i},
		Detail: fmt.Sprintf("The server %s after %s, in the middle of the session.", what, after)})
}

func (d *diagnosis) loginRejected(s *session, i int, e result.Entry) {
	d.add(Fact{Code: CodeLoginRejected, Lines: []int{i},
		Detail: fmt.Sprintf("The server refused the login after %s: %q.", s.verb, ftp.FirstLine(e.Text))})
}

// lockedOut: 421 to the session's first password is no verdict on the
// password: the server refuses the address (after repeated failures).
func (d *diagnosis) lockedOut(i int, e result.Entry) {
	d.add(Fact{Code: CodeLoginLockedOut, Lines: []int{i},
		Detail: fmt.Sprintf("The server answered the password with %q before judging it: it refuses logins from this address for now, after repeated failed logins from it.", ftp.FirstLine(e.Text))})
}

func (d *diagnosis) tlsRequired(i int, e result.Entry) {
	d.add(Fact{Code: CodeLoginTLSRequired, Lines: []int{i},
		Detail: fmt.Sprintf("The server refuses a plain-text login and asks for TLS: %q.", ftp.FirstLine(e.Text))})
}

func (d *diagnosis) tlsUnsupported(i int, e result.Entry) {
	d.add(Fact{Code: CodeTLSUnsupported, Lines: []int{i},
		Detail: fmt.Sprintf("The server answered AUTH TLS with %q: passwords and files travel in clear text.", ftp.FirstLine(e.Text))})
}

// passSent notes a password sent over a plain control connection; an
// anonymous login's "password" (an e-mail address, or nothing) is no secret.
func (d *diagnosis) passSent(s *session) {
	switch {
	case s.tls.on:
	case ftp.Anonymous(s.user):
	default:
		d.clearPass = true
	}
}

// settleTLSUnsupported: AUTH refused is a warning where a password then
// went in clear, and information where none did (an anonymous login).
func (d *diagnosis) settleTLSUnsupported() {
	f := d.found[CodeTLSUnsupported]
	if f == nil || d.clearPass {
		if f != nil {
			f.Severity = result.Warning
		}
		return
	}
	f.Severity = result.Info
	why := "no password was sent"
	if d.anonLogin {
		why = "the login was anonymous, so no password was exposed"
	}
	f.Detail = strings.Replace(f.Detail, "passwords and files travel in clear text.", "listings and files travel in clear text; "+why+".", 1)
}

func (d *diagnosis) sessionReuse(i int, e result.Entry) {
	d.add(Fact{Code: CodeTLSSessionReuse, Lines: []int{i},
		Detail: fmt.Sprintf("The server refused a TLS data connection that does not resume the control connection's TLS session: %q.", ftp.FirstLine(e.Text))})
}

func (d *diagnosis) portRefused(s *session, i int, e result.Entry) *result.Finding {
	return d.add(Fact{Code: CodePortRefused, Lines: []int{s.cmdLine, i},
		Detail: fmt.Sprintf("The server refused %s: %q. Servers refuse addresses that are private or differ from the one they see.", strings.TrimSpace(s.verb+" "+s.arg), ftp.FirstLine(e.Text))})
}

func (d *diagnosis) noCallback(s *session, i int, ev *result.EventInfo) {
	detail := "The server accepted " + s.mode + " but never connected back"
	if ev != nil {
		detail += " (nothing arrived in " + transcript.Human(ev.Dur) + ")"
	}
	d.add(Fact{Code: CodeNoCallback, Lines: []int{i},
		Detail: detail + ": a firewall or NAT on the client's side blocks inbound connections, or the server's firewall blocks outbound ones from port 20."})
}

// callbackFailed: a 425 to PORT or EPRT, from a server that connects back
// before it answers: it took the address, and could not connect to it.
func (d *diagnosis) callbackFailed(s *session, i int, e result.Entry) {
	d.anyPort = true // the address was taken: an EPRT the server lacks is no refusal
	d.add(Fact{Code: CodeNoCallback, Lines: []int{s.cmdLine, i},
		Detail: fmt.Sprintf("The server took the address of %s and tried to connect back before answering, but could not: %q. A firewall or NAT on the client's side blocks inbound connections, or the server's firewall blocks outbound ones from port 20.", s.verb, ftp.FirstLine(e.Text))})
}

func (d *diagnosis) clientNAT(s *session, i int, seen netip.Addr, port string) {
	d.add(Fact{Code: CodeClientNAT, Lines: []int{i},
		Detail: fmt.Sprintf("The client's address is %s, but the server sees it connecting from %s port %s: the client is behind NAT.", s.local, seen, port)})
}

func (d *diagnosis) algRewrite(i int, sent, got string) {
	d.add(Fact{Code: CodeALGRewrite, Lines: []int{i},
		Detail: fmt.Sprintf("A router between client and server rewrote the PORT command: the client sent %s, the server received %s (an FTP ALG).", sent, got)})
}

// transferState follows a listing or download through its replies.
func (d *diagnosis) transferState(s *session, e result.Entry) {
	if !ftp.IsTransfer(s.verb) {
		return
	}
	s.inTransfer = e.Code >= 100 && e.Code < 200
	s.xferBegun = s.xferBegun || s.inTransfer
	s.xferOK = e.Code >= 200 && e.Code < 300
}

// dataUnended: the transcript shows the transfer's data connection neither
// ending (a probe records how: stalled, cut at its limit) nor failing its
// TLS handshake: what a client's log shows of a transfer that never ended.
func (s *session) dataUnended() bool {
	if s.data != nil && s.data.closed != "" {
		return false
	}
	return s.tls.data == nil || s.tls.data.ev.Outcome == result.Connected
}

// stalledOpen: the client gave up on a listing or download whose data
// connection was up (the 150 came) and which never ended. Nothing moved
// that the log shows: a stall, not a refused data connection.
func (d *diagnosis) stalledOpen(s *session, i int) {
	s.xferOK = false
	waited := ""
	if dt := d.entries[i].T - s.cmdT; dt > 0 {
		waited = " after " + transcript.Human(dt)
	}
	d.add(Fact{Code: CodeTransferStalled, Lines: []int{s.cmdLine, i},
		Detail: fmt.Sprintf("The data connection for %s opened and the server began the transfer (its 1xx reply came), but it never ended: the client gave up%s.", strings.TrimSpace(s.verb+" "+s.arg), waited)})
}

// settleStalled: where other transfers of the run completed and one
// stalled, the size is what differs, and a path-MTU black hole (full-size
// packets lost, the ICMP that would say so dropped) is the likely cause.
func (d *diagnosis) settleStalled() {
	for _, s := range d.sessions {
		d.transferDone = d.transferDone || s.xferOK
	}
	f := d.found[CodeTransferStalled]
	if f == nil || !d.transferDone {
		return
	}
	f.Detail += " Other transfers in the same run completed: small transfers pass and this one stalls."
	f.Hints = append([]string{"Small transfers pass and a larger one stalls: the likely cause is a path-MTU black hole, full-size packets lost on a link with a smaller MTU (a VPN, PPPoE, a tunnel) while the ICMP \"fragmentation needed\" (IPv6: \"packet too big\") that would tell the sender is dropped. Let that ICMP through every firewall, or clamp the TCP MSS on the router:\n    nft add rule inet filter forward tcp flags syn tcp option maxseg size set rt mtu"}, f.Hints...)
}

func (d *diagnosis) sizeMismatch(s *session, i int, got, want int64) {
	d.add(Fact{Code: CodeSizeMismatch, Lines: []int{i},
		Detail: fmt.Sprintf("RETR %s delivered %d bytes, but the server announced %d.", s.arg, got, want)})
}

// denied: the server refused the listing or the download itself (450, 550,
// 553), before any data moved: the path does not exist, or the account may
// not read it. The seed document names it the other common cause of "I can
// log in, but I can't list or download".
func (d *diagnosis) denied(s *session, i int, e result.Entry) {
	what := "the current directory"
	if s.arg != "" && !strings.HasPrefix(s.arg, "-") {
		what = s.arg
	}
	d.add(Fact{Code: CodeTransferDenied, Args: Args{Path: what}, Lines: []int{s.cmdLine, i},
		Detail: d.loginWorks(fmt.Sprintf("the server answered %s %s with %q: %s does not exist there, or this account may not read it.", s.verb, what, ftp.FirstLine(e.Text), what))})
}

func (d *diagnosis) dataRejected(s *session, i int, e result.Entry) {
	where := "the data connection opened"
	if s.data == nil {
		where = "no data connection was made"
	}
	d.add(Fact{Code: CodeDataRejected, Lines: []int{i},
		Detail: fmt.Sprintf("After %s, the server answered %s with %q: it refused the data connection, often because it came from another address than the control connection.", where, s.verb, ftp.FirstLine(e.Text))})
}

// dataIgnored is data.rejected without a word: the data connection opened,
// and the server never answered the transfer command (pure-ftpd waits in
// silence for a data connection from the control connection's address).
func (d *diagnosis) dataIgnored(s *session, i int, ev *result.EventInfo) {
	d.add(Fact{Code: CodeDataRejected, Args: Args{Silent: true}, Lines: []int{s.data.line, i},
		Detail: fmt.Sprintf("The data connection to %s opened, but the server never answered %s (nothing in %s): it ignores data connections it does not expect, typically from another address than the control connection's.", s.data.addr, s.verb, transcript.Human(ev.Dur))})
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
