package server

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strconv"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// tlsHandshakeTimeout bounds one TLS handshake, control or data (there, the
// data timeout too where it is shorter): it is a few round trips, so a peer
// that has not finished in this time is not speaking TLS (or something in
// between eats it), and must not hold the session.
const tlsHandshakeTimeout = 10 * time.Second

// selfSignedLifetime is how long a --tls-self-signed certificate is valid:
// it is made afresh at every start, so a month is plenty.
const selfSignedLifetime = 30 * 24 * time.Hour

// ticketTag marks a session ticket with the control connection it was
// issued on (SessionState.Extra), so a data connection can prove it belongs
// to this control connection by resuming that session, as vsftpd's
// require_ssl_reuse demands: someone who merely guesses the passive port
// cannot take the data.
const ticketTag = "ftpdiag-control:"

var (
	// ErrNotResumed: a protected data connection did a full TLS handshake
	// instead of resuming the control connection's session.
	ErrNotResumed = errors.New("data connection did not resume the control connection's TLS session")
	// ErrClearData: --require-tls and a transfer without PROT P.
	ErrClearData = errors.New("unprotected data connection refused (PROT P required)")
)

// sessionTLS is one control connection's TLS state, read and written by
// its loop (transfers read it while the loop waits for them).
type sessionTLS struct {
	cfg      *tls.Config // this control connection's: its tickets carry tag
	tag      []byte
	implicit bool // TLS from the first byte (--implicit-tls)
	on       bool // the control connection is encrypted
	pbsz     bool // PBSZ 0 received (RFC 4217: before PROT)
	protP    bool // data connections are protected
}

// newTLSBase is the server's TLS configuration; every session clones it.
// The certificate is looked up at each handshake, so Reload's takes effect
// at the next one.
func (srv *Server) newTLSBase() *tls.Config {
	return &tls.Config{
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			if c := srv.currentCert(); c != nil {
				return c, nil
			}
			return nil, errNoCert
		},
		MinVersion: srv.cfg.TLSMinVersion,
		MaxVersion: srv.cfg.TLSMaxVersion,
	}
}

// sessionConfig gives one control connection its own TLS configuration:
// tickets issued on it (and on its data connections) are tagged with it,
// and only tickets with its tag are resumed; any other one gets a full
// handshake, which protectData then refuses unless --tls-reuse optional.
func (srv *Server) sessionConfig() (*tls.Config, []byte) {
	base := srv.tlsBase
	tag := make([]byte, len(ticketTag)+16)
	copy(tag, ticketTag)
	rand.Read(tag[len(ticketTag):])
	cfg := base.Clone()
	cfg.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		ss.Extra = [][]byte{tag}
		return base.EncryptTicket(cs, ss)
	}
	cfg.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		ss, err := base.DecryptTicket(identity, cs)
		if err != nil || ss == nil || len(ss.Extra) != 1 || !bytes.Equal(ss.Extra[0], tag) {
			return nil, nil // not ours, or not readable: a full handshake
		}
		return ss, nil
	}
	return cfg, tag
}

// tlsConfig is the session's TLS configuration, made on first use.
func (s *session) tlsConfig() *tls.Config {
	if s.tls.cfg == nil {
		s.tls.cfg, s.tls.tag = s.srv.sessionConfig()
	}
	return s.tls.cfg
}

// startTLS turns the control connection into TLS (after 234, or at once
// for implicit TLS). False: the handshake failed and the session must end,
// since the client no longer speaks plain text either.
func (s *session) startTLS() bool {
	tc := tls.Server(s.raw, s.tlsConfig())
	start := time.Now()
	s.raw.SetDeadline(start.Add(tlsHandshakeTimeout))
	err := tc.Handshake()
	s.raw.SetDeadline(time.Time{})
	s.tlsEvent(result.TLSControl, tc, time.Since(start), err)
	if err != nil {
		return false
	}
	s.wmu.Lock()
	s.raw = tc
	s.wmu.Unlock()
	s.conn = tc
	if s.tr != nil {
		s.conn = transcript.Record(tc, s.tr.sess, transcript.ServerSide)
	}
	s.r = bufio.NewReaderSize(s.conn, MaxLine)
	s.tls.on = true
	return true
}

// protectData does the server side of a protected data connection's
// handshake (RFC 4217: the FTP client is the TLS client, whichever side
// connected), and refuses one that did not resume this control
// connection's session, unless --tls-reuse optional.
func (s *session) protectData(dc net.Conn) (net.Conn, error) {
	tc := tls.Server(dc, s.tlsConfig())
	start := time.Now()
	dc.SetDeadline(start.Add(min(tlsHandshakeTimeout, s.srv.cfg.DataTimeout)))
	err := tc.Handshake()
	dc.SetDeadline(time.Time{})
	if err == nil && !tc.ConnectionState().DidResume && !s.srv.cfg.TLSReuseOptional {
		err = ErrNotResumed
	}
	s.tlsEvent(result.TLSData, tc, time.Since(start), err)
	if err != nil {
		tc.Close()
		return nil, fmt.Errorf("TLS on the data connection: %w", err)
	}
	return tc, nil
}

// tlsEvent records a handshake; the certificate only on the control
// connection, so the transcript shows it once.
func (s *session) tlsEvent(conn string, tc *tls.Conn, d time.Duration, err error) {
	if s.tr == nil {
		return
	}
	ev := result.EventInfo{Op: result.OpTLS, Addr: s.remote.String(), Dur: d, Outcome: result.Connected}
	if conn == result.TLSData {
		ev.Addr = tc.RemoteAddr().String()
	}
	cs := tc.ConnectionState()
	ev.TLS = &result.TLSInfo{Conn: conn}
	if cs.HandshakeComplete {
		ev.TLS = transcript.TLSFromState(conn, cs, conn == result.TLSControl, s.srv.currentCert().Leaf)
	}
	switch {
	case errors.Is(err, ErrNotResumed):
		ev.Outcome, ev.Err = result.Rejected, "did not resume the control connection's TLS session; --tls-reuse optional would allow it"
	case err != nil:
		ev.Outcome, ev.Err = handshakeOutcome(err), err.Error()
	}
	s.tr.sess.Event(ev, "")
}

// handshakeOutcome: a timeout or a reset keeps its name; anything else a
// handshake can end with (an alert, not TLS at all) is a failure.
func handshakeOutcome(err error) result.Outcome {
	switch o := transcript.Classify(err); o {
	case result.Timeout, result.Reset, result.Closed:
		return o
	}
	return result.Failed
}

// refuseClearData answers 521 for a transfer without PROT P when TLS is
// required; true when it did.
func (s *session) refuseClearData(plan *dataPlan, j job) bool {
	if !s.srv.cfg.RequireTLS || s.tls.protP {
		return false
	}
	plan.discard()
	j.finish(ErrClearData)
	s.reply(ftp.DataProtRefused, "PROT P required: this server refuses unprotected data connections (send PBSZ 0 and PROT P first)")
	return true
}

// SelfSigned makes a throw-away certificate (ECDSA P-256) for host (the
// listen address's host, may be empty), localhost, 127.0.0.1 and ::1.
func SelfSigned(host string, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("self-signed certificate: %w", err)
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"ftpdiag self-signed"}},
		NotBefore:    now.Add(-time.Hour), // a client whose clock is a little behind still accepts it
		NotAfter:     now.Add(selfSignedLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() && !ip.IsLoopback() {
		tmpl.IPAddresses = append([]net.IP{ip}, tmpl.IPAddresses...)
	} else if host != "" && ip == nil && host != "localhost" {
		tmpl.Subject.CommonName = host
		tmpl.DNSNames = append([]string{host}, tmpl.DNSNames...)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("self-signed certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("self-signed certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// startImplicit begins an implicit-TLS session (--implicit-tls): TLS from
// the first byte, and data connections protected from the start (PROT P
// implied, as the older implicit-FTPS practice had it and as FileZilla and
// curl expect; a client may still send PROT C), since a client that chose
// implicit FTPS wants nothing in clear text.
func (s *session) startImplicit() bool {
	if !s.startTLS() {
		return false
	}
	s.tls.pbsz, s.tls.protP = true, true
	return true
}

// implicitConn marks a connection accepted on the implicit-TLS listener.
type implicitConn struct {
	net.Conn
	cfg *tls.Config
}

// refusalConn is where a refusal (421, a limit) is written: on the
// implicit port over TLS, since a client there reads nothing else, and the
// reason would otherwise show as a TLS error. The handshake is bounded by
// the refusal's deadline.
func refusalConn(c net.Conn) net.Conn {
	if ic, ok := c.(implicitConn); ok {
		return tls.Server(ic.Conn, ic.cfg)
	}
	return c
}

// ListenImplicit opens the implicit-FTPS port (Config.ImplicitTLS).
func (srv *Server) ListenImplicit() (net.Listener, error) {
	if srv.tlsBase == nil || srv.cfg.ImplicitTLS == "" {
		return nil, fmt.Errorf("%w: implicit TLS needs a certificate and an address", ErrConfig)
	}
	ln, err := listenControl(srv.cfg.ImplicitTLS)
	if err != nil {
		return nil, err
	}
	srv.mu.Lock()
	srv.implicitAddr = ln.Addr()
	srv.mu.Unlock()
	return ln, nil
}

// ServeImplicit accepts implicit-FTPS control connections on ln until
// Shutdown or Close, beside Serve.
func (srv *Server) ServeImplicit(ln net.Listener) error {
	srv.mu.Lock()
	if srv.closing {
		srv.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	srv.implicitLn, srv.implicitAddr = ln, ln.Addr()
	srv.mu.Unlock()
	return srv.acceptLoop(ln, func(c net.Conn) net.Conn { return implicitConn{c, srv.tlsBase} })
}

// ImplicitAddr is the implicit-FTPS address once listening, nil before.
func (srv *Server) ImplicitAddr() net.Addr {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.implicitAddr
}

// checkTLS refuses TLS settings without a certificate, and fills in the
// certificate's parsed leaf (the summary and the transcripts show it).
func (c *Config) checkTLS() error {
	if c.TLS == nil {
		if c.RequireTLS || c.TLSReuseOptional || c.ImplicitTLS != "" {
			return errors.New("--require-tls, --tls-reuse and --implicit-tls need a certificate (--tls-cert and --tls-key, or --tls-self-signed)")
		}
		return nil
	}
	if len(c.TLS.Certificate) == 0 {
		return errors.New("the TLS certificate is empty")
	}
	if c.TLS.Leaf == nil {
		leaf, err := x509.ParseCertificate(c.TLS.Certificate[0])
		if err != nil {
			return fmt.Errorf("TLS certificate: %w", err)
		}
		cert := *c.TLS
		cert.Leaf = leaf
		c.TLS = &cert
	}
	return nil
}

// refuseProtected answers a protected data connection whose handshake
// failed or did not resume: 522 naming the option (vsftpd's wording has
// "session reuse" too, and ftpdiag's diagnosis reads it), else 425.
func (s *session) refuseProtected(j job, err error) {
	j.finish(err)
	if errors.Is(err, ErrNotResumed) {
		s.reply(ftp.BadNetProtocol, "TLS session reuse required: the data connection must resume the control connection's TLS session (--tls-reuse optional allows it)")
		return
	}
	s.reply(ftp.CantOpenData, "Cannot open data connection: %v", err)
}

// tlsFacts are the summary's TLS lines: the modes offered, what is
// enforced, and the certificate a client will be asked to trust.
func (srv *Server) tlsFacts(ctl int) [][2]string {
	if srv.tlsBase == nil {
		return [][2]string{{"TLS", "off: plain FTP only (--tls-cert and --tls-key, or --tls-self-signed, turn it on)"}}
	}
	modes := fmt.Sprintf("explicit (AUTH TLS) on port %d", ctl)
	if p := srv.implicitPort(); p != 0 {
		modes += fmt.Sprintf(", implicit (ftps://) on port %d, data protected by default", p)
	}
	policy := "optional: plain-text logins and transfers allowed"
	if srv.cfg.RequireTLS {
		policy = "required: plain-text logins get 530, transfers without PROT P 521"
	}
	reuse := "data connections must resume the control connection's TLS session (522 otherwise)"
	if srv.cfg.TLSReuseOptional {
		reuse = "data connections may resume the control connection's TLS session or not (--tls-reuse optional)"
	}
	leaf := srv.currentCert().Leaf
	return [][2]string{
		{"TLS", modes},
		{"", policy},
		{"", reuse},
		{"certificate", fmt.Sprintf("%s, valid until %s", leaf.Subject, leaf.NotAfter.UTC().Format("2006-01-02 15:04 MST"))},
		{"", "SHA-256 " + transcript.Fingerprint(leaf.Raw)},
	}
}

// implicitPort is the implicit-FTPS port, 0 without one.
func (srv *Server) implicitPort() int {
	if a, ok := srv.ImplicitAddr().(*net.TCPAddr); ok {
		return a.Port
	}
	if srv.cfg.ImplicitTLS == "" {
		return 0
	}
	_, p, _ := net.SplitHostPort(srv.cfg.ImplicitTLS)
	n, _ := strconv.Atoi(p)
	return n
}
