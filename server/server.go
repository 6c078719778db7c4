package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"ftpdiag/ftp"
	"maps"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrServerClosed is returned by Serve after Shutdown or Close, as net/http does.
var ErrServerClosed = errors.New("server closed")

// ErrPrivilegedPort is wrapped when the control port is below 1024 and the
// process may not bind it.
var ErrPrivilegedPort = errors.New("binding a port below 1024 needs privilege")

// refusalWriteTimeout bounds writing the one-line 421 to a connection refused
// for a limit: a client that does not read must not hold the accept loop.
const refusalWriteTimeout = 2 * time.Second

// acceptBackoff is the pause after a temporary accept error (EMFILE and the
// like), so a full file table does not spin the loop.
const acceptBackoff = 50 * time.Millisecond

// Server is the reference FTP server. Create it with New.
type Server struct {
	cfg      Config
	files    *files
	from20   bool        // active connections may come from port 20
	note20   string      // why not, for the summary
	sweepMu  sync.Mutex  // one SITE SWEEP at a time
	sweeping atomic.Bool // a sweep holds the passive range now
	// sweepEnd is closed when the running sweep has closed its listeners;
	// sweeper is its session. Both are set before sweeping is.
	sweepEnd atomic.Pointer[chan struct{}]
	sweeper  atomic.Pointer[session]
	sweeps   sweepLimits // one per address per SweepInterval
	locks    lockout
	tlsBase  *tls.Config // nil without a certificate (tls.go)
	// users and cert are what Reload replaces (reload.go); cert is nil
	// without TLS.
	users atomic.Pointer[map[string]string]
	cert  atomic.Pointer[tls.Certificate]
	// transcripts keeps --transcript-dir within its budget; nil without one.
	transcripts *transcriptStore
	diag        diagStats // the last hour's sessions, for SITE STATS (diagnosis.go)

	mu   sync.Mutex
	ln   net.Listener
	addr net.Addr
	// implicitLn, implicitAddr: the implicit-FTPS listener (tls.go).
	implicitLn   net.Listener
	implicitAddr net.Addr
	sessions     map[*session]struct{}
	waiting      map[*session]struct{} // not logged in yet (limits.go)
	leaving      int                   // sessions closed for a newcomer, not yet ended
	perAddr      map[string]int
	closing      bool
	nextPasv     int
	nextID       int
	wg           sync.WaitGroup
}

// New checks cfg, fills in its defaults and opens the file tree.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	fs, err := openFiles(cfg.Root)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, files: fs, sessions: map[*session]struct{}{}, waiting: map[*session]struct{}{}, perAddr: map[string]int{}}
	if cfg.TranscriptDir != "" {
		if s.transcripts, err = openTranscriptStore(cfg); err != nil {
			fs.close()
			return nil, err
		}
	}
	s.from20, s.note20 = canBindPort20(cfg.ActiveFrom20)
	users := maps.Clone(cfg.Users)
	s.users.Store(&users)
	if cfg.TLS != nil {
		s.cert.Store(cfg.TLS)
		s.tlsBase = s.newTLSBase()
	}
	return s, nil
}

// Config is the configuration in use, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// PasvRange is the passive port range; (-1, -1) when any free port is used.
func (s *Server) PasvRange() (min, max int) {
	if s.cfg.PasvMin == -1 {
		return -1, -1
	}
	return s.cfg.PasvMin, s.cfg.PasvMax
}

// Addr is the control address once listening, nil before.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Listen opens the control port, with an error naming the fix when the
// port needs privilege.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := listenControl(s.cfg.Listen)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.addr = ln.Addr()
	s.mu.Unlock()
	return ln, nil
}

func listenControl(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
		return nil, fmt.Errorf("listen on %s: %w: %w", addr, ErrPrivilegedPort, err)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// ListenAndServe listens on cfg.Listen and serves until closed.
func (s *Server) ListenAndServe() error {
	ln, err := s.Listen()
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve accepts control connections on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.ln, s.addr = ln, ln.Addr()
	s.mu.Unlock()
	return s.acceptLoop(ln, nil)
}

// acceptLoop admits connections from ln; mark, when set, tags each one
// (implicit TLS) before it is admitted.
func (s *Server) acceptLoop(ln net.Listener, mark func(net.Conn) net.Conn) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				time.Sleep(acceptBackoff)
				continue
			}
			return fmt.Errorf("accept: %w", err)
		}
		if mark != nil {
			c = mark(c)
		}
		s.admit(c)
	}
}

// admit starts a session for c, or refuses it with 421 when a limit is reached.
func (s *Server) admit(c net.Conn) {
	ip := hostOf(c.RemoteAddr())
	s.mu.Lock()
	var refusal string
	switch {
	case s.closing:
		refusal = fmt.Sprintf("%d Server shutting down", ftp.ServiceNotAvailable)
	case s.perAddr[ip] >= s.cfg.MaxPerAddr:
		refusal = fmt.Sprintf("%d Too many connections from %s (limit %d per address)", ftp.ServiceNotAvailable, ip, s.cfg.MaxPerAddr)
	case !s.makeRoom():
		refusal = fmt.Sprintf("%d Too many connections (server limit %d), try again later", ftp.ServiceNotAvailable, s.cfg.MaxConns)
	}
	if refusal != "" {
		s.mu.Unlock()
		go refuse(c, refusal)
		return
	}
	s.nextID++
	ic, implicit := c.(implicitConn)
	if implicit {
		c = ic.Conn
	}
	sess := newSession(s, c, s.nextID)
	sess.tls.implicit = implicit
	sess.addrKey = ip
	s.sessions[sess] = struct{}{}
	s.waiting[sess] = struct{}{}
	s.perAddr[ip]++
	s.wg.Add(1)
	s.mu.Unlock()
	go s.run(sess, ip)
}

func (s *Server) run(sess *session, ip string) {
	defer s.wg.Done()
	defer s.forget(sess, ip)
	defer sess.catch("session", nil) // outside a command: the session ends, the server goes on
	sess.serve()
}

// forget takes an ended session out of the counts.
func (s *Server) forget(sess *session, ip string) {
	s.mu.Lock()
	delete(s.sessions, sess)
	s.ended(sess)
	if s.perAddr[ip]--; s.perAddr[ip] <= 0 {
		delete(s.perAddr, ip)
	}
	s.mu.Unlock()
}

func refuse(c net.Conn, line string) {
	c.SetDeadline(time.Now().Add(refusalWriteTimeout)) // the implicit port's handshake reads too
	c = refusalConn(c)
	c.Write([]byte(line + "\r\n"))
	c.Close()
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// beginClose stops accepting and returns the sessions still open.
func (s *Server) beginClose() []*session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing = true
	if s.ln != nil {
		s.ln.Close()
	}
	if s.implicitLn != nil {
		s.implicitLn.Close()
	}
	out := make([]*session, 0, len(s.sessions))
	for sess := range s.sessions {
		out = append(out, sess)
	}
	return out
}

// Shutdown stops accepting, lets running transfers finish, tells idle
// sessions "421" and waits for all sessions to end or ctx to expire (then
// it closes what is left).
func (s *Server) Shutdown(ctx context.Context) error {
	for _, sess := range s.beginClose() {
		sess.interrupt()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return s.files.close()
	case <-ctx.Done():
		s.Close()
		return ctx.Err()
	}
}

// Close closes the listener and every session at once.
func (s *Server) Close() error {
	for _, sess := range s.beginClose() {
		sess.kill()
	}
	s.wg.Wait()
	return s.files.close()
}

// hostOf is the IP of a TCP address as a string, "" for other addresses.
func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	return ""
}

// canBindPort20 tells whether active connections may come from port 20.
// It binds a socket without listening, with SO_REUSEADDR as the real dials
// do, so the check never makes port 20 look taken to anyone else. How a
// socket is bound is per platform: see sockopt_*.go.
func canBindPort20(want bool) (bool, string) {
	if !want {
		return false, "connections come from any port (--active-from-20=false)"
	}
	err := bindPort20()
	// EADDRINUSE comes after the kernel's privilege check: port 20 is
	// ours to use. (Sockets of earlier active connections in TIME_WAIT
	// make a wildcard bind fail even with SO_REUSEADDR; each dial binds
	// one address, and falls back to any port should that fail.)
	if err != nil && !errors.Is(err, syscall.EADDRINUSE) {
		return false, fmt.Sprintf("connections come from any port: cannot bind port 20 (%v)", err)
	}
	return true, "connections come from port 20"
}
