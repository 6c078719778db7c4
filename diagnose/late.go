package diagnose

import (
	"ftpdiag/ftp"
	"ftpdiag/transcript"
)

// lateReply tells whether the reply at i answers an earlier command rather
// than the one before it: its code is not one the command may get (RFC
// 959's lists, ftp.Answers), and another reply of the same session follows
// it with no command between. Twisted answers a PASV whose data connection
// never came with "550 ... internal server error" ten seconds later, just
// before its answer to the next command; read in order, the 550 would
// refuse the next PASV, or make QUIT slow. A late reply is judged by
// nothing: the data connection it is about has its own finding.
func (d *diagnosis) lateReply(s *session, i int, e transcript.Entry) bool {
	if !s.awaiting || !s.greeted || ftp.Answers(s.verb, e.Code) || !d.replyFollows(i, e.Session) {
		return false
	}
	s.afterLate = true // the answer that follows was held back: not slow
	return true
}

// replyFollows tells whether the next entry of session after i, past
// events and notes, is a reply.
func (d *diagnosis) replyFollows(i, session int) bool {
	for _, e := range d.entries[i+1:] {
		if e.Session != session || e.Kind == transcript.Note || e.Kind == transcript.Event {
			continue
		}
		return e.Kind == transcript.Reply
	}
	return false
}
