package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/jlaffaye/ftp"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// maxTypicalControl bounds what the typical client may read on its control
// connection in all: the library itself reads replies without limit.
const maxTypicalControl = 1 << 20

// typical is the session of a standard client library with its defaults
// (EPSV falling back to PASV), every connection it makes recorded.
type typical struct {
	r       *sessRun
	conn    *ftp.ServerConn
	ctrl    net.Conn
	entries []*ftp.Entry
	dir     string // the directory listed
	cut     bool   // the probe cut a transfer at its own limit
	mu      sync.Mutex
	tlsCfg  *tls.Config // the library's TLS, when the probe uses TLS
}

func (r *sessRun) clientLogin() stepResult {
	t := &typical{r: r}
	r.client = t
	opts := []ftp.DialOption{ftp.DialWithDialFunc(t.dial), ftp.DialWithContext(r.ctx)}
	switch {
	case r.p.opts.Implicit:
		t.tlsCfg = r.p.typicalTLS(r)
		opts = append(opts, ftp.DialWithTLS(t.tlsCfg))
	case r.p.tlsUsed():
		t.tlsCfg = r.p.typicalTLS(r)
		opts = append(opts, ftp.DialWithExplicitTLS(t.tlsCfg))
	}
	conn, err := ftp.Dial(r.p.addr(), opts...)
	if err != nil {
		return stepResult{status: result.Fail, detail: "could not connect: " + clientErr(err), stop: true}
	}
	t.conn = conn
	if err := checkArgs("USER", r.p.target.User, "PASS", r.p.target.Password); err != nil {
		r.c.hangUp("the probe refused to log in: " + err.Error())
		return stepResult{status: result.Fail, detail: "login: " + err.Error(), stop: true}
	}
	r.p.logins.Lock()
	err = conn.Login(r.p.target.User, r.p.target.Password)
	r.p.logins.Unlock()
	if err != nil {
		return stepResult{status: result.Fail, detail: "login: " + clientErr(err), stop: true}
	}
	return stepResult{status: result.Pass, detail: "logged in"}
}

func (r *sessRun) clientList() stepResult {
	dir := r.p.target.Path
	if dir == "" || dir == "/" {
		// The login directory, as a client shows first; "/" may be
		// elsewhere on a server without chroot.
		cwd, err := r.client.conn.CurrentDir()
		if err != nil {
			return stepResult{status: result.Fail, detail: "PWD: " + clientErr(err)}
		}
		dir = cwd
	}
	if err := checkArgs("LIST", dir); err != nil {
		return stepResult{status: result.Fail, detail: err.Error(), stop: true}
	}
	entries, err := r.client.conn.List(dir)
	r.client.dir = dir
	if err != nil && r.client.cut {
		return stepResult{status: result.NotChecked, detail: "cut by the probe at its own limit (--max-bytes or the transfer time): the listing's end was not seen", stop: true}
	}
	if err != nil {
		return stepResult{status: result.Fail, detail: "a standard client cannot list: " + clientErr(err), stop: true}
	}
	r.client.entries = entries
	return stepResult{status: result.Pass, detail: fmt.Sprintf("a standard client lists %d entries", len(entries))}
}

func (r *sessRun) clientRetr() stepResult {
	name := r.p.opts.File
	for _, e := range r.client.entries {
		if name == "" && e.Type == ftp.EntryTypeFile && checkArgs("RETR", e.Name) == nil {
			name = path.Join(r.client.dir, e.Name)
		}
	}
	if name == "" {
		return stepResult{status: result.NotChecked, detail: "no regular file in the listing (use --file)"}
	}
	if err := checkArgs("RETR", name); err != nil {
		return stepResult{status: result.Fail, detail: err.Error()}
	}
	resp, err := r.client.conn.Retr(name)
	if err != nil {
		return stepResult{status: result.Fail, detail: "a standard client cannot download " + name + ": " + clientErr(err)}
	}
	n, err := io.Copy(io.Discard, resp)
	cerr := resp.Close()
	if err = errors.Join(err, cerr); err != nil && r.client.cut {
		return stepResult{status: result.NotChecked, detail: fmt.Sprintf("cut by the probe after %d bytes of %s (--max-bytes or the transfer time): the download's end was not seen", n, name)}
	}
	if err != nil {
		return stepResult{status: result.Fail, detail: fmt.Sprintf("a standard client's download of %s failed after %d bytes: %s", name, n, clientErr(err))}
	}
	r.client.conn.Quit()
	return stepResult{status: result.Pass, detail: fmt.Sprintf("a standard client downloads %s: %d bytes", name, n)}
}

// checkArgs puts what the library is about to send through the probe's
// own check of commands (pairs of verb and argument): under explicit TLS
// the library writes past the probe's writer, so its arguments are checked
// before they are handed over; in plain text cmdGuard checks its lines too.
func checkArgs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := checkCommand(pairs[i] + " " + pairs[i+1]); err != nil {
			return fmt.Errorf("the probe refused to send %s: %w", pairs[i], err)
		}
	}
	return nil
}

// clientErr names a library error without its wrapping.
func clientErr(err error) string {
	return errText(err)
}

// dial is the library's dial function: the first call is the control
// connection, every later one a data connection, each recorded and bounded.
func (t *typical) dial(network, address string) (net.Conn, error) {
	t.mu.Lock()
	first := t.ctrl == nil
	t.mu.Unlock()
	r := t.r
	if first {
		c, ok := r.p.dialControl(r.ctx, r.sess)
		if !ok {
			return nil, fmt.Errorf("control connection to %s failed", r.p.addr())
		}
		r.c = c
		t.mu.Lock()
		t.ctrl = c.conn
		t.mu.Unlock()
		return t.controlConn(c)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return nil, fmt.Errorf("the library asked for %q: %w", address, err)
	}
	dc, ok := r.c.dialData(r.ctx, r.c.dataTarget(netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())), nil)
	if !ok {
		return nil, fmt.Errorf("data connection to %s failed", address)
	}
	if t.tlsCfg != nil {
		// With a dial function of its own the library leaves the data
		// connection's TLS to it; the handshake starts at the first read.
		dc = tls.Client(dc, t.tlsCfg)
	}
	context.AfterFunc(r.ctx, func() { dc.Close() }) // the overall deadline
	return &dataConn{Conn: dc, r: r, start: time.Now()}, nil
}

func (t *typical) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctrl != nil {
		t.ctrl.Close()
	}
}

// boundConn gives every line the library reads a deadline and the whole
// connection a byte limit, which the library does not. The deadline is
// per line, not per read: a server dripping a byte every few seconds
// would otherwise keep each read, and so the session, alive for ever.
type boundConn struct {
	net.Conn
	wait    time.Duration
	limit   int
	read    int
	midLine bool // the last read ended inside a line: its deadline holds
	// plain, where set, is the recorder under explicit TLS: once it has
	// switched, this connection carries ciphertext, which has no lines,
	// and every read gets the deadline (the overall deadline still holds).
	plain *plainUntilTLS
}

// errTooMuch ends the library's control connection once it has read more
// than its limit.
var errTooMuch = errors.New("the control connection sent more than the typical client reads")

func (b *boundConn) Read(p []byte) (int, error) {
	if b.read > b.limit {
		return 0, errTooMuch
	}
	if !b.midLine || b.plain != nil && b.plain.switched {
		b.Conn.SetReadDeadline(time.Now().Add(b.wait))
	}
	n, err := b.Conn.Read(p)
	b.read += n
	if n > 0 {
		b.midLine = p[n-1] != '\n'
	}
	return n, err
}

// dataConn counts a data connection's bytes, cuts it at the limits the
// probe's own transfers have, and records how it ended.
type dataConn struct {
	net.Conn
	r     *sessRun
	start time.Time
	bytes int64
	ended bool
}

func (d *dataConn) Read(p []byte) (int, error) {
	o := d.r.p.opts
	if d.bytes >= o.MaxBytes || time.Since(d.start) > o.TransferTime || d.r.ctx.Err() != nil {
		d.end(result.Truncated, "client")
		return 0, fmt.Errorf("the probe cut the transfer at %d bytes", d.bytes)
	}
	d.Conn.SetReadDeadline(time.Now().Add(o.StallTimeout))
	n, err := d.Conn.Read(p)
	if tc, ok := d.Conn.(*tls.Conn); ok && err != nil && !tc.ConnectionState().HandshakeComplete {
		d.handshakeFailed(err)
	}
	d.bytes += int64(n)
	switch out := transferEnd(err); {
	case err == nil:
	case d.r.ctx.Err() != nil: // the overall deadline closed it
		d.end(result.Truncated, "client")
	case out == result.Stalled:
		d.end(out, "client")
	default:
		d.end(out, "server")
	}
	return n, err
}

// handshakeFailed records the library's data handshake that did not
// complete (the ones that did are recorded by typicalTLS).
func (d *dataConn) handshakeFailed(err error) {
	out, why := handshakeErr(err, &sniffConn{}, d.r.p.opts.StallTimeout)
	d.r.sess.Event(result.EventInfo{Op: result.OpTLS, Addr: d.Conn.RemoteAddr().String(), Outcome: out, Err: why,
		TLS: &result.TLSInfo{Conn: result.TLSData, ServerName: d.r.p.target.Host}}, "")
}

func (d *dataConn) Close() error {
	d.end(result.Complete, "client")
	return d.Conn.Close()
}

func (d *dataConn) end(out result.Outcome, by string) {
	if d.ended {
		return
	}
	d.ended = true
	ev := result.EventInfo{Op: result.OpDataClose, Outcome: out, Bytes: d.bytes, By: by, Dur: time.Since(d.start)}
	if out == result.Stalled {
		ev.Dur = d.r.p.opts.StallTimeout
		// The library lists before it downloads: no entries yet, a listing.
		d.r.p.markStalled(d.r.client != nil && d.r.client.entries == nil, d.bytes)
	}
	d.r.sess.Event(ev, "")
	if out == result.Truncated {
		d.r.client.cut = true
	}
	if out == result.Stalled || out == result.Truncated {
		// The library would now wait a whole reply timeout for the 226
		// that a server still sending (or stuck) does not give: the
		// verdict is known, so hang up, as the probe's own sessions do.
		d.r.c.hangUp("the data transfer did not end normally; the server may not answer until it does")
	}
}

// controlConn is what the library's control connection reads and writes:
// the recorded connection while it speaks plain text; under implicit TLS
// the handshake is done here, and under explicit TLS the library's own
// handshake takes over after the 234, past the recorder (which would read
// ciphertext as replies).
func (t *typical) controlConn(c *ctrl) (net.Conn, error) {
	o := t.r.p.opts
	if o.Implicit {
		tc := tls.Client(c.conn, t.tlsCfg)
		if err := tc.HandshakeContext(t.r.ctx); err != nil {
			return nil, fmt.Errorf("TLS: %w", err)
		}
		t.r.sess.Note("the library's control connection is encrypted; its commands and replies are not recorded")
		return &boundConn{Conn: &cmdGuard{tc}, wait: o.ReplyTimeout, limit: maxTypicalControl}, nil
	}
	plain := &plainUntilTLS{Conn: c.rc, raw: c.conn, r: t.r}
	return &boundConn{Conn: &cmdGuard{plain}, wait: o.ReplyTimeout, limit: maxTypicalControl, plain: plain}, nil
}

// cmdGuard is the library's writer of commands seen from the probe: each
// write is one command line ending in CRLF (net/textproto writes a line at
// a time), and one holding any other control character is refused before
// a byte of it goes out, as the probe's own writer does.
type cmdGuard struct{ net.Conn }

func (g *cmdGuard) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\r\n") {
		if err := checkCommand(strings.TrimSuffix(line, "\r\n")); err != nil {
			return 0, err
		}
	}
	return g.Conn.Write(b)
}

// plainUntilTLS records the control connection until the reply to AUTH
// TLS has been read; from then on the library's TLS reads the raw one.
type plainUntilTLS struct {
	net.Conn          // the recorder
	raw      net.Conn // under it
	r        *sessRun
	authSent bool
	switched bool
}

func (p *plainUntilTLS) Write(b []byte) (int, error) {
	if p.switched {
		return p.raw.Write(b)
	}
	p.authSent = p.authSent || strings.HasPrefix(strings.ToUpper(string(b)), "AUTH TLS")
	return p.Conn.Write(b)
}

func (p *plainUntilTLS) Read(b []byte) (int, error) {
	if p.switched {
		return p.raw.Read(b)
	}
	n, err := p.Conn.Read(b)
	if p.authSent && strings.Contains(string(b[:n]), "\n") {
		p.switched = true
		p.r.sess.Note("the library's control connection is encrypted from here on; its commands and replies are not recorded")
	}
	return n, err
}

// typicalTLS is the library's TLS configuration: a session cache of its own
// (it resumes on data connections as FileZilla does), any certificate
// accepted (the probe's own sessions report it), and every handshake
// recorded once it is done.
func (p *prober) typicalTLS(r *sessRun) *tls.Config {
	cfg := p.newTLSConfig()
	first := true
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		conn := result.TLSData
		if first {
			conn, first = result.TLSControl, false
			keepExpired(cfg, cs)
		}
		r.sess.Event(result.EventInfo{Op: result.OpTLS, Outcome: result.Connected,
			TLS: transcript.TLSFromState(conn, cs, false, nil)}, "")
		return nil
	}
	return cfg
}
