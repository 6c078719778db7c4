// Package ftpload runs many short FTP sessions at once (login, LIST, RETR
// of a small file, QUIT) and counts how many complete per second, in plain
// FTP or FTPS. The server benchmarks and bench/loadgen share it, so
// ftpdiag, vsftpd and pure-ftpd are measured with the same client.
package ftpload

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says what load to make.
type Config struct {
	Addr       string // host:port of the server
	User, Pass string
	File       string        // the small file to download
	Sessions   int           // sessions in total
	Concurrent int           // sessions at once
	Timeout    time.Duration // bound on one whole session
	// TLS, when set, makes every session FTPS: AUTH TLS (or TLS from the
	// first byte when Implicit), PBSZ 0, PROT P, and a handshake on each
	// data connection resuming the control connection's session, as
	// FileZilla and curl do. ServerName should be set: Go's client keys
	// its session cache by it (else by the address, which differs for
	// every data port). Each session gets its own cache, since a shared
	// one would offer another control connection's session.
	TLS      *tls.Config
	Implicit bool
}

// Result is what a run measured.
type Result struct {
	Sessions, Failures int
	Elapsed            time.Duration
	FirstError         error
}

// PerSecond is completed sessions per second.
func (r Result) PerSecond() float64 {
	return float64(r.Sessions-r.Failures) / r.Elapsed.Seconds()
}

// Run makes the load and waits for it to finish.
func Run(ctx context.Context, cfg Config) Result {
	jobs := make(chan struct{})
	var mu sync.Mutex
	res := Result{Sessions: cfg.Sessions}
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.Concurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				if err := Session(ctx, cfg); err != nil {
					mu.Lock()
					res.Failures++
					if res.FirstError == nil {
						res.FirstError = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for range cfg.Sessions {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

// Session runs one session: login, EPSV+LIST, EPSV+RETR, QUIT.
func Session(ctx context.Context, cfg Config) error {
	c, err := Login(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, cmd := range []string{"LIST", "RETR " + cfg.File} {
		if _, err := c.Transfer(ctx, cmd, io.Discard); err != nil {
			return err
		}
	}
	return exchange(c.tp, "QUIT", 221)
}

// Conn is a logged-in control connection.
type Conn struct {
	c       net.Conn // the control connection, TLS or not
	tp      *textproto.Conn
	tls     *tls.Config // nil: plain data connections
	timeout time.Duration
}

// TLS describes the control connection's TLS ("TLS 1.3
// TLS_AES_128_GCM_SHA256"), "" for plain FTP.
func (c *Conn) TLS() string {
	tc, ok := c.c.(*tls.Conn)
	if !ok {
		return ""
	}
	cs := tc.ConnectionState()
	return tls.VersionName(cs.Version) + " " + tls.CipherSuiteName(cs.CipherSuite)
}

// Close closes the control connection.
func (c *Conn) Close() error { return c.c.Close() }

// Login connects, secures the connection where cfg.TLS asks, and logs in
// in binary mode.
func Login(ctx context.Context, cfg Config) (*Conn, error) {
	d := net.Dialer{Timeout: cfg.Timeout}
	raw, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	raw.SetDeadline(time.Now().Add(cfg.Timeout))
	c := &Conn{c: raw, timeout: cfg.Timeout}
	if cfg.TLS != nil {
		c.tls = cfg.TLS.Clone()
		c.tls.ClientSessionCache = tls.NewLRUClientSessionCache(2)
	}
	if err := c.greet(cfg); err != nil {
		c.Close()
		return nil, err
	}
	steps := []step{{"USER " + cfg.User, 331}, {"PASS " + cfg.Pass, 230}, {"TYPE I", 200}}
	if c.tls != nil {
		steps = append(steps, step{"PBSZ 0", 200}, step{"PROT P", 200})
	}
	for _, s := range steps {
		if err := exchange(c.tp, s.cmd, s.want); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

type step struct {
	cmd  string
	want int
}

// greet reads the 220, with TLS before it (implicit) or after it (AUTH TLS).
func (c *Conn) greet(cfg Config) error {
	if c.tls != nil && cfg.Implicit {
		if err := c.handshake(); err != nil {
			return err
		}
	}
	c.tp = textproto.NewConn(c.c)
	if err := exchange(c.tp, "", 220); err != nil || c.tls == nil || cfg.Implicit {
		return err
	}
	if err := exchange(c.tp, "AUTH TLS", 234); err != nil {
		return err
	}
	if err := c.handshake(); err != nil {
		return err
	}
	c.tp = textproto.NewConn(c.c)
	return nil
}

func (c *Conn) handshake() error {
	tc := tls.Client(c.c, c.tls)
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("TLS handshake: %w", err)
	}
	c.c = tc
	return nil
}

func exchange(tp *textproto.Conn, cmd string, want int) error {
	if cmd != "" {
		if err := tp.PrintfLine("%s", cmd); err != nil {
			return err
		}
	}
	if _, _, err := tp.ReadResponse(want); err != nil {
		return fmt.Errorf("%s: %w", strings.Fields(cmd + " greeting")[0], err)
	}
	return nil
}

// Transfer opens a passive connection with EPSV and copies cmd's data to
// w; it returns the bytes moved.
func (c *Conn) Transfer(ctx context.Context, cmd string, w io.Writer) (int64, error) {
	dc, err := c.dialEPSV(ctx)
	if err != nil {
		return 0, err
	}
	defer dc.Close()
	dc.SetDeadline(time.Now().Add(c.timeout))
	if err := exchange(c.tp, cmd, 150); err != nil {
		return 0, err
	}
	if c.tls != nil {
		dc = tls.Client(dc, c.tls) // the handshake comes after the 150, as servers expect
	}
	n, err := io.Copy(w, dc)
	if err != nil {
		return n, fmt.Errorf("%s data: %w", cmd, err)
	}
	// Closed before the 226 is read, as clients do: vsftpd waits for the
	// client's TLS close_notify before it answers.
	dc.Close()
	if err := exchange(c.tp, "", 226); err != nil {
		return n, fmt.Errorf("%s: %w", cmd, err)
	}
	return n, nil
}

func (c *Conn) dialEPSV(ctx context.Context) (net.Conn, error) {
	if err := c.tp.PrintfLine("EPSV"); err != nil {
		return nil, err
	}
	_, msg, err := c.tp.ReadResponse(229)
	if err != nil {
		return nil, fmt.Errorf("EPSV: %w", err)
	}
	i, j := strings.Index(msg, "(|||"), strings.LastIndex(msg, "|)")
	if i < 0 || j < i+4 {
		return nil, errors.New("EPSV: unparsable 229")
	}
	port, err := strconv.Atoi(msg[i+4 : j])
	if err != nil {
		return nil, fmt.Errorf("EPSV: %w", err)
	}
	host, _, _ := net.SplitHostPort(c.c.RemoteAddr().String())
	d := net.Dialer{Timeout: c.timeout}
	dc, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("data connect: %w", err)
	}
	return dc, nil
}
