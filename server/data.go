package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

var (
	// ErrStolen: a passive data connection came from an address other
	// than the control connection's (someone else tried to take the data).
	ErrStolen = errors.New("data connection from a foreign address refused")
	// ErrRangeBusy: every port of the passive range is in use.
	ErrRangeBusy = errors.New("every port of the passive range is in use")
	// ErrNoCallback: the NoCallback fault kept the server from connecting.
	ErrNoCallback = errors.New("no active connection made (fault injected)")
)

// dataPlan is how the next transfer gets its data connection: a passive
// listener already accepting, or an address to connect to.
type dataPlan struct {
	pasv   *passive
	active *net.TCPAddr
}

func (p *dataPlan) discard() {
	if p.pasv != nil {
		p.pasv.discard()
	}
}

// passive is a listener waiting for one data connection from the client.
type passive struct {
	ln   *net.TCPListener
	port int
	done chan struct{}
	conn net.Conn
	err  error
}

// listenPassive opens a listener on ip, on the next free port of the range.
// Ports are handed out in turn, so a client's late connection rarely lands
// on another client's new listener. When every port is taken while another
// session's SITE SWEEP holds the range, it waits for the sweep to end (at
// most its seconds) and tries once more: a monitor's sweep delays a
// client's PASV, it does not fail it. The sweeping session itself is not
// made to wait for its own sweep.
func (srv *Server) listenPassive(s *session) (*net.TCPListener, error) {
	ln, err := srv.tryPassive(s.local.IP)
	if !errors.Is(err, ErrRangeBusy) || !srv.sweeping.Load() || srv.sweeper.Load() == s {
		return ln, err
	}
	if end := srv.sweepEnd.Load(); end != nil {
		t := time.NewTimer((maxSweepSeconds + 1) * time.Second)
		defer t.Stop()
		select {
		case <-*end:
		case <-s.ctx.Done():
			return nil, err
		case <-t.C:
		}
	}
	return srv.tryPassive(s.local.IP)
}

// tryPassive is one pass over the range.
func (srv *Server) tryPassive(ip net.IP) (*net.TCPListener, error) {
	if srv.cfg.PasvMin == -1 {
		return listenTCP(ip, 0)
	}
	n := srv.cfg.PasvMax - srv.cfg.PasvMin + 1
	srv.mu.Lock()
	start := srv.nextPasv
	srv.nextPasv = (srv.nextPasv + 1) % n
	srv.mu.Unlock()
	for i := range n {
		port := srv.cfg.PasvMin + (start+i)%n
		ln, err := listenTCP(ip, port)
		if err == nil {
			return ln, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return nil, err
		}
	}
	if srv.sweeping.Load() {
		return nil, fmt.Errorf("%w (%d-%d): a SITE SWEEP holds it for a few seconds", ErrRangeBusy, srv.cfg.PasvMin, srv.cfg.PasvMax)
	}
	return nil, fmt.Errorf("%w (%d-%d)", ErrRangeBusy, srv.cfg.PasvMin, srv.cfg.PasvMax)
}

func listenTCP(ip net.IP, port int) (*net.TCPListener, error) {
	return net.ListenTCP("tcp", &net.TCPAddr{IP: ip, Port: port})
}

// openPassive replaces any earlier data plan with a new passive listener.
func (s *session) openPassive() (*passive, error) {
	s.dropData()
	ln, err := s.srv.listenPassive(s)
	if err != nil {
		return nil, err
	}
	p := &passive{ln: ln, port: ln.Addr().(*net.TCPAddr).Port, done: make(chan struct{})}
	s.data = &dataPlan{pasv: p}
	return p, nil
}

// begin starts accepting. It is called after the 227/229 reply is written,
// so the transcript shows the reply before the connection it announced
// (an early connection waits in the listen backlog meanwhile).
func (p *passive) begin(s *session) { go p.accept(s) }

// accept takes one connection within the data timeout. A connection from a
// foreign address is closed and fails the transfer (as vsftpd does), so
// the client sees why instead of waiting.
func (p *passive) accept(s *session) {
	defer close(p.done)
	defer p.ln.Close()
	defer s.catch("passive accept", &p.err)
	s.panicked("passive accept")
	start := time.Now()
	p.ln.SetDeadline(start.Add(s.srv.cfg.DataTimeout))
	c, err := p.ln.AcceptTCP()
	ev := result.EventInfo{Op: result.OpDataAccept, Local: p.ln.Addr().String(), Dur: time.Since(start)}
	if err != nil {
		ev.Outcome, ev.Err = transcript.Classify(err), err.Error()
		s.event(ev)
		p.err = fmt.Errorf("no data connection to port %d within %s: %w", p.port, s.srv.cfg.DataTimeout, err)
		return
	}
	ev.Addr = c.RemoteAddr().String()
	if !sameIP(c.RemoteAddr(), s.remote.IP) {
		c.Close()
		ev.Outcome, ev.Err = result.Rejected, "not the control connection's address "+s.remote.IP.String()
		s.event(ev)
		p.err = fmt.Errorf("%w: %s is not %s", ErrStolen, hostOf(c.RemoteAddr()), s.remote.IP)
		return
	}
	ev.Outcome = result.Connected
	s.event(ev)
	p.conn = c
}

// wait returns the accepted connection, or why there is none.
func (p *passive) wait(ctx context.Context) (net.Conn, error) {
	select {
	case <-p.done:
		return p.conn, p.err
	case <-ctx.Done():
		p.discard()
		return nil, ctx.Err()
	}
}

func (p *passive) discard() {
	p.ln.Close()
	<-p.done
	if p.conn != nil {
		p.conn.Close()
	}
}

func (s *session) dropData() {
	if s.data != nil {
		s.data.discard()
		s.data = nil
	}
}

func sameIP(a net.Addr, ip net.IP) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.Equal(ip)
}

// dialActive connects to the client for PORT/EPRT: from port 20 when the
// server may bind it (what firewalls written for active FTP expect), else
// from any port.
func (s *session) dialActive(ctx context.Context, to *net.TCPAddr) (net.Conn, error) {
	if s.srv.cfg.Faults.NoCallback {
		s.sleep(s.srv.cfg.DataTimeout)
		return nil, ErrNoCallback
	}
	start := time.Now()
	c, err := s.dialFrom(ctx, to, s.srv.from20)
	if err != nil && s.srv.from20 && (errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EADDRNOTAVAIL)) {
		c, err = s.dialFrom(ctx, to, false) // port 20 to this client is still in TIME_WAIT
	}
	ev := result.EventInfo{Op: result.OpDataConnect, Addr: to.String(), Dur: time.Since(start), Outcome: transcript.Classify(err)}
	if err != nil {
		ev.Err = err.Error()
		s.event(ev)
		return nil, err
	}
	ev.Local = c.LocalAddr().String()
	s.event(ev)
	return c, nil
}

func (s *session) dialFrom(ctx context.Context, to *net.TCPAddr, from20 bool) (net.Conn, error) {
	d := net.Dialer{Timeout: s.srv.cfg.DataTimeout}
	if from20 {
		d.LocalAddr = &net.TCPAddr{IP: s.local.IP, Port: 20}
		d.Control = reuseAddr
	}
	return d.DialContext(ctx, "tcp", to.String())
}

// dataConn opens the planned data connection.
func (s *session) dataConn(ctx context.Context, plan *dataPlan) (net.Conn, error) {
	if plan.pasv != nil {
		return plan.pasv.wait(ctx)
	}
	return s.dialActive(ctx, plan.active)
}
