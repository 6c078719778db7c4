package transcript

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"

	"ftpdiag/result"
)

// The TLS part of an event belongs to the contract's document (package
// result); the recorder fills it under these names.
type ()

// Which connection a TLS handshake was on (TLSInfo.Conn).
const ()

// TLSFromState fills a TLSInfo from a finished handshake. withCert records
// the server's leaf certificate (for the control connection): on the client
// side the peer's, on the server side pass own, the certificate it presented
// (a server's ConnectionState holds no certificate of its own).
func TLSFromState(conn string, cs tls.ConnectionState, withCert bool, own *x509.Certificate) *result.TLSInfo {
	info := &result.TLSInfo{
		Conn:       conn,
		Version:    tls.VersionName(cs.Version),
		Cipher:     tls.CipherSuiteName(cs.CipherSuite),
		Resumed:    cs.DidResume,
		ServerName: cs.ServerName,
		Chain:      len(cs.PeerCertificates),
	}
	leaf := own
	if len(cs.PeerCertificates) > 0 {
		leaf = cs.PeerCertificates[0]
	}
	if withCert && leaf != nil {
		info.Cert = CertFromX509(leaf)
	}
	return info
}

// CertFromX509 keeps the parts of c that a transcript shows.
func CertFromX509(c *x509.Certificate) *result.CertInfo {
	ci := &result.CertInfo{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		DNSNames:  append([]string(nil), c.DNSNames...),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SHA256:    Fingerprint(c.Raw),
	}
	for _, ip := range c.IPAddresses {
		ci.IPs = append(ci.IPs, ip.String())
	}
	return ci
}

// Fingerprint is the SHA-256 of a DER certificate in the form openssl
// (x509 -fingerprint -sha256) and FileZilla's certificate dialog show:
// upper-case hex pairs joined by colons.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	pairs := make([]string, 0, len(sum))
	for i := 0; i < len(h); i += 2 {
		pairs = append(pairs, h[i:i+2])
	}
	return strings.Join(pairs, ":")
}

// describeTLS is the event line of a handshake:
//
//	TLS handshake on control: TLS 1.3, TLS_AES_128_GCM_SHA256, new session in 2.1ms
//	TLS handshake on data: failed (remote error: tls: bad certificate)
func describeTLS(ev result.EventInfo) string {
	if ev.TLS == nil { // read from a log that said only "TLS established"
		return "TLS handshake: " + outcomeText(ev)
	}
	head := "TLS handshake on " + orUnknown(ev.TLS.Conn)
	if ev.TLS.Version == "" { // nothing was agreed: the handshake failed
		return head + ": " + outcomeText(ev)
	}
	session := "new session"
	switch {
	case ev.TLS.Resumed:
		session = "resumed session"
	case ev.TLS.NoResume:
		session = "new session (none offered, on purpose)"
	}
	line := fmt.Sprintf("%s: %s, %s, %s%s", head, ev.TLS.Version, ev.TLS.Cipher, session, took(ev))
	if ev.Outcome != result.Connected && ev.Outcome != "" {
		line += ": " + outcomeText(ev)
	}
	return line
}

// certLines show a certificate under its handshake's event line.
func certLines(c *result.CertInfo) []string {
	names := append(append([]string(nil), c.DNSNames...), c.IPs...)
	if len(names) == 0 {
		names = []string{"none"}
	}
	const day = "2006-01-02 15:04 MST"
	out := []string{
		Indent + "certificate: " + c.Subject + " (issued by " + c.Issuer + ")",
		Indent + "names: " + strings.Join(names, ", "),
		Indent + "valid: " + c.NotBefore.UTC().Format(day) + " to " + c.NotAfter.UTC().Format(day),
	}
	if c.SHA256 != "" { // a client's log seldom names it
		out = append(out, Indent+"SHA-256: "+c.SHA256)
	}
	for _, p := range c.Problems {
		out = append(out, Indent+"check: "+p.Kind+": "+p.Detail)
	}
	return out
}
