package probe

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// Limits on what the probe reads of one reply, so a hostile server cannot
// make it read without end: far above any real reply (a long FEAT or HELP
// is a few KiB), far below what would cost memory. ftp.ReplyReader holds
// them.
const (
	maxLineBytes  = 8 << 10
	maxReplyBytes = 64 << 10
	// notFTPGrace is how long the probe keeps reading after a first byte
	// that cannot start an FTP reply, to show what the port speaks: banners
	// come in one packet.
	notFTPGrace = 300 * time.Millisecond
)

// ctrl is one control connection of the probe, recorded into its session.
type ctrl struct {
	p     *prober
	ctx   context.Context // the probe's: done when its overall deadline passes
	sess  *transcript.Session
	conn  net.Conn
	rc    *transcript.Conn
	br    *bufio.Reader
	rr    *ftp.ReplyReader // the one reader of replies, on br
	local netip.AddrPort
	dead  bool
	tls   bool      // the control connection is encrypted
	verb  string    // the last command, for messages
	sent  time.Time // when it went out (or the connection opened)
	// refused is why the writer of commands refused a line, if it did.
	refused error
	// owed names a PASV or EPSV whose data connection did not arrive:
	// Twisted answers it again, late, once it gives up waiting (issue 31).
	owed string
	// late: the last command's answer came after a late answer to an
	// earlier one (inStep): the server held it back.
	late  bool
	sniff *sniffConn // under the TLS control connection, for plainInTLS
}

// lateGrace is how long the probe looks for a second reply after an error
// reply that may be a late answer to an earlier PASV: a server that was
// stuck reads the waiting command and answers it at once.
const lateGrace = 300 * time.Millisecond

// dialControl opens a control connection within the connection timeout.
func (p *prober) dialControl(ctx context.Context, sess *transcript.Session) (*ctrl, bool) {
	addr := p.addr()
	p.opts.Status("connecting to "+addr, p.opts.Timeout)
	d := net.Dialer{Timeout: p.opts.Timeout}
	start := time.Now()
	conn, err := d.DialContext(ctx, "tcp", addr)
	ev := result.EventInfo{Op: result.OpConnect, Addr: addr, Outcome: transcript.Classify(err), Dur: time.Since(start)}
	if err != nil {
		ev.Err = errText(err)
		sess.Event(ev, "")
		return nil, false
	}
	ev.Local = conn.LocalAddr().String()
	sess.Event(ev, "")
	c := &ctrl{p: p, ctx: ctx, sess: sess, conn: conn, sent: time.Now()}
	c.rc = transcript.Record(conn, sess, transcript.ClientSide)
	c.br = bufio.NewReader(c.rc)
	c.rr = ftp.NewReplyReader(c.br, maxLineBytes, maxReplyBytes)
	c.local, _ = netip.ParseAddrPort(ev.Local)
	c.local = netip.AddrPortFrom(c.local.Addr().Unmap(), c.local.Port())
	context.AfterFunc(ctx, func() { conn.Close() })
	return c, true
}

// greeting waits for the 220, telling another protocol from a slow FTP
// server by the first byte: every FTP reply starts with a digit.
//
// The whole greeting, however many 120 "ready in n minutes" replies come
// before the 220, gets one reply timeout: a server repeating 120 without
// end would otherwise hold the probe for ever (issue 30). The transcript
// then ends on the 120s and a timeout, which the diagnosis reads as a
// server that refuses the session (control.busy).
func (c *ctrl) greeting() (int, string, bool) {
	c.p.opts.Status("waiting for the greeting from "+c.p.addr(), c.p.opts.ReplyTimeout)
	end := time.Now().Add(c.p.opts.ReplyTimeout)
	c.conn.SetReadDeadline(end)
	first, err := c.br.Peek(1)
	if err != nil {
		c.fail(err, c.awaited())
		return 0, "", false
	}
	if first[0] < '0' || first[0] > '9' {
		c.notFTP()
		return 0, "", false
	}
	start := time.Now()
	for n := 1; ; n++ {
		code, text, err := c.readUntil(end)
		if err != nil {
			c.fail(err, c.awaited())
			return 0, "", false
		}
		if code >= 200 {
			return code, text, true
		}
		if n == maxNotReady {
			// Each 120 is a transcript line: a flood of them would fill
			// memory long before the reply timeout ends it.
			c.rc.Flush()
			c.sess.Event(result.EventInfo{Op: result.OpClose, By: "client", Outcome: result.Timeout, Dur: time.Since(start),
				Err: fmt.Sprintf("%d replies of 120 and no 220: the probe stops waiting", n)}, "")
			c.conn.Close()
			c.dead = true
			return 0, "", false
		}
	}
}

// maxNotReady is how many 120 ("ready in n minutes") replies the greeting
// may hold before the 220: RFC 959 has a server send one.
const maxNotReady = 10

// notFTP reads what the other protocol says, so the transcript shows it,
// and hangs up.
func (c *ctrl) notFTP() {
	c.conn.SetReadDeadline(time.Now().Add(notFTPGrace))
	buf := make([]byte, 512)
	for n := 0; n < 2048; {
		m, err := c.br.Read(buf)
		n += m
		if err != nil {
			break
		}
	}
	c.rc.Flush()
	c.hangUp("the port does not speak FTP; the probe hangs up")
}

// cmd sends one command and reads its reply.
func (c *ctrl) cmd(format string, args ...any) (int, string, bool) {
	if c.dead {
		return 0, "", false
	}
	if err := c.send(fmt.Sprintf(format, args...)); err != nil {
		return 0, "", false
	}
	c.p.opts.Status("waiting for the reply to "+c.verb, c.p.opts.ReplyTimeout)
	c.late = false
	code, text, ok := c.reply()
	if ok && c.owed != "" {
		code, text, ok = c.inStep(code, text)
	}
	return code, text, ok
}

// inStep keeps replies in step with commands after a passive data
// connection that never arrived: an error reply there may answer that
// PASV, late. If another reply follows it at once, the error was the late
// one, and the one after it answers the command.
func (c *ctrl) inStep(code int, text string) (int, string, bool) {
	owed := c.owed
	c.owed = ""
	if code < 400 || code == ftp.ServiceNotAvailable {
		return code, text, true
	}
	next, ntext, err := c.readRaw(lateGrace)
	switch {
	case err == nil:
		c.late = true
		c.sess.Note(fmt.Sprintf("%d is the server's late answer to the %s before, whose data connection never arrived; %d answers %s", code, owed, next, c.verb))
		return next, ntext, true
	case transcript.Classify(err) == result.Timeout && c.rr.Got() == 0:
		return code, text, true // nothing follows: the error answers the command
	}
	c.fail(err, c.awaited())
	return 0, "", false
}

// send is the one writer of the probe's commands: every line the probe
// itself puts on a control connection passes here, so a control character
// in a URL's path, user or password, or in a file name a listing gave,
// never becomes a second command (issue 30). A refused line ends the
// session: the server has seen nothing of it, and nothing after it would
// be what the plan meant.
func (c *ctrl) send(line string) error {
	c.verb, _, _ = strings.Cut(line, " ")
	if err := checkCommand(line); err != nil {
		c.refused = fmt.Errorf("the probe refused to send %s: %w", c.verb, err)
		c.hangUp(c.refused.Error())
		return c.refused
	}
	c.conn.SetWriteDeadline(time.Now().Add(c.p.opts.ReplyTimeout))
	c.sent = time.Now()
	if _, err := c.rc.Write([]byte(line + "\r\n")); err != nil {
		c.fail(err, "sending "+c.verb)
		return err
	}
	return nil
}

// checkCommand refuses a command line holding a control character; its
// error wraps ErrControlChar and names the character, never the line,
// which may hold a password.
func checkCommand(line string) error {
	if err := ftp.CheckText(line); err != nil {
		return fmt.Errorf("the command holds a %w", err)
	}
	return nil
}

// reply reads one whole reply within the reply timeout.
func (c *ctrl) reply() (int, string, bool) {
	code, text, err := c.readRaw(c.p.opts.ReplyTimeout)
	if err != nil {
		c.fail(err, c.awaited())
		return 0, "", false
	}
	return code, text, true
}

// readRaw reads a reply without judging errors, for callers that wait on
// something else at the same time.
func (c *ctrl) readRaw(wait time.Duration) (int, string, error) {
	return c.readUntil(time.Now().Add(wait))
}

// readUntil reads a reply that must be whole by end. The text is the
// reply's message (ftp.Reply.Message), which the checks' details quote.
func (c *ctrl) readUntil(end time.Time) (int, string, error) {
	c.conn.SetReadDeadline(end)
	rep, err := c.rr.ReadReply()
	if err != nil {
		return 0, "", err
	}
	return rep.Code, rep.Message(), nil
}

// awaited names what the probe waits for: "the greeting", "the reply to PASV".
func (c *ctrl) awaited() string {
	if c.verb == "" {
		return "the greeting"
	}
	return "the reply to " + c.verb
}

// fail records why the control connection ended and closes it.
func (c *ctrl) fail(err error, waiting string) {
	c.rc.Flush()
	ev := result.EventInfo{Op: result.OpClose, Err: errText(err)}
	switch out := transcript.Classify(err); {
	case c.ctx.Err() != nil:
		// Not the server's doing: the probe's own time ran out.
		ev.By, ev.Outcome, ev.Dur = "client", result.Timeout, time.Since(c.sent)
		if !strings.HasPrefix(waiting, "sending ") {
			waiting = "waiting for " + waiting
		}
		ev.Err = c.p.endedWhy(c.ctx) + " while " + waiting
	case c.plainInTLS(err):
		ev.By, ev.Outcome, ev.Err = "server", result.Failed, "the server left TLS: "+waiting+" came in plain text"
	case errors.Is(err, ftp.ErrReplyTooLong):
		ev.By, ev.Outcome, ev.Err = "client", result.Failed, fmt.Sprintf("%s is longer than %d KiB", waiting, maxReplyBytes>>10)
	case errors.Is(err, ftp.ErrNotReply):
		ev.By, ev.Outcome, ev.Err = "client", result.Failed, waiting+" is not an FTP reply"
	case out == result.Timeout:
		ev.By, ev.Outcome, ev.Dur = "client", result.Timeout, c.p.opts.ReplyTimeout
		ev.Err = "nothing came: " + waiting
	default:
		ev.By, ev.Outcome = "server", out
		if out == result.Closed {
			ev.Err = ""
		}
	}
	c.sess.Event(ev, "")
	c.conn.Close()
	c.dead = true
}

// hangUp ends the session on the probe's own decision.
func (c *ctrl) hangUp(why string) {
	if c.dead {
		return
	}
	c.sess.Event(result.EventInfo{Op: result.OpClose, By: "client", Outcome: result.Closed}, "control connection closed by the client: "+why)
	c.conn.Close()
	c.dead = true
}

// quit ends the session politely.
func (c *ctrl) quit() {
	if c.dead {
		return
	}
	c.cmd("QUIT")
	c.conn.Close()
	c.dead = true
}

// errText is an error's text for the transcript's error field.
func errText(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

// asyncReply is a reply read beside another wait.
type asyncReply struct {
	code int
	text string
	err  error
}

// sendAsync sends a command and reads its first reply in the background.
func (c *ctrl) sendAsync(line string) <-chan asyncReply {
	ch := make(chan asyncReply, 1)
	if err := c.send(line); err != nil {
		ch <- asyncReply{err: err}
		return ch
	}
	go func() {
		code, text, err := c.readRaw(c.p.opts.ReplyTimeout)
		ch <- asyncReply{code, text, err}
	}()
	return ch
}
