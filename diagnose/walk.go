package diagnose

import (
	"net/netip"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// session is what the walk knows about one control connection so far.
type session struct {
	ctrl, local  netip.Addr // the server's and the client's address, from the connect event
	family       string     // the connect event's address family, "" before it
	connectT     time.Duration
	localLine    int // the connect event that names the client's address
	connected    bool
	replies      int
	greeted      bool
	quit         bool
	verb, arg    string // the last command
	cmdT         time.Duration
	cmdLine      int
	awaiting     bool // no reply yet to the last command
	mode         string
	modeOK       bool // the last PASV/EPSV/PORT/EPRT was accepted
	pasvAddr     netip.AddrPort
	pasvLine     int
	data         *dataFact // the data connection since the last PASV/EPSV/PORT/EPRT
	sizes        map[string]int64
	announced    int64 // from the 150 reply to RETR, -1 when not said
	portAccepted bool
	// refusedAt is a 425/426 in active mode with no connection seen yet:
	// the server's connection may still show up in the lines after it (the
	// probe reads replies and connections side by side), so it is judged
	// at the next command or at the end.
	refusedAt *result.Entry
	refusedI  int
	// started is set at the session's first command, reply or connect
	// event; mid when that was a command or a reply no greeting can be:
	// a log pasted from the middle of a session (see evidence.go).
	started, mid bool
	oops         bool   // vsftpd said "500 OOPS:": its session process is gone
	user         string // the last USER's name
	passFailed   bool   // a PASS of this session was refused

	// inTransfer: the server's 1xx to a listing or download came and its
	// final reply did not yet; the data connection is up (vsftpd sends
	// 150 only then).
	inTransfer bool
	// xferBegun: a 1xx came to the last listing or download, whatever
	// came after it.
	xferBegun bool
	xferOK    bool // its 2xx came; done unless the client then gave up
	// notReady is the last 120 ("ready in n minutes") at the greeting,
	// while no 220 has followed it.
	notReady  *result.Entry
	notReadyI int
	tls       tlsSession
	// unread is the listing or transfer whose final reply had not come
	// when the client sent its next command (unreadLine); behind: a reply
	// showed the client reading one reply late, and the session's replies
	// after it answer the command before theirs.
	unread     string
	unreadLine int
	behind     bool
}

// dataFact is one data connection attempt seen in the transcript.
type dataFact struct {
	op       result.Op
	addr     string
	port     int
	outcome  result.Outcome
	dur      time.Duration
	line     int
	closed   result.Outcome // outcome of its data-close, if seen
	pasvLine int            // the 227/229 it followed, -1 if none
	private  bool           // it went to a private 227 address as advertised
}

// diagnosis collects facts while walking the transcript, then findings.
type diagnosis struct {
	entries  []result.Entry
	sessions map[int]*session
	found    map[string]*result.Finding
	order    []string
	dials    []*dataFact // every passive data-connect, in order
	ports    []int       // every port a 227/229 reply handed out
	eprtBad  *result.Finding
	portBad  bool // some PORT was refused
	anyPort  bool // some PORT was accepted
	loggedIn bool // some session logged in
	slowest  time.Duration
	slowLine int
	slowWhat string
	fam      families
	authOK   bool // some AUTH was accepted: the session was encrypted
	// passes are the PASS commands sent over a plain control connection,
	// by whether the user was anonymous: tls.unsupported's severity.
	clearPass, anonLogin bool
	transferDone         bool        // some listing or download completed (226/250)
	known                ftp.PortRun // the passive range a SITE SWEEP opened; zero when none did
	stalls               []stall     // transfers that stopped moving, judged at the end (stall.go)
	complete             []completed // transfers that completed
	// exhausted is the first 425 to PASV/EPSV: the passive range used up
	// (pasvrange.go).
	exhausted  *result.Entry
	exhaustedI int
}

func newDiagnosis(entries []result.Entry) *diagnosis {
	return &diagnosis{entries: entries, sessions: map[int]*session{}, found: map[string]*result.Finding{}, fam: newFamilies()}
}

func (d *diagnosis) sess(id int) *session {
	s, ok := d.sessions[id]
	if !ok {
		s = &session{sizes: map[string]int64{}, announced: -1, pasvLine: -1}
		d.sessions[id] = s
	}
	return s
}

func (d *diagnosis) entry(i int, e result.Entry) {
	s := d.sess(e.Session)
	d.start(s, e)
	switch e.Kind {
	case result.Command:
		d.command(s, i, e)
	case result.Reply:
		if d.late(i, e) && !ftp.Answers(s.verb, e.Code) {
			// It answers an earlier command; the server was stuck on
			// that, so the answer to this one is timed from here.
			s.cmdT = e.T
			return
		}
		d.slow(s, i, e)
		s.replies++
		s.awaiting = false
		d.transferState(s, e)
		d.reply(s, i, e)
	case result.Event:
		if e.Event != nil {
			d.event(s, i, e)
		}
	}
}

// late tells a reply that answers no command sent since: an error reply
// followed, in its session, by another reply before any command. Twisted
// answers a PASV whose data connection never came with a late "550" just
// before it answers the next command (issue 31); that 550 is not the
// answer to the next command. A 421 (the server leaving) is never late,
// and neither is a reply the command may get (ftp.Answers, RFC 959's
// lists): "530 Login incorrect." to PASS followed by the 530 another
// client's line drew is PASS's own answer.
func (d *diagnosis) late(i int, e result.Entry) bool {
	if e.Code < 400 || e.Code == ftp.ServiceNotAvailable {
		return false
	}
	for _, n := range d.entries[i+1:] {
		if n.Session != e.Session {
			continue
		}
		switch n.Kind {
		case result.Command:
			return false
		case result.Reply:
			return n.Code != ftp.ServiceNotAvailable
		}
	}
	return false
}

func (d *diagnosis) command(s *session, i int, e result.Entry) {
	d.settleRefusal(s)
	d.settleDataTLS(s)
	verb, arg, _ := strings.Cut(strings.TrimSpace(e.Text), " ")
	s.unread = ""
	if ftp.IsTransfer(s.verb) && s.inTransfer && !midTransfer[strings.ToUpper(verb)] {
		s.unread, s.unreadLine = strings.TrimSpace(s.verb+" "+s.arg), s.cmdLine
	}
	s.verb, s.arg = strings.ToUpper(verb), strings.TrimSpace(arg)
	if s.verb == "SITE" {
		sub, rest, _ := strings.Cut(s.arg, " ")
		s.verb, s.arg = "SITE "+strings.ToUpper(sub), rest
	}
	d.transferDone = d.transferDone || s.xferOK
	s.cmdT, s.cmdLine, s.awaiting, s.inTransfer, s.xferBegun, s.xferOK = e.T, i, true, false, false, false
	d.fam.tried(s.family, s.verb)
	switch s.verb {
	case "QUIT":
		s.quit = true
	case "PASV", "EPSV", "PORT", "EPRT":
		s.mode, s.modeOK, s.data = s.verb, false, nil
		if connectsBack(s.verb) {
			d.privateClient(s, i)
		}
	case "RETR":
		s.announced = -1
	case "USER":
		s.user = s.arg
		d.anonLogin = d.anonLogin || ftp.Anonymous(s.arg)
	case "PASS":
		d.passSent(s)
	}
}

// midTransfer are the commands RFC 959 lets a client send while a transfer
// is under way (its final reply not yet read).
var midTransfer = map[string]bool{"ABOR": true, "STAT": true, "QUIT": true, "NOOP": true}

// slow remembers the slowest answer; the greeting counts from the connect.
func (d *diagnosis) slow(s *session, i int, e result.Entry) {
	var took time.Duration
	what := ""
	switch {
	case s.replies == 0 && s.connected:
		took, what = e.T-s.connectT, "greet"
	case s.awaiting && !ftp.IsTransfer(s.verb) && !connectsBack(s.verb):
		took, what = e.T-s.cmdT, "answer "+s.verb
	default:
		return
	}
	if took >= transcript.SlowReply && took > d.slowest {
		d.slowest, d.slowLine, d.slowWhat = took, i, what
	}
}

func (d *diagnosis) event(s *session, i int, e result.Entry) {
	ev := e.Event
	switch ev.Op {
	case result.OpResolve:
		if ev.Outcome != result.Resolved {
			d.dnsFailed(i, ev)
		}
	case result.OpConnect:
		d.connect(s, i, e)
	case result.OpClose:
		d.closed(s, i, ev)
	case result.OpDataConnect, result.OpDataAccept:
		d.dataOpen(s, i, ev)
	case result.OpDataClose:
		d.dataClose(s, i, ev)
	case result.OpTLS:
		d.tlsEvent(s, i, e)
	}
}

func (d *diagnosis) connect(s *session, i int, e result.Entry) {
	ev := e.Event
	if ip, _, ok := hostPort(ev.Addr); ok {
		s.ctrl, s.family = ip, result.FamilyOf(ip)
		d.fam.tried(s.family, "connect")
	}
	if ip, _, ok := hostPort(ev.Local); ok {
		s.local, s.localLine = ip, i
	}
	switch ev.Outcome {
	case result.Connected:
		s.connected, s.connectT = true, e.T
		if s.family != "" {
			d.fam.connected[s.family] = true
		}
	case result.Refused, result.Reset:
		d.controlRefused(i, ev)
	case result.Timeout:
		d.controlTimeout(i, ev)
	default:
		d.controlUnreachable(i, ev)
	}
}

// closed tells a session that ended early from one that ended normally.
func (d *diagnosis) closed(s *session, i int, ev *result.EventInfo) {
	if s.quit || s.oops && (d.found[CodeActiveServerFailed] != nil || d.found[CodeServerFailed] != nil) {
		return // vsftpd ends its session after an OOPS: the OOPS is the finding
	}
	byServer := ev.By == "server"
	switch {
	case ev.By == "client" && ev.Outcome == result.Failed:
		d.brokeFormat(i, ev.Err)
	case s.replies == 0 && !s.mid && s.notReady != nil && (byServer || ev.Outcome == result.Timeout):
		d.busy(s.notReadyI, *s.notReady) // 120 and never a 220: not ready, however long one waits
	case s.mid && (s.verb == "" || s.replies == 0 || s.oops && s.replies == 1):
		// A fragment that starts with the connection ending, with a
		// command no reply followed, or with vsftpd's OOPS (its session
		// ends after one): what it waited for, or why the server left, is
		// not in it.
	case s.replies == 0 && !s.mid && (byServer || ev.Outcome == result.Timeout):
		d.noGreeting(i, ev)
	case s.greeted && byServer && s.tls.refused && (s.verb == "USER" || s.verb == "PASS"):
		// The server hung up on the plain-text login it refused (vsftpd's
		// force_local_logins_ssl does at once): the refusal is the finding.
	case s.greeted && byServer:
		d.controlClosed(s, i, "closed the control connection")
	case s.greeted && s.inTransfer && ev.By == "client" && ev.Outcome != result.Failed && s.dataUnended(),
		s.greeted && s.xferBegun && ev.By == "client" && ev.Outcome == result.Timeout && s.dataUnended():
		// Its 226 may have come while the data still had not: vsftpd
		// says so once the data is in its socket's buffer.
		d.stalledOpen(s, i)
	case s.greeted && ev.Outcome == result.Timeout && ftp.IsTransfer(s.verb) && s.data != nil &&
		s.data.outcome == result.Connected && s.data.closed == "":
		d.dataIgnored(s, i, ev)
	case s.greeted && ev.Outcome == result.Timeout && d.callbackPending(s, i, ev):
	case s.greeted && ev.Outcome == result.Timeout:
		d.controlClosed(s, i, "stopped answering (no reply in "+transcript.Human(ev.Dur)+")")
	}
}

func (d *diagnosis) dataOpen(s *session, i int, ev *result.EventInfo) {
	f := &dataFact{op: ev.Op, addr: ev.Addr, outcome: ev.Outcome, dur: ev.Dur, line: i, pasvLine: s.pasvLine}
	ip, port, _ := hostPort(ev.Addr)
	f.port = port
	if ev.Op == result.OpDataAccept {
		if ev.Outcome == result.Rejected {
			return // a stranger knocked; the probe keeps waiting for the server
		}
		s.data = f
		if ev.Outcome == result.Timeout && s.modeOK {
			d.noCallback(s, i, ev)
		}
		if ev.Outcome == result.Connected && s.refusedAt != nil {
			d.dataRejected(s, s.refusedI, *s.refusedAt)
			s.refusedAt = nil
		}
		return
	}
	d.fam.tried(s.family, "data-connect")
	f.private = s.pasvAddr.IsValid() && ip == s.pasvAddr.Addr() && ftp.NonPublic(ip)
	s.data, s.tls.data, s.tls.reuse = f, nil, false
	d.dials = append(d.dials, f)
}

func (d *diagnosis) dataClose(s *session, i int, ev *result.EventInfo) {
	if s.data != nil {
		s.data.closed = ev.Outcome
	}
	switch ev.Outcome {
	case result.Stalled:
		want, ok := s.sizes[s.arg]
		if s.announced >= 0 {
			want, ok = s.announced, true
		}
		if !ok || s.verb != "RETR" {
			want = -1
		}
		d.stalls = append(d.stalls, stall{session: d.entries[i].Session, line: i, verb: s.verb, arg: s.arg, bytes: ev.Bytes, idle: *ev, want: want})
	case result.Truncated:
		if ev.By == "client" {
			d.truncated(s, i, ev)
		}
	case result.Complete:
		d.complete = append(d.complete, completed{session: d.entries[i].Session, line: i, verb: s.verb, arg: s.arg, bytes: ev.Bytes})
		if s.verb != "RETR" {
			return
		}
		want, ok := s.sizes[s.arg]
		if s.announced >= 0 {
			want, ok = s.announced, true
		}
		if ok && want != ev.Bytes {
			d.sizeMismatch(s, i, ev.Bytes, want)
		}
	}
}

// settleRefusal judges an active-mode refusal that no connection followed.
func (d *diagnosis) settleRefusal(s *session) {
	if s.refusedAt != nil {
		d.noCallbackSaid(s, s.refusedI, *s.refusedAt)
		s.refusedAt = nil
	}
}
