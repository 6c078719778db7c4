package diagnose

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// reply reads one reply by its code, in the light of the command before it.
func (d *diagnosis) reply(s *session, i int, e result.Entry) {
	if s.replies == 1 && !s.greeted {
		// After the connect event and before any command, the first reply
		// is the greeting whatever its code: a 5xx there is the server
		// failing, not a log cut in the middle.
		if greetingCode(e.Code) && !dataEchoGreeting(e) || s.connected && e.Code >= 500 {
			d.greeting(s, i, e)
			return
		}
		// No server greets with this: the transcript missed the greeting
		// (a log cut, a reader that took a data connection for a control
		// one), so the reply answers the command before it.
		s.mid, s.greeted = true, true
	}
	if isOOPS(e) {
		if s.oops {
			return // vsftpd's session process is gone: every later answer echoes the first OOPS
		}
		s.oops = true
		d.serverOOPS(s, i, e)
		if s.verb == "PASV" || s.verb == "EPSV" {
			// vsftpd could not bind a passive port (its range used up by
			// other connections): not a refusal of PASV, which the
			// contract's pasv.unsupported would claim.
			return
		}
	}
	if s.behind {
		return // every reply answers the command before its own: none is judged
	}
	if d.noCloseNotify(s, i, e) || d.dataEcho(s, e) || d.replyUnread(s, i, e) || d.outOfStep(s, i, e) {
		return
	}
	c := e.Code
	switch {
	case c == ftp.BadNetProtocol && containsFold(e.Text, "session reuse"),
		c == ftp.CantOpenData && containsFold(e.Text, "not resumed"):
		d.reuseRefused(s, i, e)
		return
	case c == ftp.ServiceNotAvailable && !s.quit && s.verb != "USER" && s.verb != "PASS" && s.verb != "PORT" && s.verb != "EPRT":
		d.controlClosed(s, i, "ended the session with "+ftp.FirstLine(e.Text))
		return
	}
	switch s.verb {
	case "USER", "PASS":
		d.login(s, i, e)
	case "AUTH":
		d.authReply(i, e)
	case "PBSZ", "PROT":
		if c >= 400 {
			d.protRefused(s, i, e)
		} else if s.verb == "PROT" {
			s.tls.protP = strings.EqualFold(strings.TrimSpace(s.arg), "P")
		}
	case "PASV":
		d.pasvReply(s, i, e)
	case "EPSV":
		d.epsvReply(s, i, e)
	case "PORT", "EPRT":
		d.portReply(s, i, e)
	case "SIZE":
		if n, ok := sizeOf(e); ok {
			s.sizes[s.arg] = n
		}
	case "LIST", "NLST", "MLSD", "RETR":
		d.transferReply(s, i, e)
	case "STOR", "APPE", "STOU":
		d.uploadReply(s, i, e)
	case "SITE WHOAMI":
		d.whoami(s, i, e)
	case "SITE PORTCHECK":
		d.portcheck(i, e)
	case "FEAT":
		d.featReply(e)
	case "SITE SWEEP":
		d.sweepReply(i, e)
	}
}

// greeting reads the first thing the server says.
func (d *diagnosis) greeting(s *session, i int, e result.Entry) {
	switch {
	case e.Code == 0:
		d.notFTP(i, "it answers "+protocolName(e.Text))
	case e.Code == ftp.ServiceReady && containsFold(e.Text, "smtp"):
		d.notFTP(i, "it answers as a mail server (SMTP): "+ftp.FirstLine(e.Text))
	case e.Code == ftp.ServiceReady:
		s.greeted = true
	case e.Code < 200:
		s.replies = 0 // 120 "ready in n minutes": the 220 is still to come
		s.notReady, s.notReadyI = &e, i
	case e.Code == ftp.PolicyDenied || tlsText(e.Text):
		d.tlsRequired(i, e)
	case e.Code >= 500:
		d.greetingError(i, e)
	default:
		d.busy(i, e)
	}
}

// protocolName names the protocol whose first words are in text.
func protocolName(text string) string {
	switch {
	case strings.HasPrefix(text, "SSH-"):
		return "SSH (" + ftp.FirstLine(text) + "): this is an SSH/SFTP port"
	case strings.HasPrefix(text, "HTTP/"):
		return "HTTP (" + ftp.FirstLine(text) + "): this is a web server"
	case len(text) > 1 && (text[0] == 0x16 || text[0] == 0x15) && text[1] == 0x03:
		return "with a TLS record: this port expects TLS first (implicit FTPS, port 990) or is HTTPS"
	}
	return "with something that is not an FTP reply: " + strconv.QuoteToASCII(truncate(ftp.FirstLine(text), 60))
}

func (d *diagnosis) login(s *session, i int, e result.Entry) {
	switch {
	case e.Code == ftp.LoggedIn:
		d.loggedIn, s.tls.loggedIn = true, true
	case e.Code < 400:
		return
	case e.Code == ftp.PolicyDenied || tlsText(e.Text):
		s.tls.refused = true
		d.tlsRequired(i, e)
	case e.Code == ftp.ServiceNotAvailable && s.verb == "PASS" && !s.passFailed:
		d.lockedOut(i, e)
	case e.Code >= 500 || e.Code == ftp.ServiceNotAvailable:
		s.passFailed = s.passFailed || s.verb == "PASS"
		d.loginRejected(s, i, e)
	}
}

func (d *diagnosis) pasvReply(s *session, i int, e result.Entry) {
	if e.Code >= 400 && d.pasvIPv6(s, i, e) {
		return
	}
	if e.Code == ftp.CantOpenData {
		d.noPassivePort(i, e)
		return
	}
	if e.Code >= 500 {
		if s.family != result.FamilyIPv6 { // PASV cannot work over IPv6: no fault
			d.pasvUnsupported(i, e)
		}
		return
	}
	if e.Code != ftp.EnteringPassive {
		return
	}
	ap, err := ftp.ParsePASV(e.Text)
	if err != nil && d.pasvWorld(s, i, e) {
		return
	}
	if err != nil {
		d.pasvBad(i, e, err)
		return
	}
	s.modeOK, s.pasvAddr, s.pasvLine = true, ap, i
	d.ports = append(d.ports, int(ap.Port()))
	switch {
	case !s.ctrl.IsValid() || ap.Addr() == s.ctrl:
	case s.family == result.FamilyIPv6:
		// A 227 over IPv6 can only name another address than the
		// control connection's: no NAT to report, only EPSV's absence.
	case ftp.NonPublic(ap.Addr()):
		d.pasvPrivate(s, i, ap)
	default:
		d.pasvForeign(s, i, ap)
	}
}

func (d *diagnosis) epsvReply(s *session, i int, e result.Entry) {
	if e.Code == ftp.CantOpenData {
		d.noPassivePort(i, e)
		return
	}
	if e.Code >= 500 {
		d.epsvUnsupported(s, i, e)
		return
	}
	if port, err := ftp.ParseEPSV(e.Text); e.Code == ftp.EnteringExtPassive && err == nil {
		s.modeOK, s.pasvAddr, s.pasvLine = true, netip.AddrPort{}, i
		d.ports = append(d.ports, port)
	}
}

func (d *diagnosis) portReply(s *session, i int, e result.Entry) {
	if e.Code == ftp.CantOpenData || e.Code == ftp.ServiceNotAvailable {
		// The address was taken; connecting back to it failed. Twisted
		// (425) and pyftpdlib (421 "Active data channel timed out.")
		// connect before they answer PORT (issue 31).
		d.callbackFailed(s, i, e)
		return
	}
	if e.Code < 400 {
		s.modeOK = e.Code < 300
		s.portAccepted = s.modeOK
		d.anyPort = d.anyPort || s.modeOK
		return
	}
	f := d.portRefused(s, i, e)
	if s.verb == "EPRT" {
		d.eprtBad = f // only a finding if no PORT works either; see findings
	} else {
		d.portBad = true
	}
}

// transferReply reads the replies to a command that moves data.
func (d *diagnosis) transferReply(s *session, i int, e result.Entry) {
	if d.dataTLSRequired(s, i, e) {
		return
	}
	if e.Code == ftp.FileStatusOK && s.verb == "RETR" {
		if m := announcedBytes.FindStringSubmatch(e.Text); m != nil {
			s.announced, _ = strconv.ParseInt(m[1], 10, 64)
		}
	}
	if e.Code == ftp.FileBusy || e.Code == ftp.FileUnavailable || e.Code == ftp.BadFileName {
		d.denied(s, i, e)
		return
	}
	active := s.mode == "PORT" || s.mode == "EPRT"
	if active && s.modeOK && s.data == nil && isOOPS(e) {
		d.activeServerFailed(s, i, e)
		return
	}
	if e.Code != ftp.CantOpenData && e.Code != ftp.TransferAborted {
		return
	}
	if d.tlsEcho(s, i, e) {
		return
	}
	switch {
	case s.data == nil && active && s.modeOK:
		s.refusedAt, s.refusedI = &e, i
	case s.data == nil && !active && s.mode != "" && rejectWords.MatchString(e.Text):
		// Only a log gets here (the probe dials before it sends the
		// transfer): no data connection is in it, and the server's words
		// say it turned one away ("425 Security: Bad IP connecting.").
		// Without such words ("425 Failed to establish connection.", which
		// is vsftpd's for a connection that never arrived) the log cannot
		// tell whose side failed, nor where a fragment starts after the
		// PASV/PORT (the mode is not in it): no finding.
		d.dataRejected(s, i, e)
	case s.data == nil && s.mode == "":
		// A fragment that starts after the PASV or PORT: in active mode
		// the 425 is the server's connection back failing, in passive
		// mode its refusal; the lines do not tell which.
	case s.data != nil && s.data.outcome == result.Connected && s.data.closed != result.Stalled &&
		s.data.closed != result.Truncated:
		d.dataRejected(s, i, e)
	}
}

// rejectWords are a 425's words for a data connection that arrived and was
// turned away.
var rejectWords = regexp.MustCompile(`(?i)security|bad ip|address|illegal|not allowed|refus|denied|reject|foreign|another host|mismatch`)

// announcedBytes finds the size a 150 reply announces: "(43182 bytes)".
var announcedBytes = regexp.MustCompile(`\((\d+) bytes?\)`)

func (d *diagnosis) whoami(s *session, i int, e result.Entry) {
	f := strings.Fields(ftp.FirstLine(e.Text))
	if e.Code != ftp.CommandOK || len(f) < 3 || !s.local.IsValid() {
		return
	}
	seen, err := netip.ParseAddr(f[1])
	if err == nil && seen.Unmap() != s.local {
		d.clientNAT(s, i, seen, f[2])
	}
}

func (d *diagnosis) portcheck(i int, e result.Entry) {
	f := strings.Fields(ftp.FirstLine(e.Text))
	if e.Code == ftp.CommandOK && len(f) >= 5 && strings.EqualFold(f[1], "PORTCHECK") && f[2] == "rewritten" {
		d.algRewrite(i, f[3], f[4])
	}
}

// tlsText tells whether a refusal at login talks about encryption: the
// words vsftpd, pure-ftpd, ProFTPD and FileZilla Server use for it.
func tlsText(text string) bool {
	for _, w := range []string{"tls", "ssl", "encrypt", "cleartext", "clear text", "secure"} {
		if containsFold(text, w) {
			return true
		}
	}
	return false
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), sub)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// sizeOf reads "213 43182", the answer to SIZE.
func sizeOf(e result.Entry) (int64, bool) {
	f := strings.Fields(ftp.FirstLine(e.Text))
	if e.Code != ftp.FileStatus || len(f) != 2 {
		return 0, false
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	return n, err == nil && n >= 0
}
