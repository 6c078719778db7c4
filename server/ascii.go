package server

import (
	"io"
)

// asciiWriter turns bare LF into CRLF for TYPE A downloads (RFC 959's
// NVT-ASCII line ends); an existing CRLF is kept as it is.
type asciiWriter struct {
	w      io.Writer
	prevCR bool
	buf    []byte
}

func (a *asciiWriter) Write(p []byte) (int, error) {
	a.buf = a.buf[:0]
	for _, c := range p {
		if c == '\n' && !a.prevCR {
			a.buf = append(a.buf, '\r')
		}
		a.buf = append(a.buf, c)
		a.prevCR = c == '\r'
	}
	if _, err := a.w.Write(a.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// asciiReader turns CRLF into LF for TYPE A uploads. A CR at the end of one
// read is held back until the next shows whether LF follows.
type asciiReader struct {
	r      io.Reader
	heldCR bool
}

func (a *asciiReader) Read(p []byte) (int, error) {
	if len(p) < 2 {
		return a.r.Read(p)
	}
	off := 0
	if a.heldCR {
		p[0], off = '\r', 1
		a.heldCR = false
	}
	n, err := a.r.Read(p[off : len(p)-1])
	b := p[:off+n]
	out := b[:0]
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			continue
		}
		out = append(out, b[i])
	}
	if len(out) > 0 && out[len(out)-1] == '\r' && err == nil {
		out, a.heldCR = out[:len(out)-1], true
	}
	return len(out), err
}
