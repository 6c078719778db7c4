package ftp

import (
	"bufio"
	"errors"
	"io"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"ftpdiag/ftp/replytest"
)

// parseAll feeds in to a ReplyParser line by line, as the recorder and the
// log readers do, and keeps what a reader that records keeps.
func parseAll(in string) []replytest.Reply {
	var p ReplyParser
	var out []replytest.Reply
	var open []string
	sc := bufio.NewScanner(strings.NewReader(in))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch kind, code := p.Line(line); kind {
		case NoReply:
			out = append(out, replytest.Reply{Lines: []string{line}})
		case Whole:
			out = append(out, replytest.Reply{Code: code, Lines: []string{line}})
		case Opens:
			open = []string{line}
		case Continues:
			open = append(open, line)
		case Ends:
			out = append(out, replytest.Reply{Code: code, Lines: append(open, line)})
			open = nil
		}
	}
	if p.Open() != 0 {
		out = append(out, replytest.Reply{Code: p.Open(), Lines: open, Cut: true})
	}
	return out
}

func TestReplyParserReadsReplies(t *testing.T) {
	for _, tc := range replytest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			replytest.Compare(t, "ReplyParser", tc, parseAll(tc.In), tc.Want)
		})
	}
}

// readAll reads replies off r until an error, and says how it stopped.
func readAll(rr *ReplyReader) ([]replytest.Reply, replytest.Stop, error) {
	var out []replytest.Reply
	for {
		r, err := rr.ReadReply()
		switch {
		case err == nil:
			out = append(out, replytest.Reply{Code: r.Code, Lines: r.Lines})
			continue
		case errors.Is(err, ErrNotReply):
			return out, replytest.NotReply, nil
		case errors.Is(err, io.EOF) && len(r.Lines) > 0:
			return out, replytest.CutShort, nil
		case errors.Is(err, io.EOF):
			return out, replytest.End, nil
		}
		return out, 0, err
	}
}

// TestReplyReaderReadsReplies: the live reader, on the whole stream, a
// byte at a time, and through a buffer smaller than a line.
func TestReplyReaderReadsReplies(t *testing.T) {
	for _, tc := range replytest.Cases {
		for _, split := range []struct {
			name string
			r    func(string) *bufio.Reader
		}{
			{"whole", func(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }},
			{"bytewise", func(s string) *bufio.Reader { return bufio.NewReader(iotest.OneByteReader(strings.NewReader(s))) }},
			{"small buffer", func(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 16) }},
		} {
			t.Run(tc.Name+"/"+split.name, func(t *testing.T) {
				got, stop, err := readAll(NewReplyReader(split.r(tc.In), 1024, 4096))
				want, wantStop := tc.Live()
				if err != nil {
					t.Fatalf("%q: %v", tc.In, err)
				}
				replytest.Compare(t, "ReplyReader", tc, got, want)
				if stop != wantStop {
					t.Errorf("%q: stops at %s, want %s", tc.In, stop, wantStop)
				}
			})
		}
	}
}

func TestReplyReaderLimits(t *testing.T) {
	const maxLine, maxReply = 20, 60
	line := func(n int) string { return "220 " + strings.Repeat("a", n-4) }
	reply60 := "220-" + strings.Repeat("a", 16) + "\r\n " + strings.Repeat("a", 16) + "\r\n220 " + strings.Repeat("a", 13) + "\r\n"
	if len(reply60) != maxReply {
		t.Fatalf("the reply at the limit is %d bytes", len(reply60))
	}
	cases := []struct {
		name, in string
		tooLong  bool
	}{
		{"line at the limit", line(maxLine) + "\r\n", false},
		{"line at the limit, LF only", line(maxLine) + "\n", false},
		{"line at the limit, no line end", line(maxLine), false},
		{"line over the limit", line(maxLine+1) + "\r\n", true},
		{"line over the limit, never ended", line(maxLine) + strings.Repeat("a", 100), true},
		{"reply at the limit", reply60, false},
		{"reply over the limit", strings.Replace(reply60, "220 ", "220 a", 1), true},
		{"endless multi-line reply", "220-a\r\n" + strings.Repeat("220-more\r\n", 100), true},
	}
	for _, tc := range cases {
		for _, size := range []int{16, 4096} {
			rr := NewReplyReader(bufio.NewReaderSize(strings.NewReader(tc.in), size), maxLine, maxReply)
			_, err := rr.ReadReply()
			if got := errors.Is(err, ErrReplyTooLong); got != tc.tooLong {
				t.Errorf("%s (buffer %d): err = %v, want too long %v", tc.name, size, err, tc.tooLong)
			}
		}
	}
}

// stutter fails its first read with a timeout after a part of a line, as
// a deadline does on a slow server.
type stutter struct {
	parts []string
}

func (s *stutter) Read(p []byte) (int, error) {
	if len(s.parts) == 0 {
		return 0, io.EOF
	}
	part := s.parts[0]
	s.parts = s.parts[1:]
	if part == "" {
		return 0, os.ErrDeadlineExceeded
	}
	return copy(p, part), nil
}

// TestReplyReaderResumes: a read that times out inside a reply keeps what
// came, and the next read goes on from there; Got tells silence from a
// slow reply.
func TestReplyReaderResumes(t *testing.T) {
	rr := NewReplyReader(bufio.NewReader(&stutter{parts: []string{"", "211-Feat", "", "ures:\r\n SIZE\r\n21", "", "1 End\r\n"}}), 100, 1000)
	var timeouts []int
	for {
		r, err := rr.ReadReply()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			timeouts = append(timeouts, rr.Got())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := "211-Features:\n SIZE\n211 End"; r.Code != 211 || r.Text() != want {
			t.Errorf("ReadReply = %d %q, want 211 %q", r.Code, r.Text(), want)
		}
		break
	}
	if want := []int{0, 8, 24}; !equalInts(timeouts, want) {
		t.Errorf("Got() at the timeouts = %v, want %v", timeouts, want)
	}
	if rr.Got() != 0 {
		t.Errorf("Got() after the reply = %d, want 0", rr.Got())
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReplyMessage(t *testing.T) {
	cases := []struct {
		name string
		r    Reply
		want string
	}{
		{"one line", Reply{226, []string{"226 Transfer complete."}}, "Transfer complete."},
		{"bare code", Reply{226, []string{"226"}}, ""},
		{"multi-line", Reply{211, []string{"211-Features:", " SIZE", "211-more", "230 other", "211 End"}}, "Features:\n SIZE\nmore\n230 other\nEnd"},
		{"bare code last", Reply{226, []string{"226-done", "226"}}, "done\n"},
	}
	for _, tc := range cases {
		if got := tc.r.Message(); got != tc.want {
			t.Errorf("%s: Message() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLineKindString(t *testing.T) {
	if got := Ends.String(); got != "ends a reply" {
		t.Errorf("Ends.String() = %q", got)
	}
	if got := LineKind(9).String(); got != "LineKind(9)" {
		t.Errorf("LineKind(9).String() = %q", got)
	}
}

// benchStream is a session's replies as a server sends them: single lines
// and a FEAT of a dozen lines, 100 times over.
var benchStream = strings.Repeat("220 (vsFTPd 3.0.5)\r\n331 Please specify the password.\r\n230 Login successful.\r\n"+
	"211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End\r\n"+
	"227 Entering Passive Mode (127,0,0,1,195,80).\r\n150 Here comes the directory listing.\r\n226 Directory send OK.\r\n", 100)

const benchReplies = 700

// BenchmarkReadReply: the probe's reader of replies, before (net/textproto)
// and after (ftp.ReplyReader), on the same stream; the probe takes each
// reply's Message, so both produce the same text.
func BenchmarkReadReply(b *testing.B) {
	b.Run("textproto", func(b *testing.B) {
		b.SetBytes(int64(len(benchStream)))
		for b.Loop() {
			tp := textproto.NewReader(bufio.NewReader(strings.NewReader(benchStream)))
			for range benchReplies {
				if _, _, err := tp.ReadResponse(0); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("ReplyReader", func(b *testing.B) {
		b.SetBytes(int64(len(benchStream)))
		for b.Loop() {
			rr := NewReplyReader(bufio.NewReader(strings.NewReader(benchStream)), 8<<10, 64<<10)
			for range benchReplies {
				r, err := rr.ReadReply()
				if err != nil {
					b.Fatal(err)
				}
				_ = r.Message()
			}
		}
	})
}
