// Package replytest is the one table of byte streams and the replies they
// hold, run against every reader of FTP replies in the project: ftp's own
// parser and live reader, the probe's control connection, the transcript
// recorder and the foreign-log builder. A case that one reader reads
// differently from the others fails in that reader's test, so the readers
// cannot drift apart again (issue 27: they disagreed on a bare "226").
//
// It imports nothing of the project, so any package's tests may use it.
package replytest

import (
	"fmt"
	"strings"
	"testing"
)

// Reply is what a reader makes of one part of the stream.
type Reply struct {
	// Code is the reply's code; 0 for a line that is outside any reply
	// and starts none: no FTP reply at all.
	Code int
	// Lines are the reply's lines as sent, line ends removed.
	Lines []string
	// Cut: the stream ended before the reply's last line. Readers that
	// record (the recorder, the log builder) keep such a reply as it came;
	// a live reader reports the connection closed instead.
	Cut bool
}

// Text is the reply as a transcript holds it: its lines joined by "\n".
func (r Reply) Text() string { return strings.Join(r.Lines, "\n") }

func (r Reply) String() string {
	s := fmt.Sprintf("%d %q", r.Code, r.Lines)
	if r.Cut {
		s += " (cut)"
	}
	return s
}

// Case is a stream as it comes off a control connection (or out of a log),
// and the replies in it, in order.
type Case struct {
	Name string
	In   string
	Want []Reply
}

// Stop is how a live reader stops reading a case's stream.
type Stop int

const (
	End      Stop = iota // the stream ended between replies
	NotReply             // a line that is no FTP reply: a protocol error
	CutShort             // the stream ended inside a reply
)

func (s Stop) String() string {
	return [...]string{"end", "not a reply", "cut short"}[s]
}

// Live is what a reader of a live connection must return for c: the whole
// replies before the first line that is no reply, or before a reply the
// stream cut short, and why it stopped there.
func (c Case) Live() ([]Reply, Stop) {
	for i, r := range c.Want {
		switch {
		case r.Code == 0:
			return c.Want[:i], NotReply
		case r.Cut:
			return c.Want[:i], CutShort
		}
	}
	return c.Want, End
}

// Recorded is what a reader that records must return for c: every reply,
// cut or not, and every line that is no reply, in order. Such readers
// cannot tell a cut reply from a whole one, so Cut is false throughout.
func (c Case) Recorded() []Reply {
	out := make([]Reply, len(c.Want))
	for i, r := range c.Want {
		r.Cut = false
		out[i] = r
	}
	return out
}

// Compare reports, under the case's name, where got differs from want.
func Compare(t testing.TB, reader string, c Case, got, want []Reply) {
	t.Helper()
	n := max(len(got), len(want))
	for i := range n {
		var g, w string
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i].String()
		}
		if g != w {
			t.Errorf("%s, %s: %q\nreply %d = %s\nwant       %s\n(all: got %v, want %v)", reader, c.Name, c.In, i, orNone(g), orNone(w), got, want)
			return
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func one(code int, lines ...string) Reply { return Reply{Code: code, Lines: lines} }

func cut(code int, lines ...string) Reply { return Reply{Code: code, Lines: lines, Cut: true} }

func none(line string) Reply { return Reply{Lines: []string{line}} }

// Cases is the table. The rules it holds are written down in package ftp's
// documentation; each case names the rule it checks.
var Cases = []Case{
	{"one line", "220 ready\r\n", []Reply{one(220, "220 ready")}},
	{"two replies", "150 here it comes\r\n226 done\r\n", []Reply{one(150, "150 here it comes"), one(226, "226 done")}},
	{"bare code is a whole reply", "226\r\n", []Reply{one(226, "226")}},
	{"bare code after a reply", "150 here it comes\r\n226\r\n", []Reply{one(150, "150 here it comes"), one(226, "226")}},
	{"code and space only", "226 \r\n", []Reply{one(226, "226 ")}},
	{"multi-line reply", "211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n",
		[]Reply{one(211, "211-Features:", " MDTM", " SIZE", "211 End")}},
	{"bare code ends a multi-line reply", "226-Transfer done\r\n226\r\n230 next\r\n",
		[]Reply{one(226, "226-Transfer done", "226"), one(230, "230 next")}},
	{"same code with hyphen continues", "250-first\r\n250-second\r\n250 last\r\n",
		[]Reply{one(250, "250-first", "250-second", "250 last")}},
	{"digits inside a multi-line reply", "227-listen socket created\r\n227 (0,0,0,0,135,179)\r\n",
		[]Reply{one(227, "227-listen socket created", "227 (0,0,0,0,135,179)")}},
	{"other codes inside a multi-line reply are text", "211-Status\r\n123 not a reply here\r\n250\r\n211-more\r\n211 End\r\n",
		[]Reply{one(211, "211-Status", "123 not a reply here", "250", "211-more", "211 End")}},
	{"last line with another code is text", "220-Welcome\r\n230 wrong code\r\n220 ready\r\n",
		[]Reply{one(220, "220-Welcome", "230 wrong code", "220 ready")}},
	{"another code never ends the reply", "226-Transfer done\r\n250 ok\r\n",
		[]Reply{cut(226, "226-Transfer done", "250 ok")}},
	{"reply cut by the end", "211-Features:\r\n MDTM\r\n", []Reply{cut(211, "211-Features:", " MDTM")}},
	{"last line without line end", "221 Goodbye", []Reply{one(221, "221 Goodbye")}},
	{"last line without LF", "221 Goodbye\r", []Reply{one(221, "221 Goodbye")}},
	{"LF alone ends a line", "220 a\n230 b\n", []Reply{one(220, "220 a"), one(230, "230 b")}},
	{"CR without LF is text", "220 a\rb\r\n", []Reply{one(220, "220 a\rb")}},
	{"CR before code is no line end", "220-a\r220 b\r\n", []Reply{cut(220, "220-a\r220 b")}},
	{"protected reply (RFC 2228)", "631 c2VjcmV0\r\n", []Reply{one(631, "631 c2VjcmV0")}},
	{"protected multi-line reply", "632-c2Vj\r\n632 cmV0\r\n", []Reply{one(632, "632-c2Vj", "632 cmV0")}},
	{"code 7xx is no reply", "700 what\r\n", []Reply{none("700 what")}},
	{"code 9xx is no reply", "999 what\r\n", []Reply{none("999 what")}},
	{"code 0xx is no reply", "099 no\r\n", []Reply{none("099 no")}},
	{"four digits are no reply", "2201 ready\r\n", []Reply{none("2201 ready")}},
	{"tab after the code is no reply", "220\tready\r\n", []Reply{none("220\tready")}},
	{"another protocol", "SSH-2.0-OpenSSH_9.2\r\n", []Reply{none("SSH-2.0-OpenSSH_9.2")}},
	{"empty line is no reply", "\r\n", []Reply{none("")}},
	{"text after a reply", "220 ready\r\nhello\r\n", []Reply{one(220, "220 ready"), none("hello")}},
}
