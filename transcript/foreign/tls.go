package foreign

import (
	"regexp"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	res "ftpdiag/result"
)

// TLS as logs tell it: curl -v names each handshake's version and cipher
// and the certificate it saw; FileZilla says "TLS connection established"
// and quotes GnuTLS's errors. Each becomes an OpTLS event: the first
// handshake of a control connection is the control one, every later one a
// data connection's.

// tlsState is what a stream knows of TLS so far.
type tlsState struct {
	on     bool            // the control connection's handshake worked
	resume bool            // the next handshake offers a session (curl: "SSL re-using session ID")
	last   *result.TLSInfo // the last handshake, for the certificate lines after it
}

// tlsVersionName writes "TLSv1.3" (OpenSSL's spelling) as crypto/tls does.
func tlsVersionName(v string) string {
	if rest, ok := strings.CutPrefix(v, "TLSv"); ok {
		return "TLS " + rest
	}
	return v
}

// tlsDone records a handshake that worked.
func (b *builder) tlsDone(version, cipher string) {
	s := b.cur
	info := &result.TLSInfo{Conn: result.TLSControl, Version: tlsVersionName(version), Cipher: cipher}
	if s.tls.on {
		info.Conn, info.Resumed = result.TLSData, s.tls.resume
	}
	s.tls.on, s.tls.resume, s.tls.last = true, false, info
	b.event(result.EventInfo{Op: result.OpTLS, Addr: s.ctrl, Outcome: result.Connected, TLS: info})
}

// tlsFailed records a handshake that did not work, on the control
// connection before TLS was up, on a data connection after.
func (b *builder) tlsFailed(out result.Outcome, why string) {
	s := b.cur
	info := &result.TLSInfo{Conn: result.TLSControl}
	addr := s.ctrl
	if s.tls.on || b.dataVerb() || s.lastCode == int(ftp.FileStatusOK) || s.lastCode == int(ftp.DataAlreadyOpen) {
		// After a listing or transfer command, a TLS error is the data
		// connection's, at the port the 227/229 named: the control
		// connection's TLS was up, or the command could not have been sent.
		info.Conn = result.TLSData
		if s.pasv != "" {
			addr = s.pasv
		}
		s.tlsDataLost = true
	}
	if info.Conn == result.TLSControl && s.verb != "AUTH" && !(s.connected || s.dial != nil) {
		// A fragment that starts at the error: which connection it was on
		// is not in the log.
		b.note("a TLS error, on a connection the log does not show: " + why)
		return
	}
	s.tls.last = info
	b.event(result.EventInfo{Op: result.OpTLS, Addr: addr, Outcome: out, Err: why, TLS: info})
}

// certProblemKind names what a client's words about its certificate check
// mean.
func certProblemKind(text string) string {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "expired") || strings.Contains(t, "not yet valid"):
		return res.CertExpired
	case strings.Contains(t, "hostname") || strings.Contains(t, "does not match") || strings.Contains(t, "subject name"):
		return res.CertNameMismatch
	}
	return res.CertUntrusted
}

var (
	curlSSLUsing  = regexp.MustCompile(`^SSL connection using (\S+) / (\S+)`)
	curlCertField = regexp.MustCompile(`^(subject|issuer|start date|expire date): (.*)$`)
	curlVerify    = regexp.MustCompile(`^SSL certificate verify result: (.*?)(?: \(\d+\))?, continuing anyway\.?$`)
	curlCertProb  = regexp.MustCompile(`^SSL certificate problem: (.*)$`)
	// curl's handshake steps ("TLSv1.3 (IN), TLS handshake, Finished (20):")
	// and its byte counts ("{ [5 bytes data]") say nothing the summary
	// lines after them do not.
	curlTLSStep    = regexp.MustCompile(`^(?:TLSv[\d.]+|SSLv\d) \((?:IN|OUT)\), `)
	curlTLSFailure = regexp.MustCompile(`^(?:OpenSSL SSL_connect|OpenSSL SSL_read|gnutls_handshake\(\) failed|TLS connect error|SSL_connect failed)(?::)? ?(.*)$`)
)

// curlTLS reads curl's TLS messages; false when text is none of them.
func curlTLS(b *builder, text string) bool {
	s := b.cur
	switch {
	case curlTLSStep.MatchString(text), text == "old SSL session ID is stale, removing", text == "Server certificate:":
	case text == "SSL re-using session ID":
		s.tls.resume = true
	case curlSSLUsing.MatchString(text):
		m := curlSSLUsing.FindStringSubmatch(text)
		b.tlsDone(m[1], m[2])
	case curlCertField.MatchString(text):
		m := curlCertField.FindStringSubmatch(text)
		curlCertLine(s, m[1], m[2])
	case curlVerify.MatchString(text):
		if c := controlCert(s); c != nil {
			why := curlVerify.FindStringSubmatch(text)[1]
			c.Problems = append(c.Problems, res.CertProblem{Kind: certProblemKind(why), Detail: why})
		}
	case curlCertProb.MatchString(text):
		// curl refused the certificate: the handshake worked, policy
		// (certificate checking) ended it.
		why := curlCertProb.FindStringSubmatch(text)[1]
		info := &result.TLSInfo{Conn: result.TLSControl, Cert: &result.CertInfo{
			Problems: []res.CertProblem{{Kind: certProblemKind(why), Detail: why + " (curl refuses it without --cacert or -k)"}}}}
		b.event(result.EventInfo{Op: result.OpTLS, Addr: s.ctrl, Outcome: result.Rejected, Err: why, TLS: info})
	case curlTLSFailure.MatchString(text):
		b.tlsFailed(result.Failed, text)
	default:
		return false
	}
	return true
}

// controlCert is the certificate of the control handshake just made, where
// the lines after it still describe it; data connections show the same one.
func controlCert(s *stream) *result.CertInfo {
	if s.tls.last == nil || s.tls.last.Conn != result.TLSControl {
		return nil
	}
	if s.tls.last.Cert == nil {
		s.tls.last.Cert = &result.CertInfo{}
	}
	return s.tls.last.Cert
}

// curlCertLine fills one field of curl's "Server certificate:" block.
func curlCertLine(s *stream, field, value string) {
	c := controlCert(s)
	if c == nil {
		return
	}
	switch field {
	case "subject":
		c.Subject = value
	case "issuer":
		c.Issuer = value
	case "start date":
		c.NotBefore, _ = time.Parse("Jan _2 15:04:05 2006 MST", value)
	case "expire date":
		c.NotAfter, _ = time.Parse("Jan _2 15:04:05 2006 MST", value)
	}
}

// fileZillaGnuTLS matches FileZilla's quote of a GnuTLS error.
var fileZillaGnuTLS = regexp.MustCompile(`^GnuTLS error (-?\d+)(?: in (\S+))?: (.*)$`)
