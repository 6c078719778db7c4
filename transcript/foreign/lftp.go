package foreign

import (
	"net"
	"regexp"
	"strings"

	"ftpdiag/result"
)

// lftp's debug output marks what it sends "---> ", what it receives
// "<--- ", its own steps "---- " and failures "**** "; `debug -t` puts a
// timestamp before each line.
var (
	lftpStamp       = regexp.MustCompile(`^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (.*)$`)
	lftpConnecting  = regexp.MustCompile(`^Connecting to \S+ \((\S+)\) port (\d+)`)
	lftpDataConnect = regexp.MustCompile(`^Connecting data socket to \((\S+)\) port (\d+)`)
	lftpAccepted    = regexp.MustCompile(`^Accepted data connection from \((\S+)\) port (\d+)`)
	// lftpLoginFailed is lftp's error for a refused login, the reply in it:
	// "ls: Login failed: 530 Login incorrect."
	lftpLoginFailed = regexp.MustCompile(`^\S+: Login failed: (\d{3} .*)$`)
)

func lftpLine(b *builder, line string) {
	b.scanSecrets(line)
	if m := lftpStamp.FindStringSubmatch(line); m != nil {
		if ts, ok := parseTime("2006-01-02 15:04:05", m[1]); ok {
			b.at(ts)
		}
		line = m[2]
	}
	switch {
	case strings.HasPrefix(line, "---> "):
		b.command(line[5:])
	case strings.HasPrefix(line, "<--- "):
		if !b.replyLine(line[5:]) && !b.banner(line[5:]) {
			b.note(line)
		}
	case strings.HasPrefix(line, "---- "):
		lftpStep(b, line[5:])
	case strings.HasPrefix(line, "**** "):
		lftpFailure(b, line[5:])
	default:
		if m := lftpLoginFailed.FindStringSubmatch(line); m != nil && b.cur.connected && b.cur.verb == "" {
			// Below debug level 5 lftp shows none of its commands, and the
			// 530 only in its own error.
			b.note(line)
			b.note("lftp's login commands are not in the log at this debug level: USER stands for them")
			b.command("USER")
			b.replyLine(m[1])
			return
		}
		// netkit's ftp -d marks commands "---> " as lftp does, and prints
		// the replies bare.
		if !b.replyLine(line) {
			b.note(line)
		}
	}
}

func lftpStep(b *builder, text string) {
	switch {
	case lftpConnecting.MatchString(text):
		m := lftpConnecting.FindStringSubmatch(text)
		b.dialControl(net.JoinHostPort(m[1], m[2]))
	case lftpDataConnect.MatchString(text):
		m := lftpDataConnect.FindStringSubmatch(text)
		b.dialData(net.JoinHostPort(m[1], m[2]))
	case strings.HasPrefix(text, "Address returned by PASV seemed to be incorrect"):
		b.useControlHost() // ftp:fix-pasv-address
		b.note("---- " + text)
	case strings.HasPrefix(text, "Data connection established"):
		b.dialed(result.Connected, 0, "")
	case lftpAccepted.MatchString(text):
		m := lftpAccepted.FindStringSubmatch(text)
		b.cur.dataUp = true
		b.event(result.EventInfo{Op: result.OpDataAccept, Addr: net.JoinHostPort(m[1], m[2]), Outcome: result.Connected})
	case strings.HasPrefix(text, "Closing control socket"):
		if b.cur.connected {
			b.closed("client", "", 0, "")
			return
		}
		b.note("---- " + text)
	default:
		b.note("---- " + text)
	}
}

// lftpFailure reads "**** Data socket error (Connection refused) -
// reconnecting", "**** Timeout - reconnecting", "**** Peer closed
// connection" and the like.
func lftpFailure(b *builder, text string) {
	switch {
	case strings.HasPrefix(text, "Peer closed connection"):
		b.closed("server", result.Closed, 0, "")
		return
	case strings.Contains(text, "control-socket") || strings.Contains(text, "Connection reset by peer") && b.cur.dial == nil:
		b.closed("server", result.Reset, 0, strings.TrimSpace(text))
		return
	}
	if strings.HasPrefix(text, "gnutls_") || strings.HasPrefix(text, "SSL_") {
		b.tlsFailed(result.Failed, text)
		return
	}
	out, ok := errnoOutcome(text)
	if !ok {
		b.note("**** " + text)
		return
	}
	why := ""
	if i, j := strings.Index(text, "("), strings.Index(text, ")"); i >= 0 && j > i {
		why = text[i+1 : j]
	}
	if b.cur.dial == nil && b.cur.connected && b.cur.pasv == "" && strings.HasPrefix(text, "Data socket error") {
		// Below debug level 9 lftp shows neither its PASV nor where its
		// data socket went: the failure is still the data connection
		// lftp dialled (passive mode, its default).
		b.dialData("")
	}
	if b.cur.dial != nil {
		b.dialed(out, 0, why)
		return
	}
	if out == result.Timeout && b.cur.connected {
		b.closed("client", result.Timeout, b.t-b.lastCommandT(), "no reply before lftp's net:timeout")
		return
	}
	if !b.failed(out, 0, why) {
		b.note("**** " + text)
	}
}

// lftpSteps tells lftp's own lines about its connections ("---- ",
// "**** "), which netkit's ftp -d never writes: a log of lftp that ends
// before any reply (its connection refused) is still lftp's.
func lftpSteps(lines []string) bool {
	for _, l := range lines {
		if m := lftpStamp.FindStringSubmatch(l); m != nil {
			l = m[2]
		}
		if strings.HasPrefix(l, "---- ") || strings.HasPrefix(l, "**** ") {
			return true
		}
	}
	return false
}
