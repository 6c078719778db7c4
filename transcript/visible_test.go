package transcript_test

import (
	"testing"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

func TestVisible(t *testing.T) {
	cases := []struct {
		name, in, want string
		keep           bool
	}{
		{"plain", "227 Entering Passive Mode", "227 Entering Passive Mode", false},
		{"tab kept", "a\tb", "a\tb", false},
		{"newline kept", "a\nb", "a\nb", true},
		{"newline spelled", "a\nb", `a\x0ab`, false},
		{"carriage return", "a\rb", `a\x0db`, true},
		{"escape and OSC", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`, false},
		{"C1 control", "a\u009bb", `a\x9bb`, false},
		{"bidi override", "\u202etxt", `\u202etxt`, false},
		{"line separator", "a\u2028b", `a\u2028b`, true},
		{"paragraph separator", "a\u2029b", `a\u2029b`, true},
		{"next line (C1)", "a\u0085b", `a\x85b`, true},
		{"not UTF-8", "caf\xe9", `caf\xe9`, false},
		{"Telnet bytes", "PA\xff\xf1SS", `PA\xff\xf1SS`, false},
		{"UTF-8 kept", "café ✓", "café ✓", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := transcript.Visible(tc.in, tc.keep)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if again := transcript.Visible(got, tc.keep); again != got {
				t.Errorf("a second pass changed %q to %q", got, again)
			}
		})
	}
}

// TestWithCommandRedactor: the option replaces the masking of command
// lines, and the known secrets are still masked.
func TestWithCommandRedactor(t *testing.T) {
	mask := func(line string) string {
		if line == "p\xffASS hunter22" {
			return "PASS " + transcript.Mask
		}
		return transcript.RedactCommand(line)
	}
	log := transcript.New(transcript.WithCommandRedactor(mask), transcript.WithSecrets("letmein"))
	s := log.Session("test")
	s.Command("p\xffASS hunter22")
	s.Command("NOOP letmein")
	s.Command("PASS other")
	var got []string
	for _, e := range log.Entries()[1:] {
		got = append(got, e.Text)
	}
	want := []string{"PASS xxxxxxxx", "NOOP xxxxxxxx", "PASS xxxxxxxx"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

// TestFollowOnly: entries reach Follow and are not kept.
func TestFollowOnly(t *testing.T) {
	var seen int
	log := transcript.New(transcript.FollowOnly(), transcript.Follow(func(result.Entry) { seen++ }))
	s := log.Session("test")
	for range 1000 {
		s.Command("NOOP")
	}
	if n := len(log.Entries()); n != 0 || seen != 1001 {
		t.Errorf("kept %d entries and followed %d, want 0 and 1001", n, seen)
	}
}
