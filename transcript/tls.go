package transcript

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Which connection a TLS handshake was on (TLSInfo.Conn).
const (
	TLSControl = "control"
	TLSData    = "data"
)

// TLSInfo is the TLS part of an OpTLS event: what a handshake agreed on.
// The event's Outcome says how it ended (Connected; Failed, Timeout, Reset
// or Closed with Err naming the alert or error; Rejected when the handshake
// worked but policy refused it, such as a data connection that did not
// resume the control connection's session), and Dur how long it took.
type TLSInfo struct {
	Conn    string `json:"conn"`              // TLSControl or TLSData
	Version string `json:"version,omitempty"` // "TLS 1.3", as tls.VersionName
	Cipher  string `json:"cipher,omitempty"`  // "TLS_AES_128_GCM_SHA256", as tls.CipherSuiteName
	// Resumed: the handshake resumed an earlier session (a ticket) instead
	// of a full handshake. Data connections are expected to resume the
	// control connection's session.
	Resumed bool `json:"resumed"`
	// ServerName is the name the client asked for (SNI), where one was sent.
	ServerName string `json:"server_name,omitempty"`
	// Chain is how many certificates the server sent (leaf included), as
	// the client saw them; 0 on the server side.
	Chain int `json:"chain,omitempty"`
	// Cert is the server's certificate. It is recorded on the control
	// connection's handshake only (data connections present the same one),
	// so a transcript shows it once.
	Cert *CertInfo `json:"cert,omitempty"`
}

// CertInfo is what a person checks in a certificate.
type CertInfo struct {
	Subject   string    `json:"subject"` // RFC 2253 form: "CN=ftp.example.net,O=Example"
	Issuer    string    `json:"issuer"`  // same form; equal to Subject when self-signed
	DNSNames  []string  `json:"dns_names,omitempty"`
	IPs       []string  `json:"ips,omitempty"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"` // fingerprint of the DER, as Fingerprint writes it
}

// TLSFromState fills a TLSInfo from a finished handshake. withCert records
// the server's leaf certificate (for the control connection): on the client
// side the peer's, on the server side pass own, the certificate it presented
// (a server's ConnectionState holds no certificate of its own).
func TLSFromState(conn string, cs tls.ConnectionState, withCert bool, own *x509.Certificate) *TLSInfo {
	info := &TLSInfo{
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
func CertFromX509(c *x509.Certificate) *CertInfo {
	ci := &CertInfo{
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
func describeTLS(ev EventInfo) string {
	if ev.TLS == nil { // read from a log that said only "TLS established"
		return "TLS handshake: " + outcomeText(ev)
	}
	head := "TLS handshake on " + orUnknown(ev.TLS.Conn)
	if ev.TLS.Version == "" { // nothing was agreed: the handshake failed
		return head + ": " + outcomeText(ev)
	}
	session := "new session"
	if ev.TLS.Resumed {
		session = "resumed session"
	}
	line := fmt.Sprintf("%s: %s, %s, %s%s", head, ev.TLS.Version, ev.TLS.Cipher, session, took(ev))
	if ev.Outcome != Connected && ev.Outcome != "" {
		line += ": " + outcomeText(ev)
	}
	return line
}

// certLines show a certificate under its handshake's event line.
func certLines(c *CertInfo) []string {
	names := append(append([]string(nil), c.DNSNames...), c.IPs...)
	if len(names) == 0 {
		names = []string{"none"}
	}
	const day = "2006-01-02 15:04 MST"
	return []string{
		Indent + "certificate: " + c.Subject + " (issued by " + c.Issuer + ")",
		Indent + "names: " + strings.Join(names, ", "),
		Indent + "valid: " + c.NotBefore.UTC().Format(day) + " to " + c.NotAfter.UTC().Format(day),
		Indent + "SHA-256: " + c.SHA256,
	}
}
