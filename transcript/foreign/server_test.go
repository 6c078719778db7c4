package foreign

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func vsLine(t time.Time, pid int, user, what, client, text string) string {
	tag := ""
	if user != "" {
		tag = "[" + user + "] "
	}
	line := fmt.Sprintf("%s [pid %d] %s%s: Client \"%s\"", t.Format(vsftpdLayout), pid, tag, what, client)
	if text != "" {
		line += ", \"" + text + "\""
	}
	return line + "\n"
}

// vsSession is a whole vsftpd session: login in one process, the rest in
// another, as privilege separation writes it.
func vsSession(t time.Time, pid int, client string, tail ...string) string {
	s := vsLine(t, pid, "", "CONNECT", client, "") +
		vsLine(t, pid, "", "FTP response", client, "220 (vsFTPd 3.0.3)") +
		vsLine(t, pid, "", "FTP command", client, "USER anonymous") +
		vsLine(t, pid-1, "ftp", "OK LOGIN", client, "") +
		vsLine(t, pid+1, "ftp", "FTP response", client, "230 Login successful.")
	for i := 0; i+1 < len(tail); i += 2 {
		s += vsLine(t, pid+1, "ftp", "FTP command", client, tail[i]) + vsLine(t, pid+1, "ftp", "FTP response", client, tail[i+1])
	}
	return s
}

// TestVsftpdSessionsFollowTheLogin: a session continues in the process
// that logs in, even while another client's lines come between.
func TestVsftpdSessionsFollowTheLogin(t *testing.T) {
	at := time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC)
	a := strings.Split(vsSession(at, 100, "198.18.0.2", "PASV", "227 Entering Passive Mode (198,18,1,2,11,184).", "QUIT", "221 Goodbye."), "\n")
	b := strings.Split(vsSession(at, 200, "198.18.0.3", "QUIT", "221 Goodbye."), "\n")
	var log []string
	for i := range max(len(a), len(b)) { // interleaved, as a busy server writes them
		if i < len(a) {
			log = append(log, a[i])
		}
		if i < len(b) {
			log = append(log, b[i])
		}
	}
	l, err := ParseServer([]byte(strings.Join(log, "\n")), Vsftpd)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Sessions) != 2 {
		t.Fatalf("%d sessions, want 2", len(l.Sessions))
	}
	for _, s := range l.Sessions {
		if s.End != EndQuit || s.User != "ftp" {
			t.Errorf("session of %s: ended %q, user %q; want quit, ftp", s.Client, s.End, s.User)
		}
	}
	// Sessions are handed over as they end: the shorter one first.
	if a := l.Sessions[1]; a.Client != "198.18.0.2" || len(a.Entries) != 9 {
		t.Errorf("session of %s has %d entries, want 198.18.0.2's 9 (connect, 4 replies, 3 commands, the login's note)", a.Client, len(a.Entries))
	}
}

// TestServerLogForgetsEndedSessions: what the splitter keeps of sessions
// that ended does not grow with the log (it did: one key per session).
func TestServerLogForgetsEndedSessions(t *testing.T) {
	at := time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC)
	var b strings.Builder
	for i := range 5000 {
		b.WriteString(vsSession(at.Add(time.Duration(i)*time.Second), 1000+4*i, fmt.Sprintf("198.18.%d.%d", i/250, i%250+1), "QUIT", "221 Goodbye."))
	}
	n := 0
	sp := newSplitter(Vsftpd, func(*ServerSession) { n++ })
	for line := range strings.Lines(b.String()) {
		sp.seq++
		r, ok := vsftpdLine(strings.TrimRight(line, "\n"))
		sp.take(r, ok, line)
	}
	if n != 5000 {
		t.Errorf("%d sessions handed over, want 5000", n)
	}
	if len(sp.closedK) > 120 || len(sp.open) > 0 || len(sp.byAddr) > 0 {
		t.Errorf("after 5000 ended sessions: %d keys, %d open, %d addresses kept", len(sp.closedK), len(sp.open), len(sp.byAddr))
	}
}

// TestPureFTPdEchoesAfterLogout: pure-ftpd's "Logout." after QUIT and its
// echo of the last reply start no session of their own.
func TestPureFTPdEchoesAfterLogout(t *testing.T) {
	log := `Dec  6 05:09:15 host pure-ftpd: (?@198.18.0.2) [INFO] New connection from 198.18.0.2
Dec  6 05:09:15 host pure-ftpd: (?@198.18.0.2) [DEBUG] 220 Welcome
Dec  6 05:09:15 host pure-ftpd: (?@198.18.0.2) [DEBUG] Command [quit] []
Dec  6 05:09:15 host pure-ftpd: (?@198.18.0.2) [DEBUG] 221 Logout.
Dec  6 05:09:15 host pure-ftpd: (?@198.18.0.2) [INFO] Logout.
Dec  6 05:09:15 host pure-ftpd: (?@198.18.0.2) [DEBUG] 221 Logout.
`
	l, err := ParseServer([]byte(log), "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != PureFTPd || len(l.Sessions) != 1 || l.Sessions[0].End != EndQuit {
		t.Errorf("%s: %d sessions, first ended %q; want pure-ftpd, 1, quit", l.Format, len(l.Sessions), l.Sessions[0].End)
	}
}
