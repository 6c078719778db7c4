package probe

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// whoami asks an ftpdiag server which address it sees us coming from.
func (r *sessRun) whoami() stepResult {
	if !r.p.ext("WHOAMI") {
		return stepResult{status: result.NotChecked, detail: "the server does not offer SITE WHOAMI"}
	}
	code, text, ok := r.c.cmd("SITE WHOAMI")
	f := strings.Fields(firstLine(text))
	if !ok || code != ftp.CommandOK || len(f) < 2 {
		return stepResult{status: result.Warn, detail: "SITE WHOAMI: " + firstLine(text)}
	}
	seen := net.JoinHostPort(f[0], f[1])
	r.p.mu.Lock()
	r.p.network.SeenAddr = seen
	r.p.mu.Unlock()
	if ip, err := netip.ParseAddr(f[0]); err == nil && ip.Unmap() != r.c.local.Addr() {
		return stepResult{status: result.Warn, detail: "the server sees " + seen + ", the client is " + r.c.local.String() + ": NAT"}
	}
	return stepResult{status: result.Pass, detail: "the server sees " + seen}
}

// portcheckArm decides whether PORT+LIST arms SITE PORTCHECK first (arming
// needs the PORT argument); its result shows in PORT+LIST's check.
func (r *sessRun) portcheckArm() stepResult {
	switch {
	case !r.p.ext("PORTCHECK"):
		return stepResult{status: result.NotChecked, detail: "the server does not offer SITE PORTCHECK"}
	case r.c.local.Addr().Is6():
		return stepResult{status: result.NotChecked, detail: "PORT speaks IPv4 only, and routers rewrite it only there"}
	}
	r.portcheck = true
	return stepResult{}
}

func (r *sessRun) portList() stepResult {
	if r.c.local.Addr().Is6() {
		return stepResult{status: result.NotChecked, detail: "PORT speaks IPv4 only; see EPRT"}
	}
	return r.activeList("PORT", ftp.FormatPORT)
}

func (r *sessRun) eprtList() stepResult {
	if r.callbackFailed {
		// The server took PORT's address and could not connect back: EPRT
		// would wait for the same connection, as long (pyftpdlib: 30 s).
		return stepResult{status: result.NotChecked, detail: "not tried: the server could not connect back after PORT, and EPRT would wait for the same connection"}
	}
	return r.activeList("EPRT", ftp.FormatEPRT)
}

// activeList runs one active-mode listing: listen, PORT or EPRT, LIST,
// then wait for the server to connect back.
func (r *sessRun) activeList(verb string, arg func(netip.AddrPort) string) stepResult {
	ln, ok := r.c.listen(r.ctx)
	if !ok {
		return stepResult{status: result.NotChecked, detail: "the probe cannot listen for the server's connection"}
	}
	defer ln.Close()
	a := arg(netip.MustParseAddrPort(ln.Addr().String()))
	armed := r.portcheck && verb == "PORT"
	if armed {
		if code, _, ok := r.c.cmd("SITE PORTCHECK %s", ftp.Spell(a)); !ok || code != ftp.CommandOK {
			armed = false
		}
	}
	code, text, ok := r.portCmd(verb + " " + a)
	if !ok {
		return stepResult{status: result.Fail, detail: "no reply to " + verb, stop: true}
	}
	if code == ftp.CantOpenData || code == ftp.ServiceNotAvailable {
		// The address was taken and connecting back to it failed: the
		// server connects before it answers (Twisted 425, pyftpdlib 421).
		r.callbackFailed = true
		return stepResult{status: result.Warn, detail: "the server could not connect back: " + firstLine(text)}
	}
	if code >= 300 {
		res := stepResult{status: result.Warn, detail: verb + " refused: " + firstLine(text)}
		if armed {
			res.detail += "; " + r.portcheckResult()
		}
		return res
	}
	res := r.activeTransfer(ln)
	if armed && !r.c.dead {
		res.detail += "; " + r.portcheckResult()
	}
	return res
}

// portCmd sends PORT or EPRT and reads its reply. Twisted and pyftpdlib
// connect back before they answer, and give up after their own connect
// timeout (10 s and 30 s), which may be longer than the reply timeout: a
// server busy connecting back is not a dead control connection, so where
// nothing came in one reply timeout the probe waits one more (issue 31).
func (r *sessRun) portCmd(line string) (int, string, bool) {
	verb, _, _ := strings.Cut(line, " ")
	if err := r.c.send(line); err != nil {
		return 0, "", false
	}
	r.p.opts.Status("waiting for the reply to "+verb, r.p.opts.ReplyTimeout)
	code, text, err := r.c.readRaw(r.p.opts.ReplyTimeout)
	if err != nil && transcript.Classify(err) == result.Timeout && r.c.rr.Got() == 0 && r.ctx.Err() == nil {
		r.sess.Note(fmt.Sprintf("no reply to %s in %s: servers that connect back before they answer (Twisted, pyftpdlib) wait for their own connect timeout; the probe waits %s more",
			verb, transcript.Human(r.p.opts.ReplyTimeout), transcript.Human(r.p.opts.ReplyTimeout)))
		code, text, err = r.c.readRaw(r.p.opts.ReplyTimeout)
	}
	if err != nil {
		r.c.fail(err, r.c.awaited())
		return 0, "", false
	}
	return code, text, true
}

// portcheckResult asks whether the PORT line arrived as sent.
func (r *sessRun) portcheckResult() string {
	code, text, ok := r.c.cmd("SITE PORTCHECK")
	f := strings.Fields(firstLine(text))
	switch {
	case !ok || code != ftp.CommandOK || len(f) < 3:
		return "PORTCHECK: no answer"
	case f[1] == "rewritten" && len(f) >= 4:
		return "a router rewrote PORT " + f[2] + " into " + f[3]
	}
	return "PORT arrived as sent"
}

// activeTransfer sends LIST and waits, side by side, for the server's
// connection and its reply: vsftpd connects before it answers 150,
// pure-ftpd after.
func (r *sessRun) activeTransfer(ln net.Listener) stepResult {
	got := r.c.acceptFrom(ln)
	replies := r.c.sendAsync(r.listCmd())
	var first *asyncReply
	select {
	case a := <-got:
		return r.accepted(a, replies, nil)
	case rep := <-replies:
		first = &rep
	}
	if first.err != nil || first.code >= 400 {
		a := r.lateAccept(ln, got)
		if a.conn != nil {
			// It connected, then refused: the connection belongs in the
			// transcript, or the refusal would read as no callback.
			r.sess.Event(result.EventInfo{Op: result.OpDataAccept, Addr: a.conn.RemoteAddr().String(), Outcome: result.Connected, Dur: a.dur}, "")
			a.conn.Close()
		}
		if first.err != nil {
			r.c.fail(first.err, r.c.awaited())
			return stepResult{status: result.Fail, detail: "no reply to LIST", stop: true}
		}
		return stepResult{status: result.Fail, detail: "the server answered " + firstLine(first.text)}
	}
	return r.accepted(<-got, replies, first)
}

// lateAcceptWait is how long a refusal may have overtaken the server's
// connection inside the probe: both were sent in order, but are read by
// two goroutines. Far longer than a scheduler's delay, far below a timeout.
const lateAcceptWait = 100 * time.Millisecond

// lateAccept gives a connection the server made before refusing the
// transfer the chance to show, then closes the listener.
func (r *sessRun) lateAccept(ln net.Listener, got <-chan accepted) accepted {
	select {
	case a := <-got:
		ln.Close()
		return a
	case <-time.After(lateAcceptWait):
	}
	ln.Close()
	return <-got
}

// accepted goes on once the server's connection arrived or did not.
func (r *sessRun) accepted(a accepted, replies <-chan asyncReply, first *asyncReply) stepResult {
	if a.err != nil {
		r.sess.Event(result.EventInfo{Op: result.OpDataAccept, Outcome: transcript.Classify(a.err), Dur: a.dur}, "")
		r.c.hangUp("waiting longer would only wait for the server's own timeout")
		if first == nil {
			<-replies
		}
		return stepResult{status: result.Fail, detail: "the server never connected back", stop: true}
	}
	from := a.conn.RemoteAddr().String()
	r.sess.Event(result.EventInfo{Op: result.OpDataAccept, Addr: from, Outcome: result.Connected, Dur: a.dur}, "")
	fromNote := "the server connected from port 20, as RFC 959 says"
	if ap, _ := netip.ParseAddrPort(from); ap.Port() != 20 {
		fromNote = fmt.Sprintf("the server connected from port %d, not 20 (a client firewall allowing only port 20 would block it)", ap.Port())
	}
	r.sess.Note(fromNote)
	if first == nil {
		rep := <-replies
		if rep.err != nil || rep.code >= 400 {
			a.conn.Close()
			if rep.err != nil {
				r.c.fail(rep.err, r.c.awaited())
				return stepResult{status: result.Fail, detail: "no reply to LIST", stop: true}
			}
			return stepResult{status: result.Fail, detail: firstLine(rep.text)}
		}
		first = &rep
	}
	conn := a.conn
	if r.protected {
		hs := r.c.secureData(r.ctx, a.conn, r.tlsCfg, false)
		if res, ok := r.dataHandshake(hs, first.code); !ok {
			return res
		}
		conn = hs.tc
	}
	t := r.c.drain(conn)
	if t.outcome != result.Complete {
		r.c.hangUp("the data transfer did not end normally")
		return transferEnded(t)
	}
	if first.code < 200 {
		if code, text, ok := r.c.reply(); !ok || code >= 400 {
			return stepResult{status: result.Fail, detail: "after the data: " + firstLine(text), stop: !ok}
		}
	}
	return stepResult{status: result.Pass, detail: fmt.Sprintf("%d bytes; %s", t.bytes, fromNote)}
}
