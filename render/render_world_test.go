package render

import (
	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// Scenarios for the codes of issue 27 (logs as people paste them), beside
// the others in codeScenarios.
func init() {
	codeScenarios[diagnose.CodeServerFailed] = func(f *fx) {
		s := f.connect("login")
		s.Command("USER web")
		s.Reply(331, "331 Please specify the password.")
		s.Command("PASS secret")
		s.Reply(500, "500 OOPS: cannot change directory:/var/www")
		f.find(diagnose.CodeServerFailed, "The server answered PASS with \"500 OOPS: cannot change directory:/var/www\" and ended the session: the user's home directory \"/var/www\" does not exist or the user cannot enter it.",
			nil, nil, nil, f.last())
	}
	codeScenarios[diagnose.CodePasvIPv6Refused] = func(f *fx) {
		s := f.login("passive listing over IPv6")
		s.Command("PASV")
		s.Reply(501, "501 PASV: Operation not permitted")
		f.find(diagnose.CodePasvIPv6Refused, "The client sent PASV over an IPv6 connection and the server answered \"501 PASV: Operation not permitted\": PASV names only IPv4 addresses, EPSV is the command for IPv6.",
			nil, nil, nil, f.last())
	}
	codeScenarios[diagnose.CodeTLSNoCloseNotify] = func(f *fx) {
		s := f.login("passive listing over TLS")
		f.pasv(s, "198.18.1.2:3003", result.Connected, 0)
		s.Command("MLSD")
		s.Reply(150, "150 Opening data connection.")
		s.Reply(226, "226 Closing data connection.")
		f.find(diagnose.CodeTLSNoCloseNotify, "The data connection to 198.18.1.2:3003 carried the transfer and the server said \"226 Closing data connection.\", but it closed the connection without TLS's close_notify (GnuTLS error -110 in gnutls_record_recv): GnuTLS clients count that as a failed transfer.",
			nil, nil, nil, f.last())
	}
	codeScenarios[diagnose.CodeOutOfStep] = func(f *fx) {
		s := f.connect("greeting")
		s.Command("AUTH TLS")
		s.Reply(220, "220 ---   By Renzo Mischianti   ---")
		f.find(diagnose.CodeOutOfStep, "The server answered AUTH TLS with \"220 ---   By Renzo Mischianti   ---\", a line of its greeting.",
			nil, nil, nil, f.last())
	}
	codeScenarios[diagnose.CodeTLSDataRequired] = func(f *fx) {
		s := f.login("upload over TLS")
		f.pasv(s, "198.18.1.2:3004", result.Connected, 0)
		s.Command("STOR report.csv")
		s.Reply(534, "534 Policy requires SSL.")
		f.find(diagnose.CodeTLSDataRequired, "The server answered STOR report.csv with \"534 Policy requires SSL.\": it accepts data connections only encrypted, and this client never asked for that (no PROT P was accepted before it).",
			nil, nil, nil, f.last())
	}
	codeScenarios[diagnose.CodeReplyUnread] = func(f *fx) {
		s := f.login("download")
		f.pasv(s, "198.18.1.2:3005", result.Connected, 0)
		s.Command("RETR report.csv")
		s.Reply(150, "150 Opening BINARY mode data connection for report.csv (18 bytes).")
		s.Command("SIZE next.csv")
		s.Reply(226, "226 Transfer complete.")
		f.find(diagnose.CodeReplyUnread, "The client sent SIZE next.csv while RETR report.csv was under way, before the server's final reply to it, and then read \"226 Transfer complete.\" as the answer to SIZE: that is RETR's end. The client reads every reply after it one command late, whatever the server says.",
			nil, nil, nil, f.last())
	}
}
