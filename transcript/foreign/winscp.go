package foreign

import (
	"net"
	"regexp"
	"strings"

	"ftpdiag/result"
)

// winSCPRe matches a line of WinSCP's session log: a type mark ("." a
// message, "<" a reply, ">" a command, "!" output, "*" an error), the time
// to the millisecond, then the text.
var winSCPRe = regexp.MustCompile(`^([.<>!*]) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) ?(.*)$`)

var (
	// "Host name: ftp.example.com (Port: 21)", written before connecting.
	winSCPHost = regexp.MustCompile(`^Host name: (\S+) \(Port: (\d+)\)`)
	// "Connecting to ftp.example.com ..." (WinSCP names the host, not the port).
	winSCPConnecting = regexp.MustCompile(`^Connecting to (\S+?)(?: \.\.\.|\.\.\.)`)
)

// winSCPState remembers the port from the session's settings block; the
// "Connecting to" line that follows names only the host.
type winSCPState struct{ port string }

func winSCPLine(b *builder, line string) {
	b.quietData = true
	b.scanSecrets(line)
	m := winSCPRe.FindStringSubmatch(line)
	if m == nil {
		if !b.cur.connected || !b.replyLine(line) {
			b.note(line)
		}
		return
	}
	if ts, ok := parseTime("2006-01-02 15:04:05.000", m[2]); ok {
		b.at(ts)
	}
	text := m[3]
	switch m[1] {
	case ">":
		b.command(text)
	case "<":
		if !b.replyLine(text) && !b.banner(text) {
			b.note(text)
		}
	default:
		winSCPMessage(b, m[1], text)
	}
}

func winSCPMessage(b *builder, mark, text string) {
	switch {
	case winSCPHost.MatchString(text):
		hm := winSCPHost.FindStringSubmatch(text)
		b.winscp().port = hm[2]
		b.note(text)
	case winSCPConnecting.MatchString(text):
		host := winSCPConnecting.FindStringSubmatch(text)[1]
		port := b.winscp().port
		if port == "" {
			port = "21"
		}
		b.dialControl(net.JoinHostPort(strings.Trim(host, "[]"), port))
	case strings.HasPrefix(text, "Connected with"):
		b.dialed(result.Connected, 0, "")
		b.note(text)
	case strings.Contains(text, "passive reply with unroutable address"):
		b.useControlHost()
		b.note(text)
	case strings.HasPrefix(text, "Timeout detected. (data connection)"):
		winSCPDataTimeout(b, text)
	case strings.HasPrefix(text, "Timeout detected"):
		if !b.failed(result.Timeout, 0, "") {
			b.closed("client", result.Timeout, 0, "timeout detected on the control connection")
		}
	case strings.HasPrefix(text, "Connection closed by server") || strings.HasPrefix(text, "Lost connection"):
		b.closed("server", result.Closed, 0, "")
	case strings.HasPrefix(text, "Disconnected from server"):
		b.closed("client", "", 0, "")
	default:
		winSCPOther(b, mark, text)
	}
}

// winSCPDataTimeout: WinSCP's data connection timed out; the time since the
// command that needed it is how long it waited.
func winSCPDataTimeout(b *builder, text string) {
	s := b.cur
	if s.pasv == "" || s.dataUp {
		b.note(text)
		return
	}
	since := b.lastCommandT()
	b.dialData("")
	s.dial.t = since
	b.dialed(result.Timeout, 0, "")
}

// winSCPOther reads errors that name a connection failure; the rest are notes.
func winSCPOther(b *builder, mark, text string) {
	if mark == "*" || strings.Contains(text, "onnection") {
		if out, ok := errnoOutcome(text); ok && b.failed(out, 0, strings.TrimSpace(text)) {
			return
		}
	}
	b.note(text)
}

func (b *builder) winscp() *winSCPState {
	if b.ws == nil {
		b.ws = &winSCPState{}
	}
	return b.ws
}
