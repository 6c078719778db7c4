package diagnose

import (
	"fmt"
	"net/netip"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// A server sees a session from the other end: commands come in, replies go
// out, and of the data connections it sees only its own side (a passive
// connection arrives or not, its own connection back to the client opens
// or fails). DiagnoseServer reads such a session. The codes that mean the
// same from either end (a refused login, a refused PORT, a 522 for an
// unresumed TLS session, vsftpd's OOPS) come from Diagnose; the data
// connections are judged here, since a client's codes would claim what the
// server cannot know (whether the client's attempt timed out or was reset).

// fromEitherSide are Diagnose's codes that a server's lines show as well
// as a client's: they rest on replies alone.
var fromEitherSide = map[string]bool{
	CodeControlBusy: true, CodeLoginRejected: true, CodeLoginTLSRequired: true,
	CodePasvUnsupported: true, CodeEPSVUnsupported: true, CodePortRefused: true,
	CodeActiveServerFailed: true, CodeTLSUnsupported: true, CodeTLSSessionReuse: true,
	CodeTLSProtRefused: true, CodeTransferDenied: true,
}

// ServerInput is one session as a server recorded it.
type ServerInput struct {
	Tool   result.Tool
	Target result.Target // the client: Host is its address
	Record result.Record
	Client string // the client's address as the server saw it
	// Unlogged: the log never records a connection or greeting (ProFTPD's
	// ExtendedLog), and this session begins with a command that opens one.
	Unlogged bool
}

// NewServerResult is a Result for one session seen from the server, held
// to the evidence rule as every other.
func NewServerResult(in ServerInput) *result.Result {
	findings := DiagnoseServer(in.Record.Entries, in.Client)
	res := &result.Result{
		Schema:     result.Schema,
		Tool:       in.Tool,
		Target:     in.Target,
		Started:    in.Record.Started,
		Verdict:    VerdictOf(findings),
		Findings:   findings,
		Checks:     LogChecks(in.Record.Entries, findings),
		Transcript: in.Record.Entries,
	}
	serverEvidence(res, in.Unlogged)
	if n := len(in.Record.Entries); n > 0 {
		res.DurationMs = in.Record.Entries[n-1].T.Milliseconds()
	}
	return res
}

// serverEvidence holds a session to the evidence rule. A log that never
// records connections (ProFTPD's) cannot show a session's start, so its
// sessions are never ok; where all else is there, the evidence says so.
func serverEvidence(res *result.Result, unlogged bool) {
	applyEvidence(res, true)
	if !unlogged || res.Evidence == "" {
		return
	}
	opened := append([]result.Entry{
		{Session: 1, Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Outcome: result.Connected}},
		{Session: 1, Kind: result.Reply, Code: int(ftp.ServiceReady)},
	}, res.Transcript...)
	if ok, _ := Evidence(opened, "the log"); ok {
		res.Evidence = "the log records commands only, not the connection or the greeting (ProFTPD's ExtendedLog): " +
			"the login and a finished transfer are in it and nothing failed, but a verdict of ok needs the session's start too"
	}
}

// DiagnoseServer names the root causes a server's record of one session
// shows, each marked as seen from the server. client is the client's
// address as the server saw it ("" when the log does not say).
func DiagnoseServer(entries []result.Entry, client string) []result.Finding {
	w := &serverWalk{entries: entries, found: map[string]*result.Finding{}, failedPasv: -1}
	w.client, _ = netip.ParseAddr(client)
	for i, e := range entries {
		w.entry(i, e)
	}
	var out []result.Finding
	portPrivate := w.portPriv
	for _, f := range Diagnose(entries) {
		switch {
		case !fromEitherSide[f.Code], f.Code == CodePortRefused && portPrivate:
			continue // a PORT refused for naming a private address: port-private is the cause
		case f.Code == CodeTLSUnsupported && !w.tlsRefused:
			continue // "AUTH SSL" refused says nothing of AUTH TLS (curl tries SSL first)
		}
		out = append(out, seenFromServer(f))
	}
	if w.found[CodePassiveFallback] != nil {
		delete(w.found, CodePassiveNeverArrived) // it failed, then the client worked around it
	}
	for _, c := range Catalogue {
		if f := w.found[c.Code]; f != nil {
			out = append(out, seenFromServer(*f))
		}
	}
	return out
}

// serverWalk is what the walk knows of the session so far.
type serverWalk struct {
	entries []result.Entry
	client  netip.Addr
	found   map[string]*result.Finding
	verb    string // the last command's verb
	arg     string
	tls     bool // AUTH was accepted
	// tlsRefused: an "AUTH TLS" was refused (not another mechanism)
	tlsRefused bool
	// the data connection the last PASV/EPSV/PORT/EPRT prepared
	mode       string
	modeLine   int // its accepted reply (passive) or command (active)
	pasvAddr   netip.AddrPort
	arrived    bool  // a data connection came, or a transfer's reply shows one did
	transfered bool  // a transfer command was sent since
	portPriv   bool  // the PORT/EPRT named a private address from a public client
	portFact   *Fact // its finding, made when the server answers
	failedPasv int   // the reply line of the last passive mode whose connection never came, -1 if none
	// pending: a passive connection that never came, the client having
	// switched to PORT/EPRT: its fall-back's transfer decides the code
	// (a cut log that ends first says neither)
	pending *Fact
	lo, hi  int // passive ports handed out
}

func (w *serverWalk) entry(i int, e result.Entry) {
	switch e.Kind {
	case result.Command:
		w.command(i, e)
	case result.Reply:
		w.reply(i, e)
	case result.Event:
		if e.Event != nil {
			w.event(i, e.Event)
		}
	}
}

func (w *serverWalk) command(i int, e result.Entry) {
	verb, arg, _ := strings.Cut(strings.TrimSpace(e.Text), " ")
	w.verb, w.arg = strings.ToUpper(verb), strings.TrimSpace(arg)
	switch w.verb {
	case "PASV", "EPSV", "PORT", "EPRT", "ABOR", "QUIT", "REIN":
		w.settlePending()
		w.passiveUnused(i)
	}
	switch w.verb {
	case "PORT", "EPRT":
		w.prepare(w.verb, i)
		w.portAddress(i)
	case "PASV", "EPSV":
		w.mode = "" // until the server accepts it
	}
	if ftp.IsTransfer(w.verb) || w.verb == "STOR" || w.verb == "APPE" || w.verb == "STOU" {
		w.transfered = true
	}
}

func (w *serverWalk) prepare(mode string, line int) {
	w.mode, w.modeLine, w.arrived, w.transfered, w.portPriv = mode, line, false, false, false
}

func (w *serverWalk) reply(i int, e result.Entry) {
	switch {
	case w.portFact != nil:
		w.portFact.Lines = append(w.portFact.Lines, i)
		w.add(i, *w.portFact)
		w.portFact = nil
	case e.Code == int(ftp.AuthOK):
		w.tls = true
	case w.verb == "AUTH" && strings.EqualFold(w.arg, "TLS") && e.Code >= 400:
		w.tlsRefused = true
	case e.Code == int(ftp.EnteringPassive) && w.verb == "PASV":
		w.prepare("PASV", i)
		w.pasvAddress(i, e.Text)
	case e.Code == int(ftp.EnteringExtPassive) && w.verb == "EPSV":
		w.prepare("EPSV", i)
		if p, err := ftp.ParseEPSV(e.Text); err == nil {
			w.port(p)
		}
	case !w.transfered || w.mode == "":
	case e.Code == int(ftp.DataAlreadyOpen), e.Code == int(ftp.FileStatusOK),
		e.Code == int(ftp.ClosingData), e.Code == int(ftp.FileActionOK):
		w.arrived = true
		w.fallbackWorked(i)
	case e.Code == int(ftp.CantOpenData) && !w.arrived:
		w.noData(i)
	case e.Code == int(ftp.TransferAborted) && w.arrived:
		w.add(i, Fact{Code: CodeTransferStalled,
			Detail: fmt.Sprintf("The data connection opened, then the transfer for %s broke off: the server answered %s.", w.verb, firstLine(e.Text))})
	}
}

func (w *serverWalk) event(i int, ev *result.EventInfo) {
	switch ev.Op {
	case result.OpDataAccept, result.OpDataConnect:
		if ev.Outcome == result.Connected {
			w.arrived = true
			return
		}
		if ev.Outcome != result.Rejected {
			w.noData(i)
		}
	case result.OpDataClose:
		if (ev.Outcome == result.Timeout || ev.Outcome == result.Stalled) && ev.By == "server" {
			w.add(i, Fact{Code: CodeTransferStalled,
				Detail: fmt.Sprintf("The client stopped reading the data connection after %d bytes of %s; the server gave up on it.", ev.Bytes, w.verb)})
		}
	case result.OpClose:
		w.settlePending()
		w.passiveUnused(i)
	}
}

// noData: the prepared data connection never came.
func (w *serverWalk) noData(line int) {
	switch w.mode {
	case "PASV", "EPSV":
		w.passiveFailed(line, "the server waited for it and none came")
	case "PORT", "EPRT":
		w.settlePending() // the fall-back failed too
		if w.portPriv {
			return // the private address is the cause, and its finding says so
		}
		w.add(line, Fact{Code: CodeConnectBackFailed, Lines: []int{w.modeLine, line},
			Detail: fmt.Sprintf("The client asked for an active-mode connection with %s; the server's connection back to it failed (%s).",
				w.verb, w.entryText(line))})
	}
	w.mode = ""
}

// passiveUnused: the client moved on (another mode, ABOR, QUIT, the end of
// the session) from a passive port it asked for without connecting to it.
func (w *serverWalk) passiveUnused(line int) {
	if (w.mode == "PASV" || w.mode == "EPSV") && !w.arrived {
		w.passiveFailed(line, "the client "+w.movedOn(line)+" without connecting to it")
		w.mode = ""
	}
}

func (w *serverWalk) movedOn(line int) string {
	e := w.entries[line]
	if e.Kind == result.Command {
		return "sent " + strings.ToUpper(strings.Fields(e.Text + " x")[0])
	}
	return "left"
}

func (w *serverWalk) passiveFailed(line int, how string) {
	addr := "the port it named"
	if w.pasvAddr.IsValid() {
		addr = w.pasvAddr.String()
	}
	f := Fact{Code: CodePassiveNeverArrived, Lines: []int{w.modeLine, line}, Args: Args{Lo: w.lo, Hi: w.hi},
		Ports:  portOf(w.pasvAddr),
		Detail: fmt.Sprintf("The server answered %s with %s, and %s.", w.mode, addr, how) + w.tlsNote()}
	w.failedPasv = w.modeLine
	if w.verb == "PORT" || w.verb == "EPRT" {
		w.pending = &f
		return
	}
	w.add(line, f)
}

// settlePending: the client's fall-back to active mode did not show a
// working transfer before it moved on, failed, or the session ended.
func (w *serverWalk) settlePending() {
	if w.pending != nil {
		f := *w.pending
		w.pending = nil
		w.add(f.Lines[len(f.Lines)-1], f)
	}
}

func (w *serverWalk) tlsNote() string {
	if !w.tls {
		return ""
	}
	return " The session is encrypted (AUTH TLS): no router's FTP helper can read its PASV reply."
}

// fallbackWorked: a transfer in active mode after a failed passive one.
func (w *serverWalk) fallbackWorked(line int) {
	if (w.mode == "PORT" || w.mode == "EPRT") && (w.pending != nil || w.found[CodePassiveNeverArrived] != nil) {
		w.pending = nil
		w.add(line, Fact{Code: CodePassiveFallback, Lines: []int{w.failedPasv, w.modeLine, line}, Args: Args{Lo: w.lo, Hi: w.hi},
			Detail: "The passive data connection never arrived; the client then switched to active mode (" + w.mode + ") and that transfer worked."})
	}
}

// pasvAddress checks the address a 227 reply advertised against the
// client's: a private one is unreachable from a client on a public address.
func (w *serverWalk) pasvAddress(line int, text string) {
	ap, err := ftp.ScanPASV(text)
	if err != nil {
		return
	}
	w.pasvAddr = ap
	w.port(int(ap.Port()))
	if w.client.IsValid() && ftp.NonPublic(ap.Addr()) && !ftp.NonPublic(w.client) {
		w.add(line, Fact{Code: CodePasvPrivate, Lines: []int{line},
			Detail: fmt.Sprintf("The server advertised %s in its PASV reply to a client connecting from the public address %s, which cannot reach it; clients that dial it as it is fail, others (curl, FileZilla) use the control connection's address instead.",
				ap.Addr(), w.client)})
	}
}

func (w *serverWalk) port(p int) {
	if w.lo == 0 || p < w.lo {
		w.lo = p
	}
	if p > w.hi {
		w.hi = p
	}
}

// portAddress checks the address a PORT/EPRT command names.
func (w *serverWalk) portAddress(line int) {
	var ap netip.AddrPort
	var err error
	if w.verb == "PORT" {
		ap, err = ftp.ParsePORT(w.arg)
	} else {
		ap, err = ftp.ParseEPRT(w.arg)
	}
	if err != nil || !w.client.IsValid() {
		return
	}
	if ftp.NonPublic(ap.Addr()) && !ftp.NonPublic(w.client) {
		w.portPriv = true
		w.portFact = &Fact{Code: CodePortPrivate, Lines: []int{line},
			Detail: fmt.Sprintf("The client connected from %s and asked the server to connect back to %s (%s): it is behind NAT, and its router did not rewrite the address.",
				w.client, ap, w.verb)}
	}
}

func (w *serverWalk) entryText(line int) string {
	e := w.entries[line]
	if e.Kind == result.Reply {
		return "the server answered " + firstLine(e.Text)
	}
	return e.Text
}

func (w *serverWalk) add(line int, f Fact) {
	if len(f.Lines) == 0 {
		f.Lines = []int{line}
	}
	var lines []int
	for _, l := range f.Lines {
		if l >= 0 {
			lines = append(lines, l)
		}
	}
	f.Lines = mergeInts(nil, lines)
	if old := w.found[f.Code]; old != nil {
		if len(old.Lines) < maxLines {
			old.Lines = mergeInts(old.Lines, f.Lines)
		}
		old.Ports = mergeInts(old.Ports, f.Ports)
		return
	}
	made := Make(f)
	w.found[f.Code] = &made
}

func portOf(ap netip.AddrPort) []int {
	if !ap.IsValid() {
		return nil
	}
	return []int{int(ap.Port())}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
