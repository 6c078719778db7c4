package foreign

import (
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"ftpdiag/result"
)

// Wget is GNU Wget's output for an ftp:// URL. With -d it shows the FTP
// dialogue: "--> USER anonymous" for what it sends (a blank line after
// each), the replies bare ("230 Login successful."), and its own debug
// lines about sockets. Without -d it shows only its steps, "==> PASV ...
// done.", and its messages about connections, which are read as well.
const Wget Format = "wget"

var (
	// wgetStart opens a download: "--2026-12-06 07:30:01--  ftp://host/path".
	wgetStart = regexp.MustCompile(`^--(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)--\s+(\S+)`)
	// wgetConnecting is the control connection: "Connecting to
	// 127.0.0.1:2121... connected.", "Connecting to ftp.example.com
	// (ftp.example.com)|192.0.2.1|:21... failed: Connection refused.".
	wgetConnecting = regexp.MustCompile(`^Connecting to (?:\S+ \(\S+\)\|([^|]+)\||(\[[^\]]+\]|[^\s:|]+)):(\d+)\.\.\.\s*(.*)$`)
	// wgetTrying is a passive data connection: "trying to connect to
	// 127.0.0.1 port 3003"; wgetCouldNot its failure.
	wgetTrying   = regexp.MustCompile(`^trying to connect to (\S+) port (\d+)$`)
	wgetCouldNot = regexp.MustCompile(`^couldn't connect to (\S+) port (\d+): (.*)$`)
	wgetFailed   = regexp.MustCompile(`^failed: (.*?)\.?$`)
	wgetStep     = regexp.MustCompile(`^==> [A-Z]{3,4}\b`)
	wgetDetect   = regexp.MustCompile(`^(?:==> [A-Z]{3,4}\b|--> [A-Z]{3,4}(?: |$)|DEBUG output created by Wget|Logging in as \S+ \.\.\.|trying to connect to \S+ port \d+$|couldn't connect to \S+ port \d+: )`)
)

func wgetLine(b *builder, line string) {
	b.scanSecrets(line)
	line = strings.TrimRight(line, " \t")
	switch m := wgetStart.FindStringSubmatch(line); {
	case m != nil:
		if ts, ok := parseTime("2006-01-02 15:04:05", m[1]); ok {
			b.at(ts)
		}
		wgetTarget(b, m[2])
		b.note(line)
		return
	case strings.HasPrefix(line, "--> "):
		b.command(line[4:])
		return
	}
	if wgetMessage(b, line) {
		return
	}
	switch {
	case b.replyLine(line):
	case cliBanner.MatchString(line) && b.banner(line): // cmdline.go
		// Another protocol's first line where the greeting belongs
		// (wget -d prints what the server sent, whatever it is).
	default:
		b.note(line)
	}
}

// wgetMessage reads wget's lines about its connections and steps; it
// reports false for any other line.
func wgetMessage(b *builder, line string) bool {
	if rest, ok := strings.CutPrefix(line, "done."); ok && strings.TrimSpace(rest) != "" {
		// "done.    ==> RETR hello.txt ... ": the end of one step and the
		// start of the next, on one line.
		b.note("done.")
		return wgetMessage(b, strings.TrimSpace(rest)) || wgetNote(b, strings.TrimSpace(rest))
	}
	if wgetStep.MatchString(line) {
		// "==> PASV ... couldn't connect to ...": a step and, without -d,
		// what came of it.
		step, rest, found := strings.Cut(line, " ... ")
		b.note(step + " ...")
		if rest = strings.TrimSpace(rest); found && rest != "" {
			return wgetMessage(b, rest) || wgetNote(b, rest)
		}
		return true
	}
	if m := wgetConnecting.FindStringSubmatch(line); m != nil {
		host := m[1] + m[2]
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		b.dialControl(net.JoinHostPort(host, m[3]))
		if rest := strings.TrimSpace(m[4]); rest != "" {
			wgetOutcome(b, rest)
		}
		return true
	}
	if m := wgetFailed.FindStringSubmatch(line); m != nil && b.cur.dial != nil {
		wgetOutcome(b, line)
		return true
	}
	if m := wgetTrying.FindStringSubmatch(line); m != nil {
		b.dialData(net.JoinHostPort(m[1], m[2]))
		return true
	}
	if strings.HasPrefix(line, "Created socket ") && b.cur.dial != nil {
		// Printed once connect() has succeeded.
		b.dialed(result.Connected, 0, "")
		b.note(line)
		return true
	}
	if m := wgetCouldNot.FindStringSubmatch(line); m != nil {
		addr := net.JoinHostPort(m[1], m[2])
		if d := b.cur.dial; d == nil || d.addr != addr {
			b.dialData(addr)
		}
		out, ok := errnoOutcome(m[3])
		if !ok {
			out = result.Failed
		}
		b.dialed(out, 0, m[3])
		return true
	}
	return false
}

// wgetNote keeps a line as a note; it reports true.
func wgetNote(b *builder, line string) bool {
	b.note(line)
	return true
}

// wgetOutcome reads what follows "Connecting to ...": "connected." or
// "failed: Connection refused.".
func wgetOutcome(b *builder, text string) {
	if strings.HasPrefix(text, "connected") {
		b.dialed(result.Connected, 0, "")
		return
	}
	if m := wgetFailed.FindStringSubmatch(text); m != nil {
		out, ok := errnoOutcome(m[1])
		if !ok {
			out = result.Failed
		}
		b.dialed(out, 0, m[1])
		return
	}
	b.note(text)
}

// wgetTarget takes the server and user from the URL wget fetches; the
// connection's own line names the address it dials.
func wgetTarget(b *builder, raw string) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "ftp" && u.Scheme != "ftps" {
		return
	}
	if b.target.User == "" && u.User != nil {
		b.target.User = u.User.Username()
	}
	if b.target.Host == "" {
		b.target.Host = u.Hostname()
		b.target.Port = 21
		if p, err := strconv.Atoi(u.Port()); err == nil {
			b.target.Port = p
		}
	}
}
