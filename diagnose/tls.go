package diagnose

import (
	"fmt"
	"net/netip"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// The FTPS codes (docs/DIAGNOSES.md, "FTPS"), read from OpTLS events and
// the replies around them:
//
//	tls.handshake-failed       event tls on control, outcome other than connected (or
//	                           rejected with certificate problems: those are the finding)
//	tls.data-handshake-failed  event tls on data, outcome other than connected or
//	                           rejected, on a connection that offered its session,
//	                           when no session-reuse refusal follows before the next command
//	tls.cert-untrusted,        the control handshake's certificate problems, as the
//	tls.cert-name-mismatch,    client that checked it recorded them (CertInfo.Problems)
//	tls.cert-expired
//	tls.prot-refused           4xx/5xx after PBSZ or PROT
//	tls.alg-blind              a passive data connection completed in a session
//	                           without TLS, and every passive data connection of the
//	                           sessions with TLS failed (or followed a private
//	                           address the plain session did not get)
//	tls.reuse-enforced         a refusal (522, 425, a failed handshake) of the data
//	                           connection that offered no session on purpose (no_resume)
//	tls.plaintext-refused      login.tls-required in a plain session, while a session
//	                           with TLS logged in (the finding replaces it)

// tlsSession is what the walk knows about one session's TLS.
type tlsSession struct {
	on       bool // the control connection's handshake worked
	loggedIn bool
	data     *dataTLS // the handshake since the last data connection opened
	failed   *dataTLS // a data handshake failure not judged yet
	refused  bool     // a login refusal asking for TLS
	// reuse: a refusal naming session reuse since the last data connection
	// opened; a handshake error logged after it (FileZilla's GnuTLS line)
	// is its echo.
	reuse bool
	// protP: the server accepted PROT P: data connections are protected.
	protP bool
}

// dataTLS is one data connection's handshake.
type dataTLS struct {
	ev   *result.EventInfo
	line int
}

func (d *diagnosis) tlsEvent(s *session, i int, e result.Entry) {
	ev := e.Event
	conn := result.TLSControl
	if ev.TLS != nil {
		conn = ev.TLS.Conn
	}
	if conn == result.TLSData {
		d.dataHandshake(s, i, ev)
		return
	}
	if ev.Outcome == result.Rejected && ev.TLS != nil && ev.TLS.Cert != nil {
		d.certProblems(i, ev.TLS.Cert) // the client refused the certificate
		return
	}
	if ev.Outcome != result.Connected {
		d.add(Fact{Code: CodeTLSHandshake, Lines: []int{i},
			Detail: fmt.Sprintf("The server accepted TLS, but the handshake on the control connection failed: %s.", orText(ev.Err, string(ev.Outcome)))})
		return
	}
	s.tls.on = true
	if ev.TLS != nil && ev.TLS.Cert != nil {
		d.certProblems(i, ev.TLS.Cert)
	}
}

// certCodes are the codes of the certificate problems a client records.
var certCodes = map[string]string{
	result.CertUntrusted:    CodeTLSCertUntrusted,
	result.CertNameMismatch: CodeTLSCertName,
	result.CertExpired:      CodeTLSCertExpired,
}

func (d *diagnosis) certProblems(i int, c *result.CertInfo) {
	for _, p := range c.Problems {
		code, ok := certCodes[p.Kind]
		if !ok {
			continue
		}
		d.add(Fact{Code: code, Lines: []int{i},
			Detail: fmt.Sprintf("The server's certificate (%s): %s.", certName(c), p.Detail)})
	}
}

func (d *diagnosis) dataHandshake(s *session, i int, ev *result.EventInfo) {
	h := &dataTLS{ev: ev, line: i}
	s.tls.data = h
	if ev.Outcome == result.Connected || ev.Outcome == result.Rejected || noResume(h) || s.tls.reuse {
		return
	}
	s.tls.failed = h
}

func noResume(h *dataTLS) bool { return h != nil && h.ev.TLS != nil && h.ev.TLS.NoResume }

// settleDataTLS makes a data handshake failure a finding once no refusal
// naming session reuse came after it.
func (d *diagnosis) settleDataTLS(s *session) {
	h := s.tls.failed
	if h == nil || d.noCloseNotifyAtEnd(s) {
		return
	}
	s.tls.failed = nil
	d.add(Fact{Code: CodeTLSDataHandshake, Lines: []int{h.line},
		Detail: fmt.Sprintf("The data connection to %s opened, but its TLS handshake failed: %s.", h.ev.Addr, orText(h.ev.Err, string(h.ev.Outcome)))})
}

// reuseRefused reads a refusal naming session reuse: the server's policy
// where the connection offered no session on purpose, a fault otherwise.
func (d *diagnosis) reuseRefused(s *session, i int, e result.Entry) {
	s.tls.failed, s.tls.reuse = nil, true
	if noResume(s.tls.data) {
		d.reuseEnforced(s, i, e)
		return
	}
	d.sessionReuse(i, e)
}

func (d *diagnosis) reuseEnforced(s *session, i int, e result.Entry) {
	d.add(Fact{Code: CodeTLSReuseEnforced, Lines: []int{s.tls.data.line, i},
		Detail: fmt.Sprintf("A data connection that did not offer the control connection's TLS session was refused: %q. The probe's resumed data connections are not affected.", ftp.FirstLine(e.Text))})
}

// tlsEcho tells whether a 425/426 echoes a TLS fact already read: the
// handshake of this data connection failed, or it offered no session.
func (d *diagnosis) tlsEcho(s *session, i int, e result.Entry) bool {
	switch {
	case noResume(s.tls.data):
		d.reuseEnforced(s, i, e)
		return true
	case s.tls.failed != nil:
		return true
	}
	return false
}

func (d *diagnosis) protRefused(s *session, i int, e result.Entry) {
	d.add(Fact{Code: CodeTLSProtRefused, Lines: []int{i},
		Detail: fmt.Sprintf("The server answered %s with %q: the login is encrypted, but listings and files travel in clear text.", s.verb, ftp.FirstLine(e.Text))})
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// settleTLS makes the findings that compare sessions with and without TLS.
func (d *diagnosis) settleTLS() {
	d.plaintextRefused()
	d.algBlind()
}

// plaintextRefused: where a session with TLS logged in, the plain-text
// session's refusal is a fact about clients without TLS, not the probe's
// failure.
func (d *diagnosis) plaintextRefused() {
	f, ok := d.found[CodeLoginTLSRequired]
	if !ok || !d.tlsLoggedIn() {
		return
	}
	delete(d.found, CodeLoginTLSRequired)
	d.add(Fact{Code: CodeTLSPlainRefused, Lines: f.Lines,
		Detail: "TLS works, and the session without it was refused: " + strings.TrimPrefix(f.Detail, "The server refuses a plain-text login and asks for TLS: ")})
	if c, ok := d.found[CodeControlClosed]; ok && d.inRefusedSessions(c.Lines) {
		delete(d.found, CodeControlClosed) // the refusing server hung up after it
	}
}

func (d *diagnosis) tlsLoggedIn() bool {
	for _, s := range d.sessions {
		if s.tls.on && s.tls.loggedIn {
			return true
		}
	}
	return false
}

func (d *diagnosis) inRefusedSessions(lines []int) bool {
	for _, l := range lines {
		if !d.sess(d.entries[l].Session).tls.refused {
			return false
		}
	}
	return len(lines) > 0
}

// algBlind compares the passive data connections of the sessions with TLS
// and those without: plain ones that work and TLS ones that all fail are
// something between the two that helps only what it can read.
func (d *diagnosis) algBlind() {
	var plainOK, tlsOK, tlsBad []*dataFact
	for _, f := range d.dials {
		on := d.sess(d.entries[f.line].Session).tls.on
		switch {
		case !on && f.outcome == result.Connected && f.closed == result.Complete:
			plainOK = append(plainOK, f)
		case on && f.outcome == result.Connected:
			tlsOK = append(tlsOK, f)
		case on:
			tlsBad = append(tlsBad, f)
		}
	}
	if len(plainOK) == 0 || len(tlsBad) == 0 || len(tlsOK) > 0 {
		return
	}
	bad, ok := tlsBad[0], plainOK[0]
	_, lines := addrPorts(tlsBad)
	d.add(Fact{Code: CodeTLSALGBlind, Args: d.passiveArgs(), Ports: portsOf(tlsBad), Lines: append(lines, ok.line),
		Detail: fmt.Sprintf("Passive mode works in plain text (%s) but not under TLS (%s): something between client and server, a router's FTP helper (ALG), fixes or opens passive connections only where it can read the control connection.",
			d.dialText(ok, "connected"), d.dialText(bad, string(bad.outcome)))})
	for _, c := range []string{CodePassiveTimeout, CodePassiveRefused, CodePassivePartial, CodePasvPrivate} {
		delete(d.found, c) // the same failure, explained
	}
}

// dialText says what a passive reply named and what the connection did.
func (d *diagnosis) dialText(f *dataFact, what string) string {
	if f.pasvLine >= 0 {
		if ap, err := ftp.ParsePASV(d.entries[f.pasvLine].Text); err == nil && ap.Addr() != dialAddr(f) {
			return fmt.Sprintf("PASV names %s, the probe dialled %s: %s", ap, f.addr, what)
		}
	}
	return fmt.Sprintf("the data port %s: %s", f.addr, what)
}

func dialAddr(f *dataFact) netip.Addr {
	ip, _, _ := hostPort(f.addr)
	return ip
}

func portsOf(fs []*dataFact) []int {
	ports, _ := addrPorts(fs)
	return ports
}

// dataTLSRequired: the server refused a listing or transfer because its data
// connection would travel in clear text (IIS "534 Policy requires SSL.",
// vsftpd "522 Data connections must be encrypted.", FileZilla Server "521
// PROT P required"): the client encrypted the login, or none of it, but
// never sent PROT P. A client that had PROT P accepted meets something else.
func (d *diagnosis) dataTLSRequired(s *session, i int, e result.Entry) bool {
	c := e.Code
	if s.tls.protP || !(c == ftp.DataProtRefused || (c == ftp.BadNetProtocol || c == ftp.PolicyDenied) && tlsText(e.Text)) {
		return false
	}
	d.add(Fact{Code: CodeTLSDataRequired, Lines: []int{s.cmdLine, i},
		Detail: fmt.Sprintf("The server answered %s with %q: it accepts data connections only encrypted, and this client never asked for that (no PROT P was accepted before it).", strings.TrimSpace(s.verb+" "+s.arg), ftp.FirstLine(e.Text))})
	return true
}

// certName names a certificate by what is known of it: a client's log (curl
// -v) gives the subject and issuer but no fingerprint.
func certName(c *result.CertInfo) string {
	var parts []string
	for _, p := range [][2]string{{"", c.Subject}, {"issued by ", c.Issuer}, {"SHA-256 ", c.SHA256}} {
		if p[1] != "" {
			parts = append(parts, p[0]+p[1])
		}
	}
	if len(parts) == 0 {
		return "not described in the log"
	}
	return strings.Join(parts, ", ")
}
