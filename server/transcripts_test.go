package server_test

import (
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestTranscriptControlBytes: a client's escape sequences, bells and
// bidirectional overrides reach the transcript file spelled out, so `cat`
// of a transcript cannot retitle, clear or rewrite the reader's terminal.
func TestTranscriptControlBytes(t *testing.T) {
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir})
	c := dialCtl(t, s)
	c.do(331, "USER \x1b]0;pwned\x07\x1b[2J\u202eexe.txt\x9b")
	c.do(221, "QUIT")
	c.conn.Read(make([]byte, 1)) // wait for the server to close
	waitFor(t, dir, "control connection closed")
	got := transcriptText(t, dir)
	for i, r := range got {
		if r == '\x1b' || r == '\a' || r == '\u202e' || r == '\u009b' || (r < 0x20 && r != '\n') {
			t.Fatalf("raw control character %q at byte %d of the transcript:\n%q", r, i, got)
		}
	}
	if want := `Cmd: USER \x1b]0;pwned\x07\x1b[2J\u202eexe.txt\x9b`; !strings.Contains(got, want) {
		t.Errorf("the transcript does not show %s:\n%s", want, got)
	}
	// Once, not twice: the backslash of \x1b is not spelled out again.
	if strings.Contains(got, `\\x1b`) || strings.Contains(got, `\x5c`) {
		t.Errorf("control characters spelled out twice:\n%s", got)
	}
}

// TestTranscriptTelnetAroundPASS: Telnet commands inside or before PASS are
// stripped by the server before it reads the verb, so the login works; the
// transcript must classify the line the same way and mask the password.
func TestTranscriptTelnetAroundPASS(t *testing.T) {
	const pass = "S3cr3tPW"
	tests := []struct {
		name, line string
	}{
		{"IAC NOP inside the verb", "PA\xff\xf1SS " + pass},
		{"IAC IP IAC DM before the verb", "\xff\xf4\xff\xf2PASS " + pass},
		{"lower case", "pass " + pass},
		{"IAC WILL option before the verb", "\xff\xfb\x01PASS " + pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := servertest.Start(t, server.Config{TranscriptDir: dir, Users: map[string]string{"u": pass}})
			c := dialCtl(t, s)
			c.do(331, "USER u")
			c.do(230, "%s", tt.line) // the server itself reads it as PASS
			c.do(221, "QUIT")
			c.conn.Read(make([]byte, 1))
			waitFor(t, dir, "control connection closed")
			got := transcriptText(t, dir)
			if strings.Contains(got, pass) {
				t.Fatalf("the password is in the transcript:\n%s", got)
			}
			if !strings.Contains(got, "Cmd: PASS xxxxxxxx") {
				t.Errorf("no masked PASS line in the transcript:\n%s", got)
			}
		})
	}
}
