package diagnose

import (
	"ftpdiag/result"
)

// Diagnose reads a transcript and names the root causes it shows. It is a
// pure function of the entries: the live probe and `ftpdiag explain` (which
// reads FileZilla, WinSCP, curl and lftp logs into entries) get the same
// diagnosis from the same lines. Where which code comes from:
//
//	dns.failed                  event resolve, outcome other than resolved
//	control.refused             event connect, outcome refused or reset
//	control.timeout             event connect, outcome timeout
//	control.unreachable         event connect, outcome unreachable or failed
//	control.no-greeting         before any reply: event close by the server,
//	                            or by the client with outcome timeout (it gave up waiting)
//	control.not-ftp             first reply is no reply at all (code 0: "SSH-2.0-...",
//	                            "HTTP/1.1 ...", TLS record bytes), or a 220 whose text
//	                            names SMTP; or event close by the client, outcome
//	                            failed (the replies broke FTP's format, e.g. too long)
//	control.busy                first reply 421, or any other 4xx instead of 220
//	control.greeting-error      first reply a 5xx (but 534, or one naming TLS) instead of 220;
//	                            after a connect event and before any command, whatever the code
//	control.closed              after the greeting and before QUIT: event close by the
//	                            server, event close by the client with outcome timeout
//	                            (a command went unanswered; see data.rejected for the
//	                            exception), or a 421 reply
//	login.rejected              530 (or another 5xx) after USER or PASS
//	login.tls-required          534 after USER/PASS/greeting, or 530/550/421 there whose
//	                            text names TLS, SSL, encryption or cleartext
//	pasv.unsupported            5xx after PASV (a 4xx is a passing shortage, not a refusal)
//	pasv.bad-reply              227 that ftp.ParsePASV refuses (garbage, port 0, 0.0.0.0, >255)
//	pasv.private-address        227 address ftp.NonPublic and not the address the session's
//	                            connect event reached; without a connect event, only
//	                            when a data-connect to that address then failed
//	pasv.foreign-address        227 public address other than the connect event's
//	data.passive.timeout        event data-connect, outcome timeout or unreachable
//	data.passive.refused        event data-connect, outcome refused or reset
//	data.passive.partial        events data-connect to one address, some connected and
//	                            some not (another address that never answers, such as
//	                            a trusted PASV address, is a timeout or refusal of its own)
//	data.rejected               425/426 after LIST/NLST/MLSD/RETR when the data connection
//	                            had opened (data-connect or data-accept connected), or
//	                            in passive mode when no data event is there at all
//	                            (foreign logs: "425 Security: Bad IP connecting"); or
//	                            event close by the client, outcome timeout, while waiting
//	                            for the reply to such a command after its data connection
//	                            opened (the server ignored it in silence)
//	epsv.unsupported            5xx after EPSV
//	active.port-refused         4xx/5xx after PORT, or after EPRT when no PORT succeeded
//	active.no-callback          after an accepted PORT/EPRT: event data-accept, outcome
//	                            timeout, or a 425/426 with no data-accept connected event
//	                            before the next command (one after the 425 makes it
//	                            data.rejected: replies and connections are read side by side)
//	active.client-nat           "200 ADDR PORT" after SITE WHOAMI naming another address
//	                            than the connect event's local address
//	active.alg-rewrite          "200 PORTCHECK rewritten SENT RECEIVED" after SITE PORTCHECK
//	transfer.stalled            event data-close, outcome stalled
//	transfer.size-mismatch      event data-close, outcome complete, after RETR, with bytes
//	                            other than the 213 reply to SIZE of that file or the
//	                            "(N bytes)" of its 150 reply
//	tls.unsupported             4xx/5xx after AUTH
//	tls.session-reuse-required  522 whose text says "session reuse", or 425 whose text
//	                            says "not resumed"
//	reply.slow                  a reply coming transcript.SlowReply or more after the command (or
//	                            the connect event, for the greeting); data transfers
//	                            (LIST, NLST, MLSD, RETR) do not count
//
// Replies are read by code; text is read only where the contract names it
// (TLS demands, session reuse, SMTP greetings, the PORTCHECK/WHOAMI fields).
// Root causes only: when the control connection or the login fails (and
// no session logged in), only those findings (and reply.slow) are returned; replies that merely echo a
// failed data connection (425 after a timeout, 426 after a stall) are not
// findings of their own.
func Diagnose(entries []result.Entry) []result.Finding {
	d := newDiagnosis(entries)
	for i, e := range entries {
		d.entry(i, e)
	}
	return d.findings()
}
