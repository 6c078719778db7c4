package ftp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// LineKind is what one line is to the replies around it.
type LineKind int

const (
	NoReply   LineKind = iota // outside any reply, and it starts none: no FTP reply
	Whole                     // a reply of one line ("226 done", "226")
	Opens                     // opens a multi-line reply ("211-Features:")
	Continues                 // a line inside an open multi-line reply, not its last
	Ends                      // the last line of a multi-line reply ("211 End")
)

var lineKinds = [...]string{"no reply", "whole reply", "opens a reply", "continues a reply", "ends a reply"}

func (k LineKind) String() string {
	if int(k) < len(lineKinds) {
		return lineKinds[k]
	}
	return "LineKind(" + strconv.Itoa(int(k)) + ")"
}

// ReplyParser follows replies line by line, by the rule in the package
// documentation. It is the one place that rule is applied: the probe's
// live reader, the transcript recorder and every log reader feed it their
// lines. The zero value is ready; it holds no line, so callers keep (and
// cap) the lines themselves.
type ReplyParser struct {
	open Code // the code of the open multi-line reply, or 0
}

// Line says what line (without its line end) is, and the code of the reply
// it belongs to (0 for NoReply).
func (p *ReplyParser) Line(line string) (LineKind, Code) {
	kind, code := NextLine(p.open, line)
	switch kind {
	case Opens:
		p.open = code
	case Ends:
		p.open = 0
	}
	return kind, code
}

// NextLine is the rule itself, for readers that keep the open reply's code
// in their own state: what line is when the multi-line reply with code
// open is open (0: none is), and the code of the reply it belongs to.
func NextLine(open Code, line string) (LineKind, Code) {
	code, sep, _, ok := ParseCodeLine(line)
	switch {
	case open != 0 && ok && code == open && sep == ' ':
		return Ends, open
	case open != 0:
		return Continues, open
	case !ok:
		return NoReply, 0
	case sep == '-':
		return Opens, code
	}
	return Whole, code
}

// Open is the code of the multi-line reply still open, or 0.
func (p *ReplyParser) Open() Code { return p.open }

// Reset forgets an open reply: its reader has recorded it as far as it
// went (a log that breaks off inside a reply, a connection that ended).
func (p *ReplyParser) Reset() { p.open = 0 }

// ReplyCode is the code a line starts with when it can start a reply
// ("227 Entering ..." -> 227, "211-Features" -> 211), or 0.
func ReplyCode(line string) Code {
	code, _, _, _ := ParseCodeLine(line)
	return code
}

// Reply is one whole reply as it came: its code and its lines, line ends
// removed (the first line holds the code, and so does the last of a
// multi-line reply).
type Reply struct {
	Code  Code
	Lines []string
}

// Text is the reply as a transcript holds it: the lines joined by "\n".
func (r Reply) Text() string { return strings.Join(r.Lines, "\n") }

// Message is the reply's text without its code: the first line's text,
// then each further line, less the code where the line repeats the reply's
// code as a reply line does ("211-more", "211 End"). It is net/textproto's
// form, which the probe's checks have always quoted.
func (r Reply) Message() string {
	var b strings.Builder
	for i, l := range r.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if code, _, text, ok := ParseCodeLine(l); ok && code == r.Code {
			l = text
		}
		b.WriteString(l)
	}
	return b.String()
}

// Errors of a ReplyReader, for errors.Is.
var (
	// ErrNotReply: a line outside any reply that starts none; the peer
	// does not speak FTP, or has lost its way.
	ErrNotReply = errors.New("not an FTP reply")
	// ErrReplyTooLong: a line or a whole reply longer than the reader's
	// limits; the peer is hostile or broken, and the reader stops.
	ErrReplyTooLong = errors.New("reply too long")
)

// ReplyReader reads whole replies off a live connection, with limits on a
// line and on a reply so that a hostile server cannot make it read, or
// keep, without end.
type ReplyReader struct {
	r        *bufio.Reader
	maxLine  int
	maxReply int
	p        ReplyParser
	// The reply being read, kept across errors so that a read that timed
	// out can be tried again where it stopped.
	lines   []string
	code    Code
	partial []byte // a line not yet ended
	got     int    // bytes of the reply being read, line ends included
}

// NewReplyReader reads replies from r. A line longer than maxLine bytes, or
// a reply longer than maxReply bytes (line ends included), ends the reading
// with ErrReplyTooLong.
func NewReplyReader(r *bufio.Reader, maxLine, maxReply int) *ReplyReader {
	return &ReplyReader{r: r, maxLine: maxLine, maxReply: maxReply}
}

// Got is how many bytes of the next reply have been read so far: 0 where
// nothing of it has come (a timeout that met silence, not a slow reply).
func (rr *ReplyReader) Got() int { return rr.got }

// ReadReply reads one whole reply. On an error it returns the lines read so
// far with it. The end of the stream is io.EOF, between replies or inside
// one (then the reply returned is the part that came); a last line without
// a line end counts as a line. A line that is no reply is ErrNotReply (the
// line is returned as the reply's only line, with code 0).
func (rr *ReplyReader) ReadReply() (Reply, error) {
	for {
		line, err := rr.readLine()
		if err != nil {
			return Reply{Code: rr.code, Lines: rr.lines}, err
		}
		kind, code := rr.p.Line(line)
		switch kind {
		case NoReply:
			rr.got = 0
			return Reply{Lines: []string{line}}, fmt.Errorf("%w: %q", ErrNotReply, cutText(line, 60))
		case Opens:
			rr.code, rr.lines = code, []string{line}
		case Continues:
			rr.lines = append(rr.lines, line)
		case Whole, Ends:
			r := Reply{Code: code, Lines: append(rr.lines, line)}
			rr.code, rr.lines, rr.got = 0, nil, 0
			return r, nil
		}
	}
}

// readLine reads one line, its line end removed, by the rule in the package
// documentation: LF ends a line, one CR before it is dropped. A line not
// yet ended when the read fails is kept for the next call.
func (rr *ReplyReader) readLine() (string, error) {
	for {
		frag, err := rr.r.ReadSlice('\n')
		rr.got += len(frag)
		if rr.got > rr.maxReply {
			return "", ErrReplyTooLong
		}
		if err == nil && len(rr.partial) == 0 {
			return rr.ended(frag) // the usual case: a whole line in the buffer
		}
		rr.partial = append(rr.partial, frag...)
		switch {
		case err == nil:
		case err == bufio.ErrBufferFull:
			if len(rr.partial) > rr.maxLine+len("\r\n") {
				return "", ErrReplyTooLong
			}
			continue
		case err == io.EOF && len(rr.partial) > 0:
			// The peer closed after a line without its end: the line
			// counts, and the next read meets the end.
		default:
			return "", err
		}
		line := rr.partial
		rr.partial = rr.partial[:0]
		return rr.ended(line)
	}
}

// ended is a line read whole, without its line end, within the limit.
func (rr *ReplyReader) ended(b []byte) (string, error) {
	b = trimCR(bytes.TrimSuffix(b, []byte("\n")))
	if len(b) > rr.maxLine {
		return "", ErrReplyTooLong
	}
	return string(b), nil
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// cutText is s cut to n bytes for an error message.
func cutText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
