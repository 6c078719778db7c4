package foreign

import (
	"regexp"
	"strings"
	"time"

	"ftpdiag/result"
)

// A line of FileZilla's message log is read as copied from the message
// pane ("Status:\tConnecting to ...") or as its log file writes it, after a
// timestamp, the process id and the engine's session number ("2026-11-23
// 21:54:30 1234 1 Status: Connecting to ..."). Copies from the pane pad
// the label with spaces before the tab ("Status:      \t..."); only that
// separator goes, so a reply's continuation keeps its indent. See
// splitFileZilla (filezilla_line.go).

// fileZillaInactivity is FileZilla's default timeout: its "Connection timed
// out after N seconds of inactivity" message names the value in use.
var fileZillaInactivity = regexp.MustCompile(`timed out after (\d+) seconds? of inactivity`)

var fileZillaConnecting = regexp.MustCompile(`^Connecting to (\S+?)\.\.\.`)

func fileZillaLine(b *builder, line string) {
	b.scanSecrets(line)
	line = b.fileZillaCanon(line)
	l, ok := splitFileZilla(line)
	if !ok {
		b.quietData = true
		if !b.cur.connected || !b.replyLine(line) {
			b.note(line)
		}
		return
	}
	fileZillaSplit(b, l)
}

// fileZillaSplit reads a line of FileZilla's, cut up (its label in English).
func fileZillaSplit(b *builder, l fzLine) {
	b.quietData = true
	if l.stamp != "" {
		if ts, ok := b.parseStamp(l.stamp); ok {
			b.at(ts)
		}
	}
	b.use(l.engine)
	text := l.text
	if l.label != "Response" {
		text = strings.TrimSpace(text) // only a reply's continuation keeps its indent
	}
	switch l.label {
	case "Command":
		b.command(text)
	case "Response":
		// A continuation keeps its indent; a retyped log pads the label
		// with spaces ("Response:   220 ftpii").
		if !b.replyLine(text) && !b.replyLine(strings.TrimLeft(text, " ")) && !b.banner(text) {
			b.note(text)
		}
	case "Status":
		fileZillaStatus(b, b.translate(text))
	case "Error":
		fileZillaError(b, b.translate(text))
	default: // Trace and Listing lines explain, they do not change anything
		b.note(l.label + ": " + text)
	}
}

var fileZillaResolving = regexp.MustCompile(`^Resolving address of (\S+)`)

func fileZillaStatus(b *builder, text string) {
	switch {
	case strings.HasPrefix(text, "Resolving address of ") && fileZillaResolving.MatchString(text):
		b.reconnect()
		b.resolving = fileZillaResolving.FindStringSubmatch(text)[1]
		b.note("Status: " + text)
	case strings.HasPrefix(text, "Connection attempt failed") && strings.Contains(text, "EAI_") && b.resolving != "":
		// getaddrinfo's errors: the name did not resolve, nothing was dialled.
		b.event(result.EventInfo{Op: result.OpResolve, Addr: b.resolving, Outcome: result.Failed, Err: errText(text)})
	case strings.HasPrefix(text, "Connecting to ") && fileZillaConnecting.MatchString(text):
		b.dialControl(fileZillaConnecting.FindStringSubmatch(text)[1])
	case strings.HasPrefix(text, "Connection established"):
		b.dialed(result.Connected, 0, "")
	case strings.HasPrefix(text, "Connection attempt failed"):
		fileZillaFailure(b, text)
		return
	case strings.Contains(text, "passive reply with unroutable address"):
		b.useControlHost()
		b.cur.unroutable = true
		b.note("Status: " + text)
	case strings.HasPrefix(text, "TLS connection established"):
		s := b.cur
		info := &result.TLSInfo{Conn: result.TLSControl}
		if s.tls.on {
			info.Conn = result.TLSData
		}
		s.tls.on, s.tls.last = true, info
		b.event(result.EventInfo{Op: result.OpTLS, Addr: s.ctrl, Outcome: result.Connected, TLS: info})
	case strings.HasPrefix(text, "Server did not properly shut down TLS connection"):
		b.cur.tlsDataLost = b.cur.tlsDataLost || b.dataVerb()
		b.note("Status: " + text)
	case text == "Logged in" || text == "Connected":
		// A log that starts after the greeting: the control connection
		// is up, and its login worked.
		b.cur.connected, b.cur.heard = true, true
		b.note("Status: " + text)
	case strings.HasPrefix(text, "Disconnected from server"):
		b.closed("client", "", 0, "")
	default:
		b.note("Status: " + text)
	}
}

func fileZillaError(b *builder, text string) {
	switch {
	case strings.HasPrefix(text, "Could not connect to server") && b.cur.lostTimeout > 0:
		// The two lines pasted alone: the control connection to an address
		// the paste leaves out timed out.
		dur := b.cur.lostTimeout
		b.cur.lostTimeout = 0
		b.dialControl("")
		b.failed(result.Timeout, dur, "")
		b.note("Error: " + text)
		b.end()
	case strings.HasPrefix(text, "Could not connect to server"):
		// FileZilla gave up on this connection: what follows is a retry
		// or another one.
		b.note("Error: " + text)
		b.end()
	case strings.HasPrefix(text, "Connection closed by server"):
		b.closed("server", result.Closed, 0, "")
	case strings.HasPrefix(text, "Disconnected from server: ") && b.cur.connected:
		// "Disconnected from server: ECONNABORTED - Connection aborted":
		// the control connection ended under FileZilla, not by its choice.
		out, ok := errnoOutcome(text)
		if !ok {
			out = result.Closed
		}
		b.closed("server", out, 0, errText(text))
	case strings.Contains(text, "of inactivity") && fileZillaInactivity.MatchString(text):
		fileZillaTimeout(b, text)
	case strings.TrimRight(text, ".") == "Connection timed out" && !b.cur.connected && b.cur.ctrl != "":
		fileZillaTimeout(b, "Connection timed out after 0 seconds of inactivity")
	case strings.TrimRight(text, ".") == "Connection timed out" && b.cur.connected && b.dataVerb():
		// FileZilla before 3.0 said no more than this.
		fileZillaTimeout(b, "Connection timed out after 0 seconds of inactivity")
	case strings.Contains(text, "GnuTLS") && fileZillaGnuTLS.MatchString(text):
		// During a transfer the error is the data connection's handshake
		// (or its TLS stream); before TLS was up, the control one's. A
		// record error (gnutls_record_recv) is on a TLS stream that was up:
		// in a fragment that starts after the control handshake, a data one.
		m := fileZillaGnuTLS.FindStringSubmatch(text)
		if strings.HasPrefix(m[2], "gnutls_record_") {
			b.cur.tls.on = true
		}
		why := "GnuTLS error " + m[1]
		if m[2] != "" {
			why += " in " + m[2]
		}
		b.tlsFailed(result.Failed, why+": "+m[3])
	case strings.Contains(text, "data connection could not be established") &&
		(b.cur.tlsDataLost || strings.Contains(text, "ECONNABORTED")):
		// ECONNABORTED: FileZilla aborted the connection itself, after
		// another failure (its TLS) the lines before show or a cut left out.
		b.note("Error: " + text)
		b.note("the data connection's TLS failed just before: this is FileZilla giving up on it, not a second failure")
	case strings.Contains(text, "data connection could not be established"),
		strings.HasPrefix(text, "Connection attempt failed"):
		fileZillaFailure(b, text)
	case strings.Contains(text, "E") && errnoName.MatchString(text) && b.cur.connected && b.dataVerb() && (b.cur.pasv != "" || b.cur.redacted || b.cur.unroutable):
		// A sentence the tables do not know (an older translation) that
		// names an errno after a transfer command: the data connection's.
		fileZillaFailure(b, "data connection: "+text)
	default:
		b.note("Error: " + text)
	}
}

var errnoName = regexp.MustCompile(`\bE(?:CONNREFUSED|TIMEDOUT|HOSTUNREACH|NETUNREACH|CONNRESET)\b`)

// fileZillaFailure reads "... failed with \"ECONNREFUSED - Connection
// refused by server\"" and the like into the outcome of the attempt.
func fileZillaFailure(b *builder, text string) {
	out, ok := errnoOutcome(text)
	if !ok {
		out = result.Failed
	}
	switch {
	case b.failed(out, 0, errText(text)):
	case strings.Contains(text, "data connection"):
		// A fragment that starts after the 227: the data connection's
		// address is not in it, its failure is.
		b.dialData("")
		b.dialed(out, 0, errText(text))
	default:
		b.note(text)
	}
}

// errText is the error FileZilla quotes, or the text after the last colon.
func errText(text string) string {
	if i := strings.Index(text, `"`); i >= 0 {
		if j := strings.LastIndex(text, `"`); j > i {
			return text[i+1 : j]
		}
	}
	if i := strings.LastIndex(text, ": "); i >= 0 {
		return strings.TrimSpace(text[i+2:])
	}
	return strings.TrimSpace(text)
}

// fileZillaTimeout reads FileZilla's inactivity timeout. FileZilla logs
// nothing when it dials a data connection; after PASV and a listing or
// transfer command, this message is all a user sees of a data connection
// that never opened.
func fileZillaTimeout(b *builder, text string) {
	secs := fileZillaInactivity.FindStringSubmatch(text)[1]
	dur, _ := time.ParseDuration(secs + "s")
	s := b.cur
	if b.dataVerb() && !s.dataLost {
		b.retractImplied() // the 150 promised a data connection that never came
	}
	switch {
	case s.dial == nil && s.dataLost && b.dataVerb():
		// The data connection already failed (refused, reset): FileZilla
		// then waits for the server's answer to the transfer command and
		// gives up after its idle timeout. That is the refusal's echo.
		b.note("Error: " + text)
		b.note("FileZilla's inactivity timeout after the failed data connection: it waited for the server's answer to " +
			s.verb + ", an echo of that failure, not a second one")
	case s.dial == nil && !s.connected && s.ctrl == "" && !s.heard:
		// Nothing before it: which connection timed out, the line after it
		// tells ("Could not connect to server": the control connection).
		s.lostTimeout = dur
		b.note("Error: " + text)
	case s.dial != nil || !s.connected:
		b.failed(result.Timeout, dur, "")
	case s.active && !s.dataUp && b.dataVerb():
		// Active mode: the server was to connect back, and did not.
		b.event(result.EventInfo{Op: result.OpDataAccept, Outcome: result.Timeout, Dur: dur})
		b.note("FileZilla logs no data connection: its inactivity timeout after PORT and " + s.verb +
			" means the server's connection back to the client never arrived")
	case s.connected && b.dataVerb() && !s.dataUp && s.pasv == "" && !s.unroutable && !s.sawMode:
		// A fragment that starts at the transfer command: the data
		// connection did not open, but whether passive or active is cut.
		b.note("Error: " + text)
		b.note("FileZilla's inactivity timeout after " + s.verb + ": the data connection did not open (the log starts after the PASV or PORT that would say which kind)")
	case (s.pasv != "" || s.unroutable || s.sawMode && !s.active) && !s.dataUp && b.dataVerb():
		b.dialData("")
		b.dialed(result.Timeout, dur, "")
		b.note("FileZilla logs no data connection attempt: its inactivity timeout after " +
			s.verb + " means the data connection to " + orUnknown(s.pasv) + " did not open")
	default:
		b.closed("client", result.Timeout, dur, "no reply in "+secs+" seconds")
	}
}
