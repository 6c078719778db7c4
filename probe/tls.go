package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// TLSMode is the explicit-TLS policy of an ftp:// probe.
type TLSMode string

const (
	// TLSAuto tries AUTH TLS first and goes on in plain text where it is
	// refused, as FileZilla's default ("use explicit FTP over TLS if
	// available") and lftp do.
	TLSAuto TLSMode = "auto"
	// TLSRequire stops where AUTH TLS is refused: the password is never
	// sent in clear text.
	TLSRequire TLSMode = "require"
	// TLSOff speaks plain FTP only.
	TLSOff TLSMode = "off"
)

// sessionCacheSize: one control connection needs one session, and TLS 1.3
// servers send a couple of tickets; a few entries hold them all.
const sessionCacheSize = 4

// maxSniff is how much of what a peer sent instead of a TLS handshake the
// transcript shows.
const maxSniff = 64

// newTLSConfig is one control connection's TLS configuration. Its session
// cache is its own: a cache shared between control connections would resume
// another connection's session, which servers requiring reuse refuse. The
// cache is keyed by ServerName, set explicitly: without it crypto/tls keys
// by the remote address, which differs for every data port. The chain is
// checked after the handshake (checkCert), since a bad certificate is a
// finding, not a reason to stop.
func (p *prober) newTLSConfig() *tls.Config {
	return &tls.Config{
		ServerName:         p.target.Host,
		InsecureSkipVerify: true,
		ClientSessionCache: tls.NewLRUClientSessionCache(sessionCacheSize),
		MaxVersion:         p.opts.TLSMaxVersion,
	}
}

// sniffConn keeps the first bytes read, so that a handshake failing on
// plain text or garbage can show what came instead.
type sniffConn struct {
	net.Conn
	prefix []byte // read before the handshake started (already buffered)
	seen   []byte
	last   []byte // the latest read (keepLast)
}

func (s *sniffConn) Read(p []byte) (int, error) {
	var n int
	var err error
	if len(s.prefix) > 0 {
		n = copy(p, s.prefix)
		s.prefix = s.prefix[n:]
	} else {
		n, err = s.Conn.Read(p)
	}
	if room := maxSniff - len(s.seen); room > 0 {
		s.seen = append(s.seen, p[:min(n, room)]...)
	}
	s.keepLast(p[:n])
	return n, err
}

// handshakeErr says why a handshake failed, with what the peer sent where
// it was not TLS.
func handshakeErr(err error, sc *sniffConn, wait time.Duration) (result.Outcome, string) {
	out := transcript.Classify(err)
	switch out {
	case result.Timeout:
		return out, "the handshake did not complete in " + transcript.Human(wait)
	case result.Reset, result.Closed:
	default:
		out = result.Failed
	}
	msg := errText(err)
	var rhe tls.RecordHeaderError
	if errors.As(err, &rhe) && len(sc.seen) > 0 {
		msg += "; the server sent " + strconv.QuoteToASCII(string(sc.seen)) + " instead of TLS"
	}
	return out, msg
}

// startTLS turns the control connection into TLS: after 234, or at once
// for implicit TLS. It records the handshake, the certificate with what its
// check found, and false when the session cannot go on.
func (c *ctrl) startTLS(ctx context.Context, cfg *tls.Config) bool {
	c.rc.Flush()
	sc := &sniffConn{Conn: c.conn}
	if n := c.br.Buffered(); n > 0 {
		// Bytes after the 234 came before the handshake: a server that did
		// not switch. The handshake reads them, and fails on them.
		sc.prefix, _ = c.br.Peek(n)
		sc.prefix = append([]byte(nil), sc.prefix...)
	}
	tc := tls.Client(sc, cfg)
	wait := c.p.opts.HandshakeTimeout
	c.p.opts.Status("TLS handshake with "+c.p.addr(), wait)
	start := time.Now()
	c.conn.SetDeadline(start.Add(wait))
	err := tc.HandshakeContext(ctx)
	c.conn.SetDeadline(time.Time{})
	ev := result.EventInfo{Op: result.OpTLS, Addr: c.p.addr(), Dur: time.Since(start), Outcome: result.Connected}
	if err != nil {
		ev.Outcome, ev.Err = handshakeErr(err, sc, wait)
		ev.TLS = &result.TLSInfo{Conn: result.TLSControl, ServerName: cfg.ServerName}
		c.sess.Event(ev, "")
		c.hangUp("the TLS handshake failed; the session cannot go on")
		return false
	}
	cs := tc.ConnectionState()
	ev.TLS = transcript.TLSFromState(result.TLSControl, cs, true, nil)
	if c.p.certSeen(ev.TLS.Cert.SHA256) {
		ev.TLS.Cert = nil // the transcript shows a certificate once
	} else {
		ev.TLS.Cert.Problems = c.p.checkCert(cs)
	}
	c.sess.Event(ev, "")
	c.switchTo(tc)
	c.sniff = sc
	return true
}

// switchTo reads and writes the control connection through tc from now on.
func (c *ctrl) switchTo(tc *tls.Conn) {
	c.conn = tc
	c.rc = transcript.Record(tc, c.sess, transcript.ClientSide)
	c.br = bufio.NewReader(c.rc)
	c.rr = ftp.NewReplyReader(c.br, maxLineBytes, maxReplyBytes)
	c.tls = true
}

// dataTLS is a data connection's handshake under way: it starts as soon as
// the connection opens, beside the command that uses it, since servers
// differ in whether they answer 150 before or after it.
type dataTLS struct {
	tc       *tls.Conn
	raw      net.Conn
	done     chan error
	err      error
	waited   bool
	noResume bool
}

// secureData starts the TLS handshake on a data connection. noResume
// offers no session on purpose (a fresh configuration without a cache).
func (c *ctrl) secureData(ctx context.Context, dc net.Conn, cfg *tls.Config, noResume bool) *dataTLS {
	if noResume {
		cfg = &tls.Config{ServerName: cfg.ServerName, InsecureSkipVerify: true, MaxVersion: cfg.MaxVersion}
	}
	sc := &sniffConn{Conn: dc}
	d := &dataTLS{tc: tls.Client(sc, cfg), raw: dc, done: make(chan error, 1), noResume: noResume}
	wait := c.p.opts.HandshakeTimeout
	go func() {
		start := time.Now()
		dc.SetDeadline(start.Add(wait))
		err := d.tc.HandshakeContext(ctx)
		dc.SetDeadline(time.Time{})
		ev := result.EventInfo{Op: result.OpTLS, Addr: dc.RemoteAddr().String(), Dur: time.Since(start), Outcome: result.Connected}
		ev.TLS = &result.TLSInfo{Conn: result.TLSData, ServerName: cfg.ServerName}
		if err != nil {
			ev.Outcome, ev.Err = handshakeErr(err, sc, wait)
		} else {
			ev.TLS = transcript.TLSFromState(result.TLSData, d.tc.ConnectionState(), false, nil)
		}
		ev.TLS.NoResume = noResume
		c.sess.Event(ev, "")
		d.done <- err
	}()
	return d
}

// wait returns the handshake's outcome, once.
func (d *dataTLS) wait() error {
	if !d.waited {
		d.err, d.waited = <-d.done, true
	}
	return d.err
}

// abort ends a handshake the server will not finish (it refused the
// transfer) and waits for it, so its event is recorded.
func (d *dataTLS) abort() {
	d.raw.Close()
	d.wait()
}

// authTLS is the plan's "AUTH TLS" step: explicit TLS before the login.
func (r *sessRun) authTLS() stepResult {
	if r.idx > 0 && !r.p.tlsUsed() {
		return stepResult{status: result.NotChecked, detail: "TLS is not in use (the first session's AUTH TLS was refused)"}
	}
	code, text, ok := r.c.cmd("AUTH TLS")
	switch {
	case !ok:
		return stepResult{status: result.Fail, detail: "no reply to AUTH TLS", stop: true}
	case code >= 400 && r.p.opts.TLS == TLSRequire:
		return stepResult{status: result.Fail, detail: "AUTH TLS refused, and --tls require: " + firstLine(text), stop: true}
	case code >= 400:
		r.sess.Note("the server refuses TLS; the probe goes on in plain text, as FileZilla does by default")
		return stepResult{status: result.Warn, detail: "AUTH TLS refused: " + firstLine(text)}
	case code != 234:
		return stepResult{status: result.Fail, detail: "AUTH TLS answered " + firstLine(text), stop: true}
	}
	return r.handshake()
}

// implicitTLS is the plan's "TLS" step: implicit FTPS, before the greeting.
func (r *sessRun) implicitTLS() stepResult { return r.handshake() }

// handshake does the control connection's handshake for either step.
func (r *sessRun) handshake() stepResult {
	r.tlsCfg = r.p.newTLSConfig()
	if !r.c.startTLS(r.ctx, r.tlsCfg) {
		return stepResult{status: result.Fail, detail: "the TLS handshake failed", stop: true}
	}
	if r.idx == 0 {
		r.p.mu.Lock()
		r.p.tlsOn = true
		r.p.mu.Unlock()
	}
	cs := r.c.conn.(*tls.Conn).ConnectionState()
	keepExpired(r.tlsCfg, cs)
	return stepResult{status: result.Pass, detail: tls.VersionName(cs.Version) + ", " + tls.CipherSuiteName(cs.CipherSuite)}
}

// keepExpired lets data connections resume a session whose certificate
// has expired: crypto/tls drops such sessions from its cache, but the probe
// has reported the certificate and goes on, as FileZilla does once the user
// accepts it. The session's clock stands a minute before the expiry; set
// before the first read, it also dates the tickets that read brings.
func keepExpired(cfg *tls.Config, cs tls.ConnectionState) {
	if len(cs.PeerCertificates) == 0 {
		return
	}
	shift := time.Until(cs.PeerCertificates[0].NotAfter) - time.Minute
	if shift >= 0 {
		return
	}
	cfg.Time = func() time.Time { return time.Now().Add(shift) }
}

// protect is the plan's "PBSZ+PROT" step: data connections under TLS too.
func (r *sessRun) protect() stepResult {
	if !r.c.tls {
		return stepResult{}
	}
	for _, line := range []string{"PBSZ 0", "PROT P"} {
		code, text, ok := r.c.cmd("%s", line)
		if !ok {
			return stepResult{status: result.Fail, detail: "no reply to " + line, stop: true}
		}
		if code >= 400 {
			r.sess.Note("data connections stay in clear text")
			return stepResult{status: result.Warn, detail: line + " refused: " + firstLine(text)}
		}
	}
	r.protected = true
	return stepResult{status: result.Pass, detail: "data connections are protected"}
}

// noResume is the plan's "TLS without resumption" step: one listing whose
// data connection offers no session, to learn whether the server enforces
// resumption (vsftpd's require_ssl_reuse, ftpdiag's default).
func (r *sessRun) noResume() stepResult {
	if !r.protected {
		return stepResult{status: result.NotChecked, detail: "no protected data connections in this session"}
	}
	r.freshData = true
	defer func() { r.freshData = false }()
	dc, res := r.openPassive(r.passive)
	if dc == nil {
		return res
	}
	_, res = r.transferCmd(dc, r.listCmd())
	if res.status == result.Pass {
		return stepResult{status: result.Pass, detail: "the server accepts data connections that do not resume the session: " + res.detail}
	}
	return stepResult{status: result.Pass, detail: "the server refuses data connections that do not resume the session (" + res.detail + ")", stop: r.c.dead}
}

// certSeen tells whether a certificate was shown already; the first call
// for each one says no. Another certificate on another connection (servers
// behind a load balancer) is shown and checked too.
func (p *prober) certSeen(fp string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.certs == nil {
		p.certs = map[string]bool{}
	}
	seen := p.certs[fp]
	p.certs[fp] = true
	return seen
}

// tlsUsed tells whether the first session's control connection is TLS.
func (p *prober) tlsUsed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tlsOn
}
