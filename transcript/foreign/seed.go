package foreign

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"ftpdiag/result"
)

// The style server manuals print sample sessions in (Rumpus, and ftpdiag's
// own text transcript): "Cmd: USER john", "331: Password required", the
// further lines of a reply indented under it; ftpdiag adds "--> " events,
// "^ " notes, "=== session" headings and "[  0.002s] " times.
var (
	seedReply     = regexp.MustCompile(`^(\d{3}):(?: (.*)|$)`)
	seedTime      = regexp.MustCompile(`^\[\s*(\d+\.\d+)s\] (.*)$`)
	seedSession   = regexp.MustCompile(`^=== session \d+`)
	seedConnected = regexp.MustCompile(`^Connected to (\S+?)\.?$`)
	seedEvent     = regexp.MustCompile(`^(control|data) connection to (\S+): (.*)$`)
	seedNoAnswer  = regexp.MustCompile(`^no answer after (\S+)$`)
)

// seedReplyState holds the open reply of the seed style: its lines come
// without a code after the first, so the builder's RFC 959 rule cannot
// close it; the next line that is not indented does.
type seedReplyState struct {
	code  int
	lines []string
}

func seedLine(b *builder, line string) {
	b.quietData = true
	b.scanSecrets(line)
	line = strings.TrimRight(line, " \t")
	if m := seedTime.FindStringSubmatch(line); m != nil {
		if secs, err := strconv.ParseFloat(m[1], 64); err == nil {
			b.t = time.Duration(secs * float64(time.Second))
		}
		line = m[2]
	}
	if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
		seedIndented(b, strings.TrimSpace(line))
		return
	}
	seedFlush(b)
	switch m := seedReply.FindStringSubmatch(line); {
	case m != nil:
		code, _ := strconv.Atoi(m[1])
		b.seed = &seedReplyState{code: code, lines: []string{m[2]}}
	case strings.HasPrefix(line, "Cmd: "):
		b.command(line[5:])
	case strings.HasPrefix(line, "--> "):
		seedEventLine(b, line[4:])
	case seedSession.MatchString(line):
		b.restart()
		b.note(line)
	case seedConnected.MatchString(line):
		seedConnect(b, seedConnected.FindStringSubmatch(line)[1])
	case isVerb(line):
		b.command(line)
	case b.cur.connected && b.replyLine(line):
	default:
		b.note(line)
	}
}

func seedIndented(b *builder, text string) {
	if b.seed != nil {
		b.seed.lines = append(b.seed.lines, text)
		return
	}
	b.note(strings.TrimPrefix(text, "^ "))
}

// seedFlush writes the open reply in the wire form the transcript keeps:
// "220-Welcome To Rumpus!\n220 Service ready for new user".
func seedFlush(b *builder) {
	r := b.seed
	if r == nil {
		return
	}
	b.seed = nil
	code := strconv.Itoa(r.code)
	for i, l := range r.lines {
		sep := "-"
		if i == len(r.lines)-1 {
			sep = " "
		}
		b.replyLine(code + sep + l)
	}
}

// seedConnect reads "Connected to 192.168.1.175." (the BSD ftp client's
// words): the control connection is up, on the standard port.
func seedConnect(b *builder, host string) {
	if b.cur.connected && b.cur.ctrl != "" {
		b.note("Connected to " + host + ".")
		return
	}
	addr := net.JoinHostPort(host, "21")
	b.cur.ctrl = addr
	if b.target.Host == "" {
		b.target.Host, b.target.Port = host, 21
	}
	b.cur.dial = &dial{addr: addr, t: b.t}
	n := len(b.entries)
	b.dialed(result.Connected, 0, "")
	if len(b.entries) == n {
		return // past MaxEntries: nothing was added to move
	}
	// The client prints this after the greeting; the connection was made
	// before it, and the diagnosis reads the order.
	first := n
	for first > 0 && b.entries[first-1].Session == b.cur.session {
		first--
	}
	ev := b.entries[n]
	ev.T = b.entries[first].T
	copy(b.entries[first+1:], b.entries[first:n])
	b.entries[first] = ev
}

// seedEventLine reads back the event lines ftpdiag itself writes.
func seedEventLine(b *builder, text string) {
	m := seedEvent.FindStringSubmatch(text)
	if m == nil {
		if strings.HasPrefix(text, "control connection closed by the server") {
			b.closed("server", "", 0, "")
			return
		}
		b.note("--> " + text)
		return
	}
	out, dur := seedOutcome(m[3])
	if m[1] == "control" {
		b.dialControl(m[2])
	} else {
		b.dialData(m[2])
	}
	b.dialed(out, dur, "")
}

func seedOutcome(text string) (result.Outcome, time.Duration) {
	if m := seedNoAnswer.FindStringSubmatch(text); m != nil {
		d, _ := time.ParseDuration(m[1])
		return result.Timeout, d
	}
	if strings.HasPrefix(text, "connected") {
		return result.Connected, 0
	}
	if strings.HasPrefix(text, "refused") {
		return result.Refused, 0
	}
	if out, ok := errnoOutcome(text); ok {
		return out, 0
	}
	word, _, _ := strings.Cut(text, " ")
	return result.Outcome(word), 0
}

// isVerb tells a bare command line ("QUIT", as the seed transcript prints
// its last command) from prose.
func isVerb(line string) bool {
	verb, _, _ := strings.Cut(line, " ")
	switch verb {
	case "USER", "PASS", "ACCT", "CWD", "CDUP", "QUIT", "PORT", "PASV", "EPSV", "EPRT", "TYPE",
		"RETR", "STOR", "LIST", "NLST", "MLSD", "PWD", "SYST", "FEAT", "AUTH", "PBSZ", "PROT",
		"SIZE", "MDTM", "REST", "ABOR", "NOOP", "OPTS", "SITE", "DELE", "MKD", "RMD":
		return true
	}
	return false
}
