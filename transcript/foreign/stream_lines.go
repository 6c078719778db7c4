package foreign

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The streaming reading's input: a stream cut into lines, UTF-16 decoded.

// lineSource cuts a stream into lines at LF, CRLF or a lone CR, as
// splitLines does a string. It reads a chunk at a time and makes one
// string of the chunk's whole lines, which its lines are cut from: a
// line costs no allocation of its own (what a session keeps of its lines
// keeps their chunk).
type lineSource struct {
	r       io.Reader
	n       int      // lines given
	long    bool     // the last line given was cut at MaxLine
	longs   int      // lines cut
	pending []string // the rest of a line that held lone CRs
	chunk   string   // whole lines read and not yet given
	buf     []byte   // bytes read after the chunk's last line end
	eof     bool
	err     error
}

// chunkSize is how much is read at once.
const chunkSize = 256 << 10

func (s *lineSource) next() (string, bool) {
	for len(s.pending) == 0 {
		raw, ok := s.readRaw()
		if !ok {
			return "", false
		}
		raw = strings.TrimSuffix(raw, "\r")
		if strings.IndexByte(raw, '\r') < 0 {
			s.n++
			return raw, true
		}
		s.pending = strings.Split(raw, "\r")
	}
	l := s.pending[0]
	s.pending = s.pending[1:]
	s.n++
	return l, true
}

// readRaw gives the next line, without its LF.
func (s *lineSource) readRaw() (string, bool) {
	s.long = false
	for {
		if i := strings.IndexByte(s.chunk, '\n'); i >= 0 {
			line := s.chunk[:i]
			s.chunk = s.chunk[i+1:]
			return line, true
		}
		if s.eof {
			if len(s.buf) == 0 {
				return "", false
			}
			line := string(s.buf)
			s.buf = s.buf[:0]
			return line, true
		}
		s.fill()
	}
}

// fill reads the next chunk: the whole lines in it become s.chunk, the
// rest waits in s.buf. A line longer than MaxLine is cut there, and the
// rest of it skipped.
func (s *lineSource) fill() {
	if cap(s.buf)-len(s.buf) < chunkSize/2 {
		s.buf = append(make([]byte, 0, len(s.buf)+chunkSize), s.buf...)
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err != nil {
		s.eof = true
		if !errors.Is(err, io.EOF) {
			s.err = err
		}
	}
	if i := bytes.LastIndexByte(s.buf, '\n'); i >= 0 {
		s.chunk = string(s.buf[:i+1])
		s.buf = append(s.buf[:0], s.buf[i+1:]...)
		return
	}
	if len(s.buf) > MaxLine {
		s.skipRest()
	}
}

// skipRest cuts the line in s.buf at MaxLine and reads past its end.
func (s *lineSource) skipRest() {
	s.chunk = string(s.buf[:MaxLine]) + "\n"
	s.long = true
	s.longs++
	s.buf = s.buf[:0]
	for !s.eof {
		var tmp [32 << 10]byte
		n, err := s.r.Read(tmp[:])
		if i := bytes.IndexByte(tmp[:n], '\n'); i >= 0 {
			s.buf = append(s.buf, tmp[i+1:n]...)
			return
		}
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.err = err
			}
		}
	}
}

// utf16Kind tells UTF-16 text (with a BOM, or without one where every
// other byte of the start is NUL) whose start is mostly of the Latin
// script a log is in: big-endian or not, and the bytes of BOM to skip.
func utf16Kind(data []byte) (big bool, skip int, ok bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		skip = 2
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		big, skip = true, 2
	default:
		n := min(len(data), 256) &^ 1
		if n < 8 {
			return false, 0, false
		}
		even, odd := 0, 0
		for i := 0; i < n; i += 2 {
			if data[i] == 0 {
				even++
			}
			if data[i+1] == 0 {
				odd++
			}
		}
		switch {
		case odd*10 >= n/2*9 && even == 0:
		case even*10 >= n/2*9 && odd == 0:
			big = true
		default:
			return false, 0, false
		}
	}
	head := data[skip:min(len(data), skip+512)]
	runes := utf16.Decode(units(head[:len(head)&^1], big))
	ascii := 0
	for _, r := range runes[:min(len(runes), 256)] {
		if r < 0x80 {
			ascii++
		}
	}
	return big, skip, ascii*2 >= min(len(runes), 256)
}

func units(data []byte, big bool) []uint16 {
	u := make([]uint16, len(data)/2)
	for i := range u {
		if big {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return u
}

// utf16Reader decodes a stream of UTF-16 into UTF-8.
type utf16Reader struct {
	r    io.Reader
	big  bool
	in   []byte // bytes read and not decoded: an odd byte, a high surrogate
	out  []byte // decoded and not yet read
	done bool
}

func (d *utf16Reader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		d.out = d.out[:0]
		if d.done {
			return 0, io.EOF
		}
		var chunk [32 << 10]byte
		n, err := d.r.Read(chunk[:])
		d.in = append(d.in, chunk[:n]...)
		if err != nil {
			d.done = true
			if !errors.Is(err, io.EOF) {
				return 0, err
			}
		}
		d.decode()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// decode turns the whole code units read into UTF-8, keeping a high
// surrogate back until its pair comes (or the stream ends).
func (d *utf16Reader) decode() {
	u := units(d.in[:len(d.in)&^1], d.big)
	i := 0
	for ; i < len(u); i++ {
		r := rune(u[i])
		switch {
		case utf16.IsSurrogate(r) && r < 0xdc00 && i+1 < len(u):
			if pair := utf16.DecodeRune(r, rune(u[i+1])); pair != utf8.RuneError {
				r = pair
				i++
			} else {
				r = utf8.RuneError
			}
		case utf16.IsSurrogate(r) && r < 0xdc00 && !d.done:
			d.in = d.in[2*i:]
			return
		case utf16.IsSurrogate(r):
			r = utf8.RuneError
		}
		d.out = utf8.AppendRune(d.out, r)
	}
	d.in = d.in[2*i:]
	if d.done {
		d.in = nil // an odd byte at the end is no character
	}
}
