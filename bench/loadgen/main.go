// Command loadgen runs the session load of the server benchmarks (login,
// LIST, RETR of a small file, QUIT; many at once) against FTP servers on
// loopback, plain or FTPS, so ftpdiag, vsftpd and pure-ftpd are compared
// with the same client. With -retr it measures one big download instead.
//
//	loadgen -addr 127.0.0.1:2121 -user anonymous -pass x -file small -c 200 -n 2000 -runs 5
//	loadgen -tls -target vsftpd=127.0.0.1:2001 -target pure-ftpd=john:secret@127.0.0.1:2002 \
//	        -target ftpdiag=127.0.0.1:2003 -file small -runs 5
//	loadgen -tls -retr big -runs 5 -target ...
//
// With several targets the runs take turns (one run of each, then the
// next round), so a machine's changing load falls on all of them alike,
// and the medians are printed side by side with their ratio to the best
// of the others.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"ftpdiag/bench/ftpload"
)

// target is one server under load.
type target struct {
	name string
	cfg  ftpload.Config
	vals []float64 // one figure per run
	fail int
}

type targets []string

func (t *targets) String() string     { return strings.Join(*t, ",") }
func (t *targets) Set(v string) error { *t = append(*t, v); return nil }

func main() {
	var base ftpload.Config
	var ts targets
	flag.StringVar(&base.Addr, "addr", "127.0.0.1:2121", "server `host:port` (loopback only), when no -target is given")
	flag.StringVar(&base.User, "user", "anonymous", "user name")
	flag.StringVar(&base.Pass, "pass", "loadgen@example.com", "password")
	flag.StringVar(&base.File, "file", "small", "small file to download")
	flag.IntVar(&base.Concurrent, "c", 200, "sessions at once")
	flag.IntVar(&base.Sessions, "n", 1000, "sessions per run")
	flag.DurationVar(&base.Timeout, "timeout", 60*time.Second, "bound on one session")
	flag.Var(&ts, "target", "`name=[user:pass@]host:port` to load (repeatable; loopback only)")
	useTLS := flag.Bool("tls", false, "FTPS: AUTH TLS, PBSZ 0, PROT P, data connections resuming the session")
	implicit := flag.Bool("implicit", false, "FTPS with TLS from the first byte (implies -tls)")
	retr := flag.String("retr", "", "instead of sessions: download this `file` once a run and report MB/s")
	runs := flag.Int("runs", 5, "runs; the median is printed")
	flag.Parse()
	if *useTLS || *implicit {
		// A throw-away certificate on loopback: what is measured is the
		// cost of TLS, not the trust in it. The key exchanges are those
		// the common clients offer (OpenSSL 3.0 in curl, GnuTLS in
		// FileZilla and lftp), not Go's default post-quantum hybrid,
		// which only Go servers would pick.
		base.TLS = &tls.Config{InsecureSkipVerify: true, ServerName: "localhost",
			CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256}}
		base.Implicit = *implicit
	}
	list, err := parseTargets(base, ts)
	if err == nil {
		err = run(list, *runs, *retr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// parseTargets reads the -target flags; without any, -addr is the one.
func parseTargets(base ftpload.Config, ts targets) ([]*target, error) {
	if len(ts) == 0 {
		ts = targets{"server=" + base.Addr}
	}
	var out []*target
	for _, spec := range ts {
		name, rest, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, fmt.Errorf("-target %q: want name=[user:pass@]host:port", spec)
		}
		cfg := base
		if cred, addr, ok := strings.Cut(rest, "@"); ok {
			cfg.User, cfg.Pass, _ = strings.Cut(cred, ":")
			rest = addr
		}
		cfg.Addr = rest
		if err := loopbackOnly(rest); err != nil {
			return nil, err
		}
		out = append(out, &target{name: name, cfg: cfg})
	}
	return out, nil
}

// loopbackOnly keeps the load generator from ever loading a real host.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s: only loopback addresses (127.0.0.0/8, ::1) may be loaded", addr)
	}
	return nil
}

func run(list []*target, runs int, retr string) error {
	if runs < 1 || list[0].cfg.Concurrent < 1 || list[0].cfg.Sessions < 1 {
		return errors.New("-runs, -c and -n must be at least 1")
	}
	unit := "sessions/s"
	if retr != "" {
		unit = "MB/s"
	}
	for i := range runs {
		for _, t := range list {
			v, note := t.once(retr)
			fmt.Fprintf(os.Stderr, "run %d %-10s %8.1f %s%s\n", i+1, t.name, v, unit, note)
		}
	}
	printTable(list, unit)
	return nil
}

// once makes one run against t and records its figure; the note says
// what this run has to tell (its TLS, or its failures).
func (t *target) once(retr string) (float64, string) {
	if retr != "" {
		v, tlsUsed, err := download(t.cfg, retr)
		t.vals = append(t.vals, v)
		if err != nil {
			t.fail++
			return v, " (failed: " + err.Error() + ")"
		}
		return v, " (" + tlsUsed + ")"
	}
	r := ftpload.Run(context.Background(), t.cfg)
	t.fail += r.Failures
	t.vals = append(t.vals, r.PerSecond())
	if r.FirstError != nil {
		return r.PerSecond(), fmt.Sprintf(" (%d failed, the first: %v)", r.Failures, r.FirstError)
	}
	return r.PerSecond(), ""
}

// download logs in and times one RETR of file, from the command to the
// 226; it returns MB/s and the TLS version and cipher used.
func download(cfg ftpload.Config, file string) (float64, string, error) {
	ctx := context.Background()
	c, err := ftpload.Login(ctx, cfg)
	if err != nil {
		return 0, "", err
	}
	defer c.Close()
	start := time.Now()
	n, err := c.Transfer(ctx, "RETR "+file, discard{})
	if err != nil {
		return 0, "", err
	}
	return float64(n) / 1e6 / time.Since(start).Seconds(), c.TLS(), nil
}

// discard is io.Discard without its ReaderFrom, so every byte is read
// through the connection as a client would.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// printTable writes the medians side by side, each with its ratio to the
// best median of the other targets.
func printTable(list []*target, unit string) {
	fmt.Printf("%-10s %12s %10s %9s  %s\n", "server", "median", "unit", "ratio", "(to the best of the others; failures)")
	for _, t := range list {
		best := 0.0
		for _, o := range list {
			if o != t {
				best = max(best, median(o.vals))
			}
		}
		ratio := "-"
		if best > 0 {
			ratio = fmt.Sprintf("%.2f", median(t.vals)/best)
		}
		fmt.Printf("%-10s %12.1f %10s %9s  %d failures over %d runs\n", t.name, median(t.vals), unit, ratio, t.fail, len(t.vals))
	}
}
