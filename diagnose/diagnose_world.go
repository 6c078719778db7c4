package diagnose

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// Issue 27's rules for logs as clients write them: echoes are not causes,
// and replies and servers are read as they are.

// redactedReply matches what people put over an address before they post a
// log: "(92,222,XXX,XXX,128,133)", "xxx", "***", "[redacted]".
var redactedReply = regexp.MustCompile(`(?i)x{2,}|\*{2,}|\[redacted\]|<[^>]*(?:ip|address|host)[^>]*>`)

// pasvWorld reads a 227 that ParsePASV refused: a redacted address is no
// fault of the server's, and 0.0.0.0 is the server's wildcard listen
// address, explained as such. It reports whether it took the reply.
func (d *diagnosis) pasvWorld(s *session, i int, e result.Entry) bool {
	if redactedReply.MatchString(e.Text) {
		s.modeOK = true // the data connection's fate is what the log can show
		return true
	}
	ap, err := ftp.ScanPASV(e.Text)
	if err != nil || !ap.Addr().IsUnspecified() {
		return false
	}
	s.modeOK, s.pasvAddr, s.pasvLine = true, ap, i
	d.add(Fact{Code: CodePasvBadReply, Lines: []int{i},
		Detail: fmt.Sprintf("The reply %q names 0.0.0.0: the server tells the client its wildcard listen address instead of a public one "+
			"(vsftpd pasv_address, pure-ftpd -P, ProFTPD MasqueradeAddress, or the server library's passive host setting is unset or wrong). "+
			"Clients that dial it reach their own machine and are refused; FileZilla and curl dial the control address instead.", strings.ReplaceAll(e.Text, "\n", " / "))})
	return true
}

// unspecifiedDial tells a data connection dialled to 0.0.0.0, which the
// 227 naming it already explains.
func unspecifiedDial(f *dataFact) bool {
	ip, _, ok := hostPort(f.addr)
	return ok && ip.IsUnspecified()
}

// pasvIPv6 reads a PASV refused where the control connection is IPv6 (its
// connect event, or the greeting naming an IPv6 address in brackets) and
// the client never tried EPSV: the client's mistake, not the server's.
func (d *diagnosis) pasvIPv6(s *session, i int, e result.Entry) bool {
	if e.Code < 400 || d.triedEPSV(s, i) {
		return false
	}
	if s.family != result.FamilyIPv6 && !d.greetedV6(i) {
		return false
	}
	d.add(Fact{Code: CodePasvIPv6Refused, Lines: []int{i},
		Detail: fmt.Sprintf("The client sent PASV over an IPv6 connection and the server answered %q: PASV names only IPv4 addresses, EPSV is the command for IPv6.", ftp.FirstLine(e.Text))})
	return true
}

func (d *diagnosis) triedEPSV(s *session, i int) bool {
	for j := i - 1; j >= 0; j-- {
		e := d.entries[j]
		if e.Session == d.entries[i].Session && e.Kind == result.Command && strings.HasPrefix(strings.ToUpper(e.Text), "EPSV") {
			return true
		}
	}
	return false
}

var bracketV6 = regexp.MustCompile(`\[([0-9a-fA-F:]+:[0-9a-fA-F:]*)\]`)

// greetedV6 tells a greeting that names the server's IPv6 address
// (ProFTPD: "220 ProFTPD Server [2a01:4f8::1]").
func (d *diagnosis) greetedV6(i int) bool {
	for j := 0; j < i; j++ {
		e := d.entries[j]
		if e.Session != d.entries[i].Session || e.Kind != result.Reply {
			continue
		}
		if e.Code != ftp.ServiceReady {
			return false
		}
		m := bracketV6.FindStringSubmatch(e.Text)
		if m == nil {
			return false
		}
		ip, err := netip.ParseAddr(m[1])
		return err == nil && ip.Is6() && !ip.Is4In6()
	}
	return false
}

// oopsCauses names what vsftpd's OOPS says, for the detail.
var oopsCauses = []struct {
	re   *regexp.Regexp
	says string
}{
	{regexp.MustCompile(`cannot change directory:\s*(.*)`), "the user's home directory %q does not exist or the user cannot enter it"},
	{regexp.MustCompile(`invalid pasv_address`), "pasv_address in vsftpd.conf is not a valid IP address as written"},
	{regexp.MustCompile(`vsftpd: refusing to run with writable root inside chroot`), "chroot_local_user with a writable home: vsftpd refuses it (allow_writeable_chroot=YES or a read-only root)"},
	{regexp.MustCompile(`priv_sock_get_cmd|child died`), "vsftpd's session process died (often a seccomp sandbox denial: seccomp_sandbox=NO)"},
	{regexp.MustCompile(`vsf_sysutil_bind`), "vsftpd could not bind the port it needed"},
	{regexp.MustCompile(`failed to open (?:xferlog|vsftpd) log file:\s*(.*)`), "vsftpd cannot open its log file %q"},
}

// serverOOPS makes vsftpd's "500 OOPS:" a finding of its own, quoted, with
// the cause it names; the active-mode bind failure has its own code.
func (d *diagnosis) serverOOPS(s *session, i int, e result.Entry) {
	text := ftp.FirstLine(e.Text)
	switch {
	case (s.mode == "PORT" || s.mode == "EPRT") && s.modeOK && ftp.IsTransfer(s.verb):
		return // active.server-failed, from transferReply
	case s.verb == "QUIT":
		return // the session was ending: its helper process went first
	case s.verb == "" && strings.Contains(text, "priv_sock_"):
		// A fragment that starts at vsftpd's helper channel failing: the
		// failure that brought it down is in the lines left out.
		return
	case strings.Contains(text, "vsf_sysutil_bind"):
		// Binding port 20 for active mode (active.server-failed), or a
		// passive port while other sessions hold the range: a busy server,
		// not a broken one; a log cut before the PORT cannot tell which.
		return
	}
	detail := fmt.Sprintf("The server answered %s with %q and ended the session", orWord(s.verb, "the greeting"), text)
	for _, c := range oopsCauses {
		if m := c.re.FindStringSubmatch(text); m != nil {
			says := c.says
			if strings.Contains(says, "%q") {
				says = fmt.Sprintf(says, strings.TrimSpace(m[1]))
			}
			detail += ": " + says
			break
		}
	}
	d.add(Fact{Code: CodeServerFailed, Lines: []int{i}, Detail: detail + "."})
}

func orWord(verb, alt string) string {
	if verb == "" {
		return alt
	}
	return verb
}

// noCloseNotify reads a 226 after a data connection's TLS failed with
// GnuTLS -110 ("The TLS connection was non-properly terminated"): the data
// arrived, and the server closed the connection without close_notify. It
// reports whether it took the reply.
func (d *diagnosis) noCloseNotify(s *session, i int, e result.Entry) bool {
	h := s.tls.failed
	if h == nil || e.Code != ftp.ClosingData || !prematureTLS(h.ev.Err) {
		return false
	}
	s.tls.failed = nil
	d.add(Fact{Code: CodeTLSNoCloseNotify, Lines: []int{h.line, i},
		Detail: fmt.Sprintf("The data connection to %s carried the transfer and the server said %q, but it closed the connection without TLS's close_notify (%s): GnuTLS clients count that as a failed transfer.",
			orWord(h.ev.Addr, "the passive port"), ftp.FirstLine(e.Text), h.ev.Err)})
	return true
}

func prematureTLS(err string) bool {
	return strings.Contains(err, "-110") || containsFold(err, "non-properly terminated") || containsFold(err, "premature")
}

// dataEcho tells a reply that only repeats a data connection's failure
// seen just before it: pyftpdlib's "421 Passive data channel timed out",
// or a 550 after a 425 that a refused TLS handshake caused.
func (d *diagnosis) dataEcho(s *session, e result.Entry) bool {
	switch {
	case connectsBack(s.verb) && s.data == nil:
		// pyftpdlib's "421 Active data channel timed out." to PORT is the
		// connection back failing, the finding itself (callbackFailed).
		return false
	case e.Code == ftp.ServiceNotAvailable && (s.data != nil && s.data.outcome != result.Connected || dataWords.MatchString(e.Text) || s.oops):
		return true
	case e.Code == ftp.ServiceNotAvailable && timeoutWords.MatchString(e.Text) &&
		(s.verb == "" || ftp.IsTransfer(s.verb) || s.verb == "PASV" || s.verb == "EPSV") && (s.data == nil || s.data.outcome != result.Connected):
		return true
	case e.Code >= 500 && (s.tls.failed != nil || d.found[CodeTLSDataHandshake] != nil) && ftp.IsTransfer(s.verb):
		return true
	}
	return false
}

// dataEchoGreeting tells a 421 about a data connection ("421 Passive data
// channel timed out", pyftpdlib) that a log cut just before it shows first:
// no refusal at the greeting, but the echo of a data connection's failure.
func dataEchoGreeting(e result.Entry) bool {
	return e.Code == ftp.ServiceNotAvailable && (dataWords.MatchString(e.Text) || timeoutWords.MatchString(e.Text))
}

// timeoutWords: a 421 that says a timer ran out ("421 Connection timed
// out.", "421 Idle timeout (600 seconds)") is no greeting, and after a
// transfer command it is the server giving up on a data connection that
// never came.
var timeoutWords = regexp.MustCompile(`(?i)timed? ?out`)

var dataWords = regexp.MustCompile(`(?i)data (?:channel|connection|socket)`)

// premature tells GnuTLS's -110 on a TLS stream that was up
// (gnutls_record_recv): the peer closed without close_notify. In a
// handshake the same words mean the handshake was refused.
func premature(err string) bool {
	return prematureTLS(err) && containsFold(err, "record")
}

// noCloseNotifyAtEnd makes a record-layer -110 on a data connection the
// no-close_notify finding even where the log ends before the 226 that
// would confirm the transfer.
func (d *diagnosis) noCloseNotifyAtEnd(s *session) bool {
	h := s.tls.failed
	if h == nil || !premature(h.ev.Err) {
		return false
	}
	s.tls.failed = nil
	d.add(Fact{Code: CodeTLSNoCloseNotify, Lines: []int{h.line},
		Detail: fmt.Sprintf("The data connection to %s was up and carrying data when the server closed it without TLS's close_notify (%s): GnuTLS clients count that as a failed transfer. The log does not show whether the server then said 226.",
			orWord(h.ev.Addr, "the passive port"), h.ev.Err)})
	return true
}

// outOfStep reads a 220 that answers AUTH: a line of a greeting sent as
// several final "220 " lines (RFC 959 wants "220-" on all but the last),
// so every reply after it is one behind, and the TLS handshake meets a
// plain-text line. It reports whether it took the reply.
func (d *diagnosis) outOfStep(s *session, i int, e result.Entry) bool {
	if !d.firstAnswer(i) {
		return false // the command was answered already: what follows is no answer to it
	}
	transferCode := e.Code == ftp.ClosingData || e.Code == ftp.FileStatusOK || e.Code == ftp.DataAlreadyOpen
	switch {
	case s.verb == "AUTH" && e.Code == ftp.ServiceReady:
	case (s.verb == "PASV" || s.verb == "EPSV") && transferCode:
		// "226" to PASV: the answer to the transfer before it came late.
		d.add(Fact{Code: CodeOutOfStep, Lines: []int{i},
			Detail: fmt.Sprintf("The server answered %s with %q, the end of the transfer before it: its replies are one command late, so the client read the wrong answer to every command after it.", s.verb, ftp.FirstLine(e.Text))})
		return true
	default:
		return false
	}
	d.add(Fact{Code: CodeOutOfStep, Lines: []int{i},
		Detail: fmt.Sprintf("The server answered %s with %q, a line of its greeting: it sends its greeting as several final \"220 \" lines "+
			"(RFC 959 wants \"220-\" on all but the last), so each reply comes one command late, and the TLS handshake met the next greeting line instead of TLS.",
			strings.TrimSpace(s.verb+" "+s.arg), ftp.FirstLine(e.Text))})
	return true
}

// replyUnread: the client sent a command while its listing or transfer
// was under way (the server's 1xx read, its final reply not), and the
// reply to that command is the transfer's end ("226 Transfer complete." to
// SIZE): the client did not read the transfer's final reply, and reads
// every reply after it one command late. The client's fault, not the
// server's (FluentFTP used without GetReply() after OpenRead/OpenWrite).
func (d *diagnosis) replyUnread(s *session, i int, e result.Entry) bool {
	if s.unread == "" || (e.Code != ftp.ClosingData && e.Code != ftp.TransferAborted) || !d.firstAnswer(i) {
		return false
	}
	d.add(Fact{Code: CodeReplyUnread, Lines: []int{s.unreadLine, i},
		Detail: fmt.Sprintf("The client sent %s while %s was under way, before the server's final reply to it, and then read %q as the answer to %s: "+
			"that is %s's end. The client reads every reply after it one command late, whatever the server says.",
			strings.TrimSpace(s.verb+" "+s.arg), s.unread, ftp.FirstLine(e.Text), s.verb, strings.Fields(s.unread)[0])})
	s.behind = true
	return true
}

// dropWorldEchoes removes what an out-of-step reply explains: a TLS
// handshake that met plain text.
func (d *diagnosis) dropWorldEchoes() {
	if d.found[CodeOutOfStep] != nil {
		delete(d.found, CodeTLSHandshake)
	}
}

// uploadReply reads the refusal of an upload (450/550/553 to STOR): the
// same finding as a refused listing or download, worded for a file that
// could not be written.
func (d *diagnosis) uploadReply(s *session, i int, e result.Entry) {
	if d.dataTLSRequired(s, i, e) {
		return
	}
	if e.Code != ftp.FileBusy && e.Code != ftp.FileUnavailable && e.Code != ftp.BadFileName {
		return
	}
	what := s.arg
	if what == "" {
		what = "the file"
	}
	d.add(Fact{Code: CodeTransferDenied, Args: Args{Path: what}, Lines: []int{s.cmdLine, i},
		Detail: d.loginWorks(fmt.Sprintf("the server answered %s %s with %q: this account may not write %s there (permissions, a full quota, a file type the server refuses).", s.verb, what, ftp.FirstLine(e.Text), what))})
}

// firstAnswer tells a reply that comes right after its command (notes and
// events aside), the first the command gets.
func (d *diagnosis) firstAnswer(i int) bool {
	for j := i - 1; j >= 0; j-- {
		e := d.entries[j]
		if e.Session != d.entries[i].Session || e.Kind == result.Note || e.Kind == result.Event {
			continue
		}
		return e.Kind == result.Command
	}
	return false
}
