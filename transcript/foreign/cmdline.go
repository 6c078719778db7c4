package foreign

import (
	"net"
	"regexp"
	"strings"

	"ftpdiag/result"
)

// The command-line clients' own words about the control connection that
// the generic reader (generic.go) hands here before its own patterns:
// tnftp's "tnftp: Can't connect to `127.0.0.1:21': Connection refused"
// (the address with its port, unlike netkit's "ftp: connect to address
// 127.0.0.1: ..."), and another protocol's banner where the greeting
// should be ("Connected to 127.0.0.1." then "SSH-2.0-OpenSSH_9.2p1").
var (
	cliCantConnect = regexp.MustCompile("^Can't connect to `(\\S+?):(\\d+)': (.*)$")
	cliGaveUp      = regexp.MustCompile("^Can't connect to `(\\S+?):(\\d+)'$")
	cliBanner      = regexp.MustCompile(`^(?:SSH-\d\.\d+-|HTTP/\d(?:\.\d)? \d{3}\b)`)
)

// cliMessage reads one of those lines; it reports false for any other.
func cliMessage(b *builder, text string) bool {
	switch {
	case cliGaveUp.MatchString(text) && !b.cur.connected && len(b.entries) > 0:
		// tnftp's control connection failed: "Can't connect to `H:P':
		// reason", then "Can't connect to `H:P'" alone. The first line
		// alone is no proof: tnftp words a failed data connection the same.
		m := cliGaveUp.FindStringSubmatch(text)
		last := b.entries[len(b.entries)-1]
		var prev []string
		if i := strings.Index(last.Text, "Can't connect to"); last.Kind == result.Note && i >= 0 {
			prev = cliCantConnect.FindStringSubmatch(last.Text[i:])
		}
		if prev == nil || prev[1] != m[1] || prev[2] != m[2] {
			return false
		}
		out, ok := errnoOutcome(prev[3])
		if !ok {
			out = result.Failed
		}
		b.dialControl(net.JoinHostPort(m[1], m[2]))
		b.dialed(out, 0, prev[3])
		return true
	case cliBanner.MatchString(text):
		return b.banner(text)
	}
	return false
}

// cliSentence tells the lines by which a command-line client's log shows
// a session even when no command or reply follows: its connection made
// ("Connected to 127.0.0.1.") or refused.
func cliSentence(text string) bool {
	if cliCantConnect.MatchString(text) || cliConnected.MatchString(text) {
		return true
	}
	m := cliConnectErr.FindStringSubmatch(text)
	return m != nil && m[1] != ""
}
