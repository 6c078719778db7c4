package server

import (
	"crypto/subtle"
	"ftpdiag/ftp"
	"strings"
	"time"
)

// maxLoginFailures is how many wrong passwords one control connection may
// try before it is closed; with the delay per failure this makes guessing
// slow (a client must reconnect, and connections per address are limited).
const maxLoginFailures = 3

func (s *session) cmdUSER(arg string) {
	if s.srv.cfg.Faults.RequireTLS && s.srv.tlsBase == nil {
		s.reply(ftp.NotLoggedIn, "Plain-text login refused: use AUTH TLS first")
		return
	}
	if s.tlsRequiredForLogin() {
		return
	}
	s.user, s.loggedIn, s.anon = strings.TrimSpace(arg), false, false
	if s.isAnonymousName(s.user) {
		s.reply(ftp.NeedPassword, "Anonymous login ok, send your e-mail address as password")
		return
	}
	// The same reply for every name, so a client cannot tell which exist.
	s.reply(ftp.NeedPassword, "Password required for %s", s.user)
}

func (s *session) cmdPASS(arg string) {
	if s.lastVerb != "USER" || s.user == "" {
		s.reply(ftp.BadSequence, "Login with USER first")
		return
	}
	ip := s.remote.IP.String()
	if wait := s.srv.locks.remaining(ip, time.Now()); wait > 0 {
		s.sleep(s.srv.cfg.LoginDelay)
		s.reply(ftp.ServiceNotAvailable, "Too many failed logins from %s; try again in %s", ip, wait.Round(time.Second))
		s.quit = true
		return
	}
	if s.checkPassword(s.user, arg) {
		s.loggedIn, s.anon = true, s.isAnonymousName(s.user)
		s.noteLogin() // before the 230: the client may connect again at once
		s.cwd = "/"
		s.reply(ftp.LoggedIn, "User %s logged in", s.user)
		return
	}
	s.failures++
	s.srv.locks.fail(ip, time.Now())
	s.sleep(s.srv.cfg.LoginDelay) // every failure costs time, as in vsftpd and pure-ftpd
	if s.failures >= maxLoginFailures {
		s.reply(ftp.ServiceNotAvailable, "Too many failed logins, closing control connection")
		s.quit = true
		return
	}
	s.reply(ftp.NotLoggedIn, "Login incorrect")
}

func (s *session) isAnonymousName(name string) bool {
	return s.srv.cfg.Anonymous && (strings.EqualFold(name, "anonymous") || strings.EqualFold(name, "ftp"))
}

func (s *session) checkPassword(user, pass string) bool {
	if s.isAnonymousName(user) {
		return true
	}
	want, ok := s.srv.currentUsers()[user]
	// Compared in constant time even for unknown users, so timing does not
	// tell which names exist.
	match := subtle.ConstantTimeCompare([]byte(want), []byte(pass)) == 1
	return ok && match
}

// sleep waits d, or less when the session is closed meanwhile.
func (s *session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.ctx.Done():
	}
}

func (s *session) canWrite() bool { return s.srv.cfg.Writable && !s.anon }

func (s *session) readOnlyReason() string {
	if s.anon {
		return "anonymous users are read-only"
	}
	return "this server is read-only (start it with --writable)"
}

func (s *session) cmdQUIT(string) {
	s.reply(ftp.ServiceClosing, "Goodbye")
	s.quit = true
}
