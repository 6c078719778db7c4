package render

import (
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// The FTPS codes' scenarios: each transcript is diagnosed for real, so the
// finding rendered is the one the diagnosis makes of those lines.
func init() {
	for code, build := range tlsScenarios {
		codeScenarios[code] = build
	}
}

var tlsCert = &result.CertInfo{Subject: "CN=ftp.example.net", Issuer: "CN=R11,O=Let's Encrypt,C=US",
	DNSNames: []string{"ftp.example.net"}, NotBefore: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
	NotAfter: time.Date(2026, 12, 30, 0, 0, 0, 0, time.UTC), SHA256: "3F:A0:17:C2:5B:9E:44:D1:08:6A:F3:2C:91:7E:B5:60:DD:13:48:A9:0F:C6:72:E4:1B:85:39:5D:AE:07:F8:24"}

// tlsEvent is a handshake's event; cert, where given, is the control's.
func tlsEvent(conn string, out result.Outcome, resumed bool, cert *result.CertInfo) result.EventInfo {
	info := &result.TLSInfo{Conn: conn, Resumed: resumed, ServerName: "198.18.1.2", Cert: cert}
	if out == result.Connected {
		info.Version, info.Cipher = "TLS 1.3", "TLS_AES_128_GCM_SHA256"
	}
	return result.EventInfo{Op: result.OpTLS, Addr: "198.18.1.2:21", Outcome: out, Dur: 2100 * time.Microsecond, TLS: info}
}

// tlsLogin is AUTH TLS, the handshake, the login and PROT P.
func (f *fx) tlsLogin(purpose string, problems ...result.CertProblem) *transcript.Session {
	s := f.connect(purpose)
	s.Reply(220, "220 (vsFTPd 3.0.3)")
	s.Command("AUTH TLS")
	s.Reply(234, "234 Proceed with negotiation.")
	cert := *tlsCert
	cert.Problems = problems
	s.Event(tlsEvent(result.TLSControl, result.Connected, false, &cert), "")
	s.Command("USER john")
	s.Reply(331, "331 Please specify the password.")
	s.Command("PASS " + testPassword)
	s.Reply(230, "230 Login successful.")
	s.Command("PBSZ 0")
	s.Reply(200, "200 PBSZ set to 0.")
	s.Command("PROT P")
	s.Reply(200, "200 PROT now Private.")
	return s
}

// tlsList is a protected listing over a data connection already open.
func (f *fx) tlsList(s *transcript.Session, hs result.EventInfo) {
	s.Command("LIST")
	s.Reply(150, "150 Here comes the directory listing.")
	s.Event(hs, "")
	s.Event(result.EventInfo{Op: result.OpDataClose, Outcome: result.Complete, Bytes: 164, By: "server", Dur: time.Millisecond}, "")
	s.Reply(226, "226 Directory send OK.")
}

// diagnose sets the fixture's findings to what Diagnose makes of its transcript.
func (f *fx) diagnose() { f.findings = diagnose.Diagnose(f.log.Entries()) }

func (f *fx) certScenario(kind, detail string) {
	s := f.tlsLogin("passive mode: log in, list and download", result.CertProblem{Kind: kind, Detail: detail})
	f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
	f.tlsList(s, tlsEvent(result.TLSData, result.Connected, true, nil))
	f.diagnose()
}

var tlsScenarios = map[string]func(f *fx){
	diagnose.CodeTLSHandshake: func(f *fx) {
		s := f.connect("passive mode: log in, list and download")
		s.Reply(220, "220 (vsFTPd 3.0.3)")
		s.Command("AUTH TLS")
		s.Reply(234, "234 Proceed with negotiation.")
		ev := tlsEvent(result.TLSControl, result.Failed, false, nil)
		ev.Err = "remote error: tls: protocol version not supported"
		s.Event(ev, "")
		f.diagnose()
	},
	diagnose.CodeTLSDataHandshake: func(f *fx) {
		s := f.tlsLogin("passive mode: log in, list and download")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		s.Command("LIST")
		s.Reply(150, "150 Here comes the directory listing.")
		ev := tlsEvent(result.TLSData, result.Reset, false, nil)
		ev.Addr, ev.Err = "198.18.1.2:3003", "read: connection reset by peer"
		s.Event(ev, "")
		s.Reply(425, "425 Failed to establish connection.")
		f.diagnose()
	},
	diagnose.CodeTLSCertUntrusted: func(f *fx) { f.certScenario(result.CertUntrusted, "self-signed (CN=ftp.example.net)") },
	diagnose.CodeTLSCertName: func(f *fx) {
		f.certScenario(result.CertNameMismatch, "x509: certificate is valid for ftp.example.net, not 198.18.1.2")
	},
	diagnose.CodeTLSCertExpired: func(f *fx) {
		f.certScenario(result.CertExpired, "valid from 2025-10-01 00:00 UTC to 2025-12-30 00:00 UTC, and it is now 2026-11-23 21:54 UTC")
	},
	diagnose.CodeTLSProtRefused: func(f *fx) {
		s := f.connect("passive mode: log in, list and download")
		s.Reply(220, "220 ProFTPD Server ready.")
		s.Command("AUTH TLS")
		s.Reply(234, "234 AUTH TLS successful")
		s.Event(tlsEvent(result.TLSControl, result.Connected, false, tlsCert), "")
		s.Command("USER john")
		s.Reply(331, "331 Password required for john")
		s.Command("PASS " + testPassword)
		s.Reply(230, "230 User john logged in")
		s.Command("PBSZ 0")
		s.Reply(200, "200 PBSZ 0 successful")
		s.Command("PROT P")
		s.Reply(534, "534 Unwilling to accept security parameters")
		f.diagnose()
	},
	diagnose.CodeTLSALGBlind: func(f *fx) {
		s := f.tlsLogin("passive mode: log in, list and download")
		s.Command("PASV")
		s.Reply(227, "227 Entering Passive Mode (192,168,50,2,11,187).")
		s.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Refused, 400*time.Microsecond), "")
		p := f.login("plain text, where TLS is in use: log in and list without TLS, to compare")
		f.pasv(p, "198.18.1.2:3003", result.Connected, time.Millisecond)
		p.Command("LIST")
		p.Reply(150, "150 Here comes the directory listing.")
		p.Event(result.EventInfo{Op: result.OpDataClose, Outcome: result.Complete, Bytes: 164, By: "server", Dur: time.Millisecond}, "")
		p.Reply(226, "226 Directory send OK.")
		f.diagnose()
	},
	diagnose.CodeTLSReuseEnforced: func(f *fx) {
		s := f.tlsLogin("passive mode: log in, list and download")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		f.tlsList(s, tlsEvent(result.TLSData, result.Connected, true, nil))
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		s.Command("LIST")
		hs := tlsEvent(result.TLSData, result.Connected, false, nil)
		hs.TLS.NoResume = true
		s.Event(hs, "")
		s.Reply(522, "522 SSL connection failed; session reuse required: see require_ssl_reuse option in vsftpd.conf man page")
		f.diagnose()
	},
	diagnose.CodeTLSPlainRefused: func(f *fx) {
		s := f.tlsLogin("passive mode: log in, list and download")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		f.tlsList(s, tlsEvent(result.TLSData, result.Connected, true, nil))
		p := f.connect("plain text, where TLS is in use: log in and list without TLS, to compare")
		p.Reply(220, "220 (vsFTPd 3.0.3)")
		p.Command("USER john")
		p.Reply(530, "530 Non-anonymous sessions must use encryption.")
		f.diagnose()
	},
}
