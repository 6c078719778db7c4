package diagnose

import (
	"fmt"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// The contract's "Evidence" section: a verdict says only what the lines
// show. This file holds what the walk needs for it (a log that starts in
// the middle of a session, replies that echo an earlier failure) and the
// rule itself, which NewResult applies to every result.

// start notes a session's first command, reply or connect event. A log
// pasted from the middle of a session (FileZilla's pane from "Command:
// PASV" on, lftp's debug output after the greeting) has no connect event
// and no greeting: its first line is a command, or a reply no server greets
// with. Such a session is read as greeted; its first reply is the answer to
// the command before it.
func (d *diagnosis) start(s *session, e result.Entry) {
	if s.started {
		return
	}
	switch {
	case e.Kind == result.Command:
		s.started, s.mid = true, true
	case e.Kind == result.Reply:
		s.started, s.mid = true, !fragmentGreeting(e.Code)
	case e.Kind == result.Event && e.Event != nil && e.Event.Op == result.OpConnect:
		s.started = true
	}
	if s.mid {
		s.greeted = true // and its first reply answers a command
	}
}

// greetingCode tells whether a server may open a session with code: the
// greeting itself, "ready in n minutes", a refusal (busy, TLS demanded), or
// no FTP reply at all (another protocol).
func greetingCode(code int) bool {
	switch {
	case code == 0, code == ftp.ServiceReadySoon, code == ftp.ServiceReady,
		code >= 400 && code < 500, code == ftp.PolicyDenied:
		return true
	}
	return false
}

// fragmentGreeting: with no connect event before it, a first reply is a
// greeting only where ftp.OpensSession says so (425 to a LIST, 534 to AUTH
// are answers to commands the log was cut before).
func fragmentGreeting(code int) bool { return ftp.OpensSession(code) }

// isOOPS tells vsftpd's fatal errors ("500 OOPS: vsf_sysutil_bind"): its
// session process gives up and the connection closes after it. The
// contract names the text.
func isOOPS(e result.Entry) bool {
	return e.Code == ftp.SyntaxError && strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(ftp.FirstLine(e.Text), "500")), "OOPS:")
}

// authReply: AUTH refused is tls.unsupported unless another AUTH of the
// same log was accepted (curl tries AUTH SSL, then AUTH TLS).
func (d *diagnosis) authReply(i int, e result.Entry) {
	switch {
	case e.Code >= 400:
		d.tlsUnsupported(i, e)
	case e.Code >= 200 && e.Code < 400:
		d.authOK = true
	}
}

// activeServerFailed: the server accepted PORT/EPRT and then failed on its
// own side to open the connection back, and says so (vsftpd cannot bind
// port 20 while another process holds it).
func (d *diagnosis) activeServerFailed(s *session, i int, e result.Entry) {
	why := "it failed on its own side to open the connection back"
	if containsFold(e.Text, "vsf_sysutil_bind") {
		why = "it could not bind its own port for the connection back (vsftpd with connect_from_port_20=YES binds port 20, and fails while another process holds it)"
	}
	d.add(Fact{Code: CodeActiveServerFailed, Lines: []int{s.cmdLine, i},
		Detail: fmt.Sprintf("The server accepted %s, but answered %s with %q: %s.", s.mode, s.verb, ftp.FirstLine(e.Text), why)})
}

// truncated: the probe cut a transfer at its own limit (--max-bytes, or
// the whole-transfer time). Not the server's fault, and not a transfer
// seen to its end either.
func (d *diagnosis) truncated(s *session, i int, ev *result.EventInfo) {
	what := s.verb
	if s.arg != "" {
		what += " " + s.arg
	}
	d.add(Fact{Code: CodeTransferTruncated, Lines: []int{i},
		Detail: fmt.Sprintf("The probe cut %s after %d bytes, at its own limit (--max-bytes or the transfer time): the data connection opened and data flowed, but the transfer's end was not seen, nor the steps after it.", what, ev.Bytes)})
}

// loginWorks starts a data finding's detail: "Login works, but c..." only
// where the transcript shows a login.
func (d *diagnosis) loginWorks(rest string) string {
	if d.loggedIn {
		return "Login works, but " + rest
	}
	return strings.ToUpper(rest[:1]) + rest[1:]
}

// Evidence tells whether entries show what a verdict of ok claims: a login
// and a listing or download seen to its end. Where they do not, says
// tells where the transcript ends and what it does not show, in words for
// the report ("the log ends after the greeting: nothing about login or
// data connections"). noun names the transcript: "the log", "the
// transcript".
func Evidence(entries []result.Entry, noun string) (ok bool, says string) {
	w := walkEvidence(entries)
	if w.login && w.done && !w.mid && w.connected && !w.open {
		return true, ""
	}
	return false, w.says(noun)
}

// evidenceWalk is how far a transcript got, stage by stage.
type evidenceWalk struct {
	mid, connected, greeted, login, tried, done bool
	// open: the transcript ends while a listing or download is under way
	// (its 1xx came, its end did not): what happened to it is not seen.
	open     bool
	cut      int64 // bytes of a transfer the probe cut, -1 if none
	lastVerb string
}

func walkEvidence(entries []result.Entry) evidenceWalk {
	w := evidenceWalk{cut: -1}
	xfers := map[int]*xferSeen{} // each session's transfer in progress
	verbs := map[int]string{}
	first, dialed := map[int]bool{}, map[int]bool{}
	for _, e := range entries {
		if e.Event != nil && e.Event.Op == result.OpConnect {
			dialed[e.Session] = true
		}
		if !first[e.Session] && (e.Kind == result.Command || e.Kind == result.Reply) {
			first[e.Session] = true
			greets := greetingCode(e.Code) && (dialed[e.Session] || fragmentGreeting(e.Code))
			w.mid = w.mid || e.Kind == result.Command || !greets
		}
		x := xfers[e.Session]
		switch {
		case e.Kind == result.Command:
			w.settle(x)
			verb, _, _ := strings.Cut(strings.TrimSpace(e.Text), " ")
			verbs[e.Session] = strings.ToUpper(verb)
			w.lastVerb = verbs[e.Session]
			delete(xfers, e.Session)
			if ftp.IsTransfer(w.lastVerb) {
				w.tried, xfers[e.Session] = true, &xferSeen{}
			}
		case e.Kind == result.Reply:
			w.reply(e, x)
		case e.Event != nil:
			w.event(e, x)
		}
	}
	for _, x := range xfers {
		w.settle(x)
		w.open = w.open || x.started && !x.answered && x.closed == ""
	}
	return w
}

// xferSeen is what a transcript shows of one listing or download: the
// server's 226/250 and the data connection's close come in either order
// (the probe reads both side by side), so it is judged at the session's
// next command or at the end.
type xferSeen struct {
	started  bool           // a 1xx: the data connection is up
	answered bool           // 226/250
	closed   result.Outcome // the data connection's close, "" when not shown
}

// settle: the close rules where the transcript shows it; a client's log
// seldom does, and there the server's 226 says the transfer completed.
func (w *evidenceWalk) settle(x *xferSeen) {
	if x == nil {
		return
	}
	w.done = w.done || x.closed == result.Complete || x.closed == "" && x.answered
}

func (w *evidenceWalk) reply(e result.Entry, x *xferSeen) {
	switch {
	case e.Code == ftp.ServiceReady:
		w.greeted = true
	case e.Code == ftp.LoggedIn || e.Code == ftp.LoggedInBySecurity:
		w.login = true
	case x != nil && (e.Code == ftp.ClosingData || e.Code == ftp.FileActionOK):
		x.answered = true
	case x != nil && e.Code >= 100 && e.Code < 200:
		x.started = true
	}
}

func (w *evidenceWalk) event(e result.Entry, x *xferSeen) {
	ev := e.Event
	switch {
	case ev.Op == result.OpConnect && ev.Outcome == result.Connected:
		w.connected = true
	case ev.Op == result.OpDataClose && x != nil:
		x.closed = ev.Outcome
		if ev.Outcome == result.Truncated && ev.By == "client" {
			w.cut = ev.Bytes
		}
	}
}

// says puts where the transcript ends into words.
func (w evidenceWalk) says(noun string) string {
	switch {
	case w.mid && w.login && w.done:
		return noun + " starts in the middle of a session: the login and a listing or download are in it, but not the connection's start (the server's address, its greeting), which a verdict of ok needs"
	case w.login && w.done && !w.connected:
		return noun + " shows the login and a listing or download, but not the control connection's start (the server's address), which a verdict of ok needs"
	case w.open && w.login:
		return noun + " ends during " + w.lastVerb + ", with the transfer under way: its end is not seen"
	case w.tried && w.cut >= 0:
		return fmt.Sprintf("no listing or download in %s was seen to its end: the probe cut one at %d bytes (its --max-bytes or transfer time limit), and the steps after it were not run", noun, w.cut)
	case w.tried && w.login:
		return noun + " ends during " + w.lastVerb + ": no listing or download is seen to its end"
	case w.tried && w.mid:
		return noun + " starts in the middle of a session and no listing or download in it is seen to its end: nothing about the login"
	case w.tried:
		return noun + " shows no login, and no listing or download seen to its end"
	case w.login:
		return noun + " ends after the login: no listing or download is seen"
	case w.mid:
		return noun + " starts in the middle of a session: it shows neither the login nor a listing or download"
	case w.greeted:
		return noun + " ends after the greeting: nothing about login or data connections"
	case w.connected:
		return noun + " ends before the server's greeting: nothing about login or data connections"
	}
	return noun + " shows no FTP session: nothing about the greeting, login or data connections"
}

// applyEvidence is the rule on a result: where no finding is above info
// and the lines do not show a login and a completed transfer, the verdict
// is unknown; where they do not, the result says what was not seen.
func applyEvidence(res *result.Result, fromLog bool) {
	noun := "the transcript"
	if fromLog {
		noun = "the log"
	}
	ok, says := Evidence(res.Transcript, noun)
	if ok || res.Verdict == result.VerdictCritical {
		return
	}
	res.Evidence = says
	if res.Verdict == result.VerdictOK {
		res.Verdict = result.VerdictUnknown
	}
}
