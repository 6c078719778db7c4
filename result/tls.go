package result

import "time"

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
	// NoResume marks the data connection a probe opened on purpose without
	// offering a session, to learn whether the server enforces resumption:
	// its refusal is the server's policy, not a fault.
	NoResume bool `json:"no_resume,omitempty"`
}

// What a client found wrong with a certificate it checked (CertProblem.Kind).
const (
	CertUntrusted    = "untrusted"     // the chain does not verify against the client's roots
	CertNameMismatch = "name-mismatch" // the certificate names neither the host nor the address
	CertExpired      = "expired"       // expired or not yet valid
)

// CertProblem is one thing a client found wrong with the certificate.
type CertProblem struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
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
	// Problems are what the client's check of the certificate found, where
	// it checked (a probe does; a server's own events and most logs do not).
	Problems []CertProblem `json:"problems,omitempty"`
}
