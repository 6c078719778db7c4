package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/transcript"
)

// controlWriteTimeout bounds writing one reply: a client that has not read
// its replies for this long is gone, and its session must not hang.
const controlWriteTimeout = 30 * time.Second

// MaxLine is the longest command line accepted, CRLF included (4 KiB, as
// vsftpd). Longer lines are answered 500 and thrown away.
const MaxLine = 4096

var (
	errLineTooLong = errors.New("command line too long")
	errIdle        = errors.New("idle timeout")
	errShutdown    = errors.New("server shutting down")
)

// session is one control connection.
type session struct {
	srv           *Server
	tcp           net.Conn // the TCP connection: never replaced, so other goroutines may close it
	raw           net.Conn // what replies go to: tcp, or tcp wrapped in TLS (swapped under wmu)
	conn          net.Conn // what commands are read from: raw, or raw wrapped by the transcript recorder
	r             *bufio.Reader
	remote, local *net.TCPAddr
	id            int
	ctx           context.Context
	cancel        context.CancelFunc
	tr            *sessionTranscript // nil without --transcript-dir
	loginBy       time.Time          // the login deadline (limits.go)
	evictMsg      atomic.Pointer[string]
	leaving       bool   // evicted, its slot already given away; guarded by srv.mu
	everLoggedIn  bool   // the loop's: the login limits no longer apply
	addrKey       string // the client's address as the per-address limits count it

	wmu sync.Mutex // replies come from the loop and from transfers

	// Read and written only by the session's own loop.
	pending     []byte
	tooLong     bool
	quit        bool
	closedBy    string // "server" or "client", for the transcript
	user        string
	loggedIn    bool
	anon        bool
	failures    int
	cwd         string
	ascii       bool
	rest        int64
	renameFrom  string
	lastVerb    string
	epsvAll     bool
	data        *dataPlan
	check       portCheck
	sweepCancel context.CancelFunc
	tls         sessionTLS // tls.go

	xmu  sync.Mutex
	xfer *transfer

	uploaded atomic.Int64 // bytes received by uploads (upload_limits.go)
	diag     *sessionDiag // diagnosis.go
}

func newSession(srv *Server, c net.Conn, id int) *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{srv: srv, tcp: c, raw: c, conn: c, id: id, ctx: ctx, cancel: cancel, cwd: "/",
		loginBy: time.Now().Add(srv.cfg.LoginTimeout)}
	s.remote, _ = c.RemoteAddr().(*net.TCPAddr)
	s.local, _ = c.LocalAddr().(*net.TCPAddr)
	if s.remote == nil || s.local == nil { // not TCP (tests over net.Pipe): still usable
		s.remote = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}
		s.local = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}
	}
	if srv.transcripts != nil {
		if tr, err := openTranscript(srv.transcripts, id, s.remote, s.local, srv.cfg.TranscriptMaxBytes); err == nil {
			s.tr = tr
			s.conn = transcript.Record(c, tr.sess, transcript.ServerSide)
		}
	}
	s.diagnoseLater(c)
	s.r = bufio.NewReaderSize(s.conn, MaxLine)
	return s
}

// serve runs the session until the client quits, times out or is closed.
func (s *session) serve() {
	s.closedBy = "server"
	defer s.finish()
	if s.tls.implicit && !s.startImplicit() {
		return
	}
	if !s.reply(ftp.ServiceReady, "%s", s.srv.cfg.Greeting) {
		return
	}
	for !s.quit {
		line, err := s.readLine()
		var closing *errClosing
		switch {
		case errors.As(err, &closing):
			s.reply(ftp.ServiceNotAvailable, "%s", closing.msg)
			return
		case errors.Is(err, errLineTooLong):
			s.reply(ftp.SyntaxError, "Command line too long (limit %d bytes)", MaxLine)
		case errors.Is(err, errIdle):
			s.reply(ftp.ServiceNotAvailable, "Idle timeout (%s), closing control connection", s.srv.cfg.IdleTimeout)
			return
		case errors.Is(err, errShutdown):
			s.reply(ftp.ServiceNotAvailable, "Server shutting down, closing control connection")
			return
		case err != nil:
			s.closedBy = "client"
			return
		default:
			if !s.handle(line) {
				return
			}
		}
	}
}

// readLine reads one command line. The idle deadline counts from the start
// of the line, so a client that trickles a line and never ends it is closed
// too; it is re-armed while a transfer runs, since the client then waits.
func (s *session) readLine() (string, error) {
	for {
		s.raw.SetReadDeadline(s.readDeadline())
		if err := s.loginErr(); err != nil {
			return "", err
		}
		if s.srv.isClosing() {
			s.waitTransfer()
			return "", errShutdown
		}
		line, err := s.readBounded()
		if err == nil || !isTimeout(err) {
			return line, err
		}
		if s.srv.isClosing() {
			s.waitTransfer()
			return "", errShutdown
		}
		if err := s.loginErr(); err != nil {
			return "", err
		}
		if !s.transferRunning() {
			return "", errIdle
		}
	}
}

// readBounded reads up to '\n', keeping a partial line across a timeout, and
// throwing away (not buffering) the rest of an oversize one.
func (s *session) readBounded() (string, error) {
	for {
		chunk, err := s.r.ReadSlice('\n')
		if len(s.pending)+len(chunk) > MaxLine {
			s.pending, s.tooLong = s.pending[:0], true
		} else {
			s.pending = append(s.pending, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return "", err
		}
		line := string(s.pending)
		s.pending = s.pending[:0]
		if s.tooLong {
			s.tooLong = false
			return "", errLineTooLong
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// handle runs one command line; false ends the session.
func (s *session) handle(line string) bool {
	verb, arg, err := ParseCommand(line)
	if err != nil {
		return s.reply(ftp.SyntaxError, "Syntax error, command unrecognized")
	}
	cmd := commands[verb]
	if cmd == nil || !cmd.DuringTransfer {
		s.waitTransfer() // RFC 959: commands after a transfer are taken in order
	}
	if f := s.srv.cfg.Faults.CloseAfter; f != "" && strings.EqualFold(f, verb) {
		return false
	}
	defer func() { s.lastVerb = verb }()
	switch {
	case cmd == nil:
		return s.reply(ftp.NotImplemented, "Command %s not implemented", verb)
	case cmd.NeedsLogin && !s.loggedIn:
		return s.reply(ftp.NotLoggedIn, "Please log in with USER and PASS first")
	case cmd.NeedsArg && strings.TrimSpace(arg) == "":
		return s.reply(ftp.ArgSyntax, "%s needs an argument", verb)
	case cmd.Writes && !s.canWrite():
		return s.reply(ftp.FileUnavailable, "Permission denied: %s", s.readOnlyReason())
	}
	s.runCommand(cmd, verb, arg)
	s.noteLogin() // whatever logged the session in
	return true
}

// reply writes one single-line reply; false when the client is gone.
func (s *session) reply(code int, format string, args ...any) bool {
	return s.writeLines(fmt.Sprintf("%d %s", code, oneLine(fmt.Sprintf(format, args...))))
}

// replyMulti writes a multi-line reply: "code-first", the middle lines as
// given (each should start with a space), and "code last".
func (s *session) replyMulti(code int, first string, middle []string, last string) bool {
	lines := make([]string, 0, len(middle)+2)
	lines = append(lines, fmt.Sprintf("%d-%s", code, oneLine(first)))
	for _, m := range middle {
		lines = append(lines, oneLine(m))
	}
	lines = append(lines, fmt.Sprintf("%d %s", code, oneLine(last)))
	return s.writeLines(lines...)
}

// writeLines writes a reply. It is recorded before it is sent, straight to
// the socket: recorded after, the client's next command (read by the loop)
// could land in the transcript before the reply that prompted it.
func (s *session) writeLines(lines ...string) bool {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.tr != nil {
		s.tr.sess.Reply(ftp.ReplyCode(lines[0]), strings.Join(lines, "\n"))
	}
	s.raw.SetWriteDeadline(time.Now().Add(controlWriteTimeout))
	_, err := s.raw.Write([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	if err != nil {
		s.raw.Close() // the client is gone: the loop's next read ends the session
		return false
	}
	return true
}

// oneLine keeps a file name with CR or LF from forging reply lines, and
// spells out other control characters (ESC, BEL, C1, bidirectional
// overrides) as transcripts do: an interactive client prints replies to a
// terminal, and a file name is anyone's text.
func oneLine(s string) string {
	return transcript.Visible(strings.NewReplacer("\r", " ", "\n", " ").Replace(s), false)
}

// interrupt wakes the loop so it notices a shutdown (graceful: a running
// transfer finishes first).
func (s *session) interrupt() { s.tcp.SetReadDeadline(time.Now()) }

// kill ends the session at once.
func (s *session) kill() {
	s.cancel()
	s.tcp.Close()
}

func (s *session) finish() {
	s.cancel()
	s.waitTransfer()
	if s.data != nil {
		s.data.discard()
	}
	if s.sweepCancel != nil {
		s.sweepCancel()
	}
	s.raw.Close()
	if s.tr != nil {
		s.tr.close(s.conn, s.closedBy)
	}
	s.diagnoseEnd()
}
