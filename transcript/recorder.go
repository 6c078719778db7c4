package transcript

import (
	"net"
	"strings"
	"sync"

	"ftpdiag/ftp"
)

// Side says which end of the control connection a recorder sits on.
type Side int

const (
	ClientSide Side = iota // writes are commands, reads are replies
	ServerSide             // reads are commands, writes are replies
)

// Limits on what the recorder keeps of one line or one reply, so a hostile
// peer cannot make a transcript grow without end. Longer input is cut and the
// cut is noted; the connection itself is not touched.
const (
	MaxLine       = 4096 // bytes of one line kept
	MaxReplyLines = 200  // lines of one multi-line reply kept
)

// Conn wraps a control connection and records every line that crosses it.
type Conn struct {
	net.Conn
	sess *Session
	in   lineBuf // read side
	out  lineBuf // write side
}

// Record wraps c so that every line read or written is recorded in sess.
func Record(c net.Conn, sess *Session, side Side) *Conn {
	rc := &Conn{Conn: c, sess: sess}
	cmd := func(text string, _ int) { sess.Command(text) }
	rep := func(text string, code int) { sess.Reply(code, text) }
	if side == ClientSide {
		rc.out.emit, rc.in.emit = cmd, rep
		rc.in.replies = true
	} else {
		rc.in.emit, rc.out.emit = cmd, rep
		rc.out.replies = true
	}
	return rc
}

// Session is the session this connection records to.
func (c *Conn) Session() *Session { return c.sess }

func (c *Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.write(p[:n])
	return n, err
}

func (c *Conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.write(p[:n])
	return n, err
}

// Flush records a partial line still buffered (a peer that closed mid-line).
func (c *Conn) Flush() {
	c.in.flush()
	c.out.flush()
}

// lineBuf assembles bytes into lines, and lines into whole replies by
// ftp's one reply rule.
type lineBuf struct {
	mu      sync.Mutex
	replies bool
	emit    func(text string, code int)
	cur     []byte
	cut     bool // the current line was longer than MaxLine
	p       ftp.ReplyParser
	reply   []string // the lines of an open multi-line reply
}

func (b *lineBuf) write(p []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range p {
		if c == '\n' {
			b.line()
			continue
		}
		if len(b.cur) < MaxLine {
			b.cur = append(b.cur, c)
		} else {
			b.cut = true
		}
	}
}

func (b *lineBuf) line() {
	l := strings.TrimSuffix(string(b.cur), "\r")
	if b.cut {
		l += " [... line cut at 4096 bytes]"
	}
	b.cur, b.cut = b.cur[:0], false
	if !b.replies {
		b.emit(l, 0)
		return
	}
	b.replyLine(l)
}

// replyLine records whole replies; a line that is no reply is recorded as
// a reply without a code, so the diagnosis can say what the port speaks.
func (b *lineBuf) replyLine(l string) {
	switch kind, code := b.p.Line(l); kind {
	case ftp.NoReply, ftp.Whole:
		b.emit(l, code)
	case ftp.Opens:
		b.reply = []string{l}
	case ftp.Continues, ftp.Ends:
		if len(b.reply) < MaxReplyLines {
			b.reply = append(b.reply, l)
		} else if len(b.reply) == MaxReplyLines {
			b.reply = append(b.reply, "[... reply cut at 200 lines]")
		}
		if kind == ftp.Ends {
			b.emit(strings.Join(b.reply, "\n"), code)
			b.reply = nil
		}
	}
}

func (b *lineBuf) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.cur) > 0 {
		b.line()
	}
	if code := b.p.Open(); code != 0 {
		b.emit(strings.Join(b.reply, "\n"), code)
		b.p.Reset()
		b.reply = nil
	}
}
