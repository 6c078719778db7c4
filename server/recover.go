package server

import (
	"fmt"
	"log"
	"runtime/debug"

	"ftpdiag/ftp"
)

// A handler's panic ends one command, not the server (issue 28): each
// command, and each goroutine a session starts (a transfer, a passive
// accept, a sweep and its ports), recovers, as fclairamb/ftpserverlib's
// command loop does. The client gets 451; the transcript gets a note; the
// stack goes to Config.ErrorLog.

// panicError is a panic turned into an error, so the code around it can
// clean up (close the data connection, remove an upload's temporary file)
// as it does for any other failure.
type panicError struct {
	where string
	val   any
}

func (e *panicError) Error() string { return fmt.Sprintf("internal error in %s: %v", e.where, e.val) }

// catch is deferred at the top of what may panic; it recovers, records the
// panic, and when errp is set, hands it on as a *panicError there.
func (s *session) catch(where string, errp *error) {
	v := recover()
	if v == nil {
		return
	}
	s.srv.errorLog().Printf("ftpdiag serve: session %d from %s: panic in %s: %v\n%s", s.id, s.remote, where, v, debug.Stack())
	if s.tr != nil {
		s.tr.sess.Note(fmt.Sprintf("the server's %s panicked (%v); answered 451, the server goes on", where, v))
	}
	if errp != nil {
		*errp = &panicError{where: where, val: v}
	}
}

// runCommand runs one command's handler; a panic is answered 451 and the
// session reads its next command.
func (s *session) runCommand(cmd *command, verb, arg string) {
	var err error
	func() {
		defer s.catch(verb, &err)
		if s.srv.cfg.Faults.PanicIn == verb {
			panic("fault injected in " + verb)
		}
		cmd.Fn(s, arg)
	}()
	if err != nil {
		s.reply(ftp.LocalError, "Internal error in %s, not completed; the session goes on", verb)
	}
}

// panicked injects the PanicIn fault at a named place.
func (s *session) panicked(where string) {
	if s.srv.cfg.Faults.PanicIn == where {
		panic("fault injected in " + where)
	}
}

// errorLog is where panics are written: Config.ErrorLog, or log's
// standard logger (stderr), as net/http does.
func (s *Server) errorLog() *log.Logger {
	if s.cfg.ErrorLog != nil {
		return s.cfg.ErrorLog
	}
	return log.Default()
}
