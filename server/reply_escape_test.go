package server_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestReplyControlCharacters: a file name holding terminal control
// characters (ESC, BEL, a C1 CSI, a right-to-left override) reaches the
// client over the control connection spelled out, as in transcripts, so an
// interactive client's STAT cannot retitle or rewrite its user's terminal;
// CR and LF still cannot forge a reply line (issue 30).
func TestReplyControlCharacters(t *testing.T) {
	root := t.TempDir()
	names := []struct{ raw, shown string }{
		{"title\x1b]0;pwned\x07.txt", `title\x1b]0;pwned\x07.txt`},
		{"clear\x1b[2J.txt", `clear\x1b[2J.txt`},
		{"csi\u009b31m.txt", `csi\x9b31m.txt`},
		{"rlo\u202etxt.exe", `rlo\u202etxt.exe`},
		{"bell\a\a.txt", `bell\x07\x07.txt`},
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(root, n.raw), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "forged\r\n226 fake"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := servertest.Start(t, server.Config{Root: root})
	c := dialCtl(t, s).login()
	c.tp.PrintfLine("STAT /")
	// Read raw lines: textproto would hide what a terminal would show.
	var got []string
	r := bufio.NewReader(c.conn)
	c.conn.SetReadDeadline(time.Now().Add(testTimeout))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the STAT reply: %v (so far %q)", err, got)
		}
		got = append(got, line)
		if strings.HasPrefix(line, "213 ") {
			break
		}
	}
	all := strings.Join(got, "")
	for i, r := range all {
		if r == '\x1b' || r == '\a' || r == '\u009b' || r == '\u202e' {
			t.Errorf("raw control character %q at byte %d of the STAT reply:\n%q", r, i, all)
		}
	}
	for _, n := range names {
		if !strings.Contains(all, n.shown) {
			t.Errorf("the STAT reply does not show %s:\n%s", n.shown, all)
		}
	}
	for _, l := range got[:len(got)-1] {
		if strings.HasPrefix(l, "226") || strings.HasPrefix(l, "213 ") {
			t.Errorf("a file name forged a reply line: %q", l)
		}
	}
}
