package ftp

// OpensSession tells whether a server may open a session with a reply of
// this code: the greeting itself (220), "ready in n minutes" (120), "421
// busy", or 0, a first line that is no FTP reply at all. A log whose first
// reply has any other code was cut after the greeting: the reply answers a
// command the log does not show.
func OpensSession(code Code) bool {
	return code == 0 || code == ServiceReadySoon || code == ServiceReady || code == ServiceNotAvailable
}
