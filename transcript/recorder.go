package transcript

import (
	"net"
	"strconv"
	"strings"
	"sync"
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

// lineBuf assembles bytes into lines, and lines into whole replies.
type lineBuf struct {
	mu      sync.Mutex
	replies bool
	emit    func(text string, code int)
	cur     []byte
	cut     bool // the current line was longer than MaxLine
	reply   []string
	code    int // code of an open multi-line reply
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

// replyLine follows RFC 959's multi-line rule: "123-" opens a reply that
// ends at a line starting "123 ".
func (b *lineBuf) replyLine(l string) {
	code, sep := replyCode(l)
	if b.code == 0 {
		if sep == '-' {
			b.code, b.reply = code, []string{l}
			return
		}
		b.emit(l, code)
		return
	}
	if len(b.reply) < MaxReplyLines {
		b.reply = append(b.reply, l)
	} else if len(b.reply) == MaxReplyLines {
		b.reply = append(b.reply, "[... reply cut at 200 lines]")
	}
	if code == b.code && sep == ' ' {
		b.emit(strings.Join(b.reply, "\n"), b.code)
		b.code, b.reply = 0, nil
	}
}

func (b *lineBuf) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.cur) > 0 {
		b.line()
	}
	if b.code != 0 {
		b.emit(strings.Join(b.reply, "\n"), b.code)
		b.code, b.reply = 0, nil
	}
}

// replyCode reads the three-digit code and the separator after it; code is 0
// when the line does not start like a reply.
func replyCode(l string) (int, byte) {
	if len(l) < 3 {
		return 0, 0
	}
	n, err := strconv.Atoi(l[:3])
	if err != nil || n < 100 || n > 999 {
		return 0, 0
	}
	if len(l) == 3 {
		return n, ' '
	}
	if l[3] == ' ' || l[3] == '-' {
		return n, l[3]
	}
	return 0, 0
}

// ReplyCode reads the code of a reply line ("227 Entering ..." -> 227), or 0.
func ReplyCode(line string) int {
	n, _ := replyCode(line)
	return n
}
