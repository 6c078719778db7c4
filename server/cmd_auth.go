package server

import (
	"crypto/subtle"
	"strings"
	"time"
)

// maxLoginFailures is how many wrong passwords one control connection may
// try before it is closed; with the delay per failure this makes guessing
// slow (a client must reconnect, and connections per address are limited).
const maxLoginFailures = 3

func (s *session) cmdUSER(arg string) {
	if s.srv.cfg.Faults.RequireTLS && s.srv.tlsBase == nil {
		s.reply(530, "Plain-text login refused: use AUTH TLS first")
		return
	}
	if s.tlsRequiredForLogin() {
		return
	}
	s.user, s.loggedIn, s.anon = strings.TrimSpace(arg), false, false
	if s.isAnonymousName(s.user) {
		s.reply(331, "Anonymous login ok, send your e-mail address as password")
		return
	}
	// The same reply for every name, so a client cannot tell which exist.
	s.reply(331, "Password required for %s", s.user)
}

func (s *session) cmdPASS(arg string) {
	if s.lastVerb != "USER" || s.user == "" {
		s.reply(503, "Login with USER first")
		return
	}
	ip := s.remote.IP.String()
	if wait := s.srv.locks.remaining(ip, time.Now()); wait > 0 {
		s.sleep(s.srv.cfg.LoginDelay)
		s.reply(421, "Too many failed logins from %s; try again in %s", ip, wait.Round(time.Second))
		s.quit = true
		return
	}
	if s.checkPassword(s.user, arg) {
		s.loggedIn, s.anon = true, s.isAnonymousName(s.user)
		s.noteLogin() // before the 230: the client may connect again at once
		s.cwd = "/"
		s.reply(230, "User %s logged in", s.user)
		return
	}
	s.failures++
	s.srv.locks.fail(ip, time.Now())
	s.sleep(s.srv.cfg.LoginDelay) // every failure costs time, as in vsftpd and pure-ftpd
	if s.failures >= maxLoginFailures {
		s.reply(421, "Too many failed logins, closing control connection")
		s.quit = true
		return
	}
	s.reply(530, "Login incorrect")
}

func (s *session) isAnonymousName(name string) bool {
	return s.srv.cfg.Anonymous && (strings.EqualFold(name, "anonymous") || strings.EqualFold(name, "ftp"))
}

func (s *session) checkPassword(user, pass string) bool {
	if s.isAnonymousName(user) {
		return true
	}
	want, ok := s.srv.cfg.Users[user]
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
	s.reply(221, "Goodbye")
	s.quit = true
}
