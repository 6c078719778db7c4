package selftest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/probe"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/transcript"
)

// shutdownTimeout bounds stopping the self-test's server; the probe has
// finished by then, so nothing needs to drain.
const shutdownTimeout = 2 * time.Second

// Config is what the self-test is told.
type Config struct {
	Address     string // local address to listen on and probe; "" is 127.0.0.1
	MaxSessions int    // sizes the passive range, as the server's --max-connections
	Probe       probe.Options
	Tool        result.Tool
	// TLS, where set, makes the self-test's server offer explicit FTPS
	// (AUTH TLS) with this certificate, and the probe test it, trusting it:
	// the question is whether FTPS works here, not who signed it.
	TLS *tls.Certificate
	// FromOutside, where set, asks a check service elsewhere to probe this
	// machine back once the loopback probe is done. The server then listens
	// on every address (unless Address says which) and lets the outside log
	// in anonymously, so no password leaves this machine.
	FromOutside OutsideFunc
	// PasvAddress is the address the server advertises in PASV (behind NAT).
	PasvAddress string
}

// Outcome is the probe's result with the local findings and the machine's
// checks added (see MachineChecks), and what the self-test learned about
// this machine.
type Outcome struct {
	Result   *result.Result
	Plan     Plan
	Firewall Firewall
	Outside  string // the probe command to run from outside
	TLS      string // which ports speak TLS, and how; "" for plain FTP
	// FromOutside is what the probe from outside found, where one ran.
	FromOutside *OutsideView
}

// Run plans the ports, reads the local firewall, starts the reference server
// on the planned ports and probes it, passive and active.
func Run(ctx context.Context, cfg Config) (*Outcome, error) {
	addr := cfg.Address
	if addr == "" {
		addr = "127.0.0.1"
	}
	if net.ParseIP(addr) == nil {
		return nil, fmt.Errorf("--address %q is not an IP address of this machine", addr)
	}
	pl := MakePlan(cfg.MaxSessions)
	o := &Outcome{Plan: pl}
	o.Firewall = ReadFirewall(ctx, pl.firewallPorts())

	user, pass := "selftest", randomPassword()
	listen := addr
	if cfg.FromOutside != nil && cfg.Address == "" {
		listen = "0.0.0.0"
	}
	srv, ln, err := startServer(listen, pl, serverUsers{user, pass, cfg.FromOutside != nil}, cfg.MaxSessions, cfg.TLS, cfg.PasvAddress)
	if err != nil {
		return nil, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	t := probe.Target{Host: addr, Port: port, User: user, Password: pass, HasPass: true, Path: "/"}
	opts := cfg.Probe
	opts.Sweep = true
	if cfg.TLS != nil {
		opts.TLS, opts.Roots = probe.TLSAuto, x509.NewCertPool()
		opts.Roots.AddCert(cfg.TLS.Leaf)
		o.TLS = fmt.Sprintf("explicit FTPS (AUTH TLS) on port %d, data protected with PROT P and resuming the control session; certificate %s",
			port, transcript.Fingerprint(cfg.TLS.Leaf.Raw))
	}
	var missing6 *result.Check
	if cfg.Address == "" {
		stop, why := bothLoopbacks(&t, &opts, pl, serverUsers{user: user, pass: pass}, cfg.MaxSessions, cfg.TLS)
		defer stop()
		if why != "" {
			missing6 = &result.Check{Name: "IPv6 (::1)", Status: result.NotChecked, Family: result.FamilyIPv6, Detail: why}
		}
	}
	out := probe.Run(ctx, t, opts)
	rec := out.Record()
	if missing6 != nil {
		rec.Checks = append(rec.Checks, *missing6)
	}
	o.Result = diagnose.NewResult(diagnose.Input{Tool: cfg.Tool, Record: rec, Local: o.localFindings(diagnose.Diagnose(rec.Entries))})
	qualify(o.Result)
	o.Outside = outsideCommand(pl)
	o.Result.Checks = append(o.Result.Checks, o.MachineChecks()...)
	if cfg.FromOutside != nil {
		o.addOutside(cfg.FromOutside(ctx, port))
	}
	return o, nil
}

// loopbackName is the name the self-test gives its two loopback addresses,
// through its own resolver: no lookup leaves the process.
const loopbackName = "localhost"

// bothLoopbacks starts a second server on ::1, on the same port, and points
// the probe at a name with both loopback addresses: the whole plan over
// IPv4, login and a passive listing over IPv6. It says why not where the
// host has no IPv6 loopback.
func bothLoopbacks(t *probe.Target, opts *probe.Options, pl Plan, users serverUsers, maxSessions int, cert *tls.Certificate) (func(), string) {
	v6, _, err := startServer("::1", withPort(pl, t.Port), users, maxSessions, cert, "")
	if err != nil {
		return func() {}, "no IPv6 loopback here (" + err.Error() + ")"
	}
	t.Host = loopbackName
	opts.Prefer = result.FamilyIPv4
	opts.Resolver = loopbacks{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		v6.Shutdown(sctx)
	}, ""
}

func withPort(pl Plan, port int) Plan {
	pl.ControlPort = port
	return pl
}

// loopbacks resolves loopbackName to the loopback addresses, and nothing else.
type loopbacks []netip.Addr

func (l loopbacks) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if host != loopbackName {
		return nil, &net.DNSError{Err: "the self-test resolves only " + loopbackName, Name: host, IsNotFound: true}
	}
	return l, nil
}

// serverUsers are the self-test server's logins: its throw-away user, and
// anonymous where a probe from outside needs to log in without a password.
type serverUsers struct {
	user, pass string
	anonymous  bool
}

func startServer(addr string, pl Plan, users serverUsers, maxSessions int, cert *tls.Certificate, pasvAddress string) (*server.Server, net.Listener, error) {
	if maxSessions <= 0 {
		maxSessions = DefaultMaxSessions
	}
	srv, err := server.New(server.Config{
		Listen:       net.JoinHostPort(addr, strconv.Itoa(pl.ControlPort)),
		PasvMin:      pl.PasvMin,
		PasvMax:      pl.PasvMax,
		ActiveFrom20: pl.ActiveFrom20,
		Users:        map[string]string{users.user: users.pass},
		Anonymous:    users.anonymous,
		PasvAddress:  pasvAddress,
		MaxConns:     maxSessions,
		LoginDelay:   time.Second,
		TLS:          cert,
	})
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(pl.ControlPort)))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot listen on %s:%d: %w", addr, pl.ControlPort, err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, server.ErrServerClosed) {
			ln.Close()
		}
	}()
	return srv, ln, nil
}

// randomPassword makes the throw-away password of the self-test's user.
func randomPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (pl Plan) firewallPorts() []int {
	ports := []int{pl.ControlPort}
	if pl.ControlPort != ControlPort {
		ports = append(ports, ControlPort)
	}
	for p := pl.PasvMin; p <= pl.PasvMax; p++ {
		ports = append(ports, p)
	}
	return ports
}

// outsideCommand is the one command to run from another network once the
// server runs for real, since a machine reaching its own address goes through
// loopback and never meets the firewall in front of it.
func outsideCommand(pl Plan) string {
	host := "PUBLIC-ADDRESS"
	if a := firstGlobalAddress(); a != "" {
		host = a
	}
	return fmt.Sprintf("ftpdiag probe --sweep ftp://USER@%s:%d/", host, pl.ControlPort)
}

// firstGlobalAddress is this machine's first global unicast address, to put
// in the outside command; it is printed, never dialled.
func firstGlobalAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.IsGlobalUnicast() && ipn.IP.To4() != nil {
			return ipn.IP.String()
		}
	}
	return ""
}
