package server

import (
	"fmt"
	"time"
)

// DefaultLoginTimeout is how long a connection may take to log in: a person
// typing a password, or a client retrying once, takes seconds, and vsftpd and
// pure-ftpd bound the login apart from the idle timeout in the same way.
const DefaultLoginTimeout = 30 * time.Second

// errClosing ends a session with a 421 that names the limit it ran into.
type errClosing struct{ msg string }

func (e *errClosing) Error() string { return e.msg }

// Connections that have not logged in yet are the cheap ones to hold: they
// need no password. So they get a deadline of their own, at most MaxPreLogin
// of them wait at once, and a newcomer over either limit closes one of them
// instead of being refused: the oldest of the address with the most waiting. A session that has logged in
// is never closed for a newcomer: only when every slot is held by users who
// logged in is a new connection refused.

// makeRoom frees a slot for a new connection if one can be freed; s.mu is held.
func (s *Server) makeRoom() bool {
	if len(s.waiting) >= s.cfg.MaxPreLogin {
		s.evictOldest(fmt.Sprintf("Too many connections not logged in (limit %d), closing one of the address with the most", s.cfg.MaxPreLogin))
	}
	if len(s.sessions)-s.leaving < s.cfg.MaxConns {
		return true
	}
	if len(s.waiting) == 0 {
		return false
	}
	s.evictOldest(fmt.Sprintf("Server full (limit %d connections), closing one not logged in from the address with the most", s.cfg.MaxConns))
	return true
}

// evictOldest closes the oldest waiting session of the address that has
// the most waiting: an attacker's many connections make way before one
// client's single one. Its slot is free at once, though its goroutine ends
// a moment later.
func (s *Server) evictOldest(why string) {
	count := map[string]int{}
	first := map[string]*session{}
	for sess := range s.waiting {
		count[sess.addrKey]++
		if f := first[sess.addrKey]; f == nil || sess.id < f.id {
			first[sess.addrKey] = sess
		}
	}
	var oldest *session
	for ip, f := range first {
		if oldest == nil || count[ip] > count[oldest.addrKey] || count[ip] == count[oldest.addrKey] && f.id < oldest.id {
			oldest = f
		}
	}
	if oldest == nil {
		return
	}
	delete(s.waiting, oldest)
	oldest.leaving = true
	s.leaving++
	oldest.evict(why)
}

// loggedIn takes a session out of the waiting ones, for good: a later USER
// starts a new login, but the session has proved it holds credentials.
func (s *Server) loggedIn(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.waiting, sess)
}

// ended forgets a session's part in the login limits; s.mu is held.
func (s *Server) ended(sess *session) {
	delete(s.waiting, sess)
	if sess.leaving {
		s.leaving--
	}
}

// evict makes the session's loop stop at its next read, with a 421 saying why.
func (s *session) evict(why string) {
	s.evictMsg.Store(&why)
	s.raw.SetReadDeadline(time.Now())
}

// loginErr is the error that ends the session for a login limit, or nil.
func (s *session) loginErr() error {
	if why := s.evictMsg.Load(); why != nil {
		return &errClosing{*why}
	}
	if !s.everLoggedIn && !time.Now().Before(s.loginBy) {
		return &errClosing{fmt.Sprintf("Login timeout (%s after connecting), closing control connection", s.srv.cfg.LoginTimeout)}
	}
	return nil
}

// readDeadline is the idle deadline, or the login deadline when sooner.
func (s *session) readDeadline() time.Time {
	d := time.Now().Add(s.srv.cfg.IdleTimeout)
	if !s.everLoggedIn && s.loginBy.Before(d) {
		return s.loginBy
	}
	return d
}

// noteLogin tells the server once that this session has logged in.
func (s *session) noteLogin() {
	if s.loggedIn && !s.everLoggedIn {
		s.everLoggedIn = true
		s.srv.loggedIn(s)
		if s.tr != nil {
			s.tr.markLoggedIn()
		}
	}
}
