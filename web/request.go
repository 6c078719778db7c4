package web

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode"

	"ftpdiag/ftp"
	"ftpdiag/probe"
)

// request is what a visitor asks for, from the form or the API.
type request struct {
	URL      string `json:"url"`
	User     string `json:"user"`
	Password string `json:"password"`
	Mode     string `json:"mode"` // "both" (default), "passive", "active"
	TLS      string `json:"tls"`  // "auto" (default), "require", "off"
	Port     int    `json:"port"` // probe-me-back only: the control port (default 21)
	Async    bool   `json:"async"`
}

// errBadRequest wraps every problem with a request: 400, said to the visitor.
var errBadRequest = errors.New("bad request")

func badf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadRequest, fmt.Sprintf(format, args...))
}

// plan is a checked request: the target and the probe's options, with the
// addresses the probe is pinned to.
type plan struct {
	target probe.Target
	opts   probe.Options
	addrs  []netip.Addr
}

// planFor checks a request against the service's policy. overTLS says
// whether the visitor's connection is encrypted: a password crosses
// nothing else.
func (s *Server) planFor(ctx context.Context, req request, overTLS bool) (plan, error) {
	var p plan
	if strings.TrimSpace(req.URL) == "" {
		return p, badf("give the server's address, such as ftp://ftp.example.org/")
	}
	t, err := probe.ParseTarget(strings.TrimSpace(req.URL))
	if err != nil {
		return p, fmt.Errorf("%w: %w", errBadRequest, err)
	}
	if t.HasPass {
		return p, badf("the URL carries a password: put it in the password field, which is sent only in the request's body")
	}
	if err := s.credentials(&t, req, overTLS); err != nil {
		return p, err
	}
	if p.addrs, err = s.resolve(ctx, t.Host); err != nil {
		return p, err
	}
	p.target = t
	p.opts, err = s.options(req, p.addrs)
	return p, err
}

// credentials puts the form's user and password into t.
func (s *Server) credentials(t *probe.Target, req request, overTLS bool) error {
	for _, f := range []struct{ name, v string }{{"user", req.User}, {"password", req.Password}} {
		if strings.ContainsFunc(f.v, unicode.IsControl) {
			return badf("the %s holds a control character, which FTP would read as the end of a command", f.name)
		}
	}
	if req.User != "" {
		if t.User != "" && !t.Anonymous() && t.User != req.User {
			return badf("the URL names user %q and the user field %q: give one", t.User, req.User)
		}
		t.User = req.User
	}
	if req.Password == "" {
		return nil
	}
	if !overTLS {
		return badf("a password is accepted only over HTTPS; open this page with https://, or leave the password out to log in anonymously")
	}
	if t.Anonymous() {
		return badf("a password needs a user name")
	}
	t.Password, t.HasPass = req.Password, true
	return nil
}

// resolve looks host up once and checks every address against the
// policy; the probe then dials only these, so a name cannot change its
// answer between the check and the probe.
func (s *Server) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a.Unmap()}
	} else {
		res := s.opts.Probe.Resolver
		if res == nil {
			return nil, badf("this check service looks up no names; give an address")
		}
		got, err := res.LookupNetIP(ctx, "ip", host)
		if err != nil || len(got) == 0 {
			return nil, badf("the name %q could not be looked up", host)
		}
		for _, a := range got {
			addrs = append(addrs, a.Unmap())
		}
	}
	for _, a := range addrs {
		if err := s.allowed(a); err != nil {
			return nil, err
		}
	}
	return addrs, nil
}

// allowed refuses addresses a public service must never be made to reach:
// the private, loopback, link-local, shared and unique-local ranges (and
// 0.0.0.0/8), unless the service was started with --allow-private.
func (s *Server) allowed(a netip.Addr) error {
	if s.opts.AllowPrivate || !ftp.NonPublic(a) {
		return nil
	}
	return badf("%s is a %s address, which this check service does not probe (it would reach its own network, not yours)", a, ftp.ClassOf(a))
}

// options maps the request onto the probe's options, with the service's
// timeouts and the pinned addresses.
func (s *Server) options(req request, addrs []netip.Addr) (probe.Options, error) {
	o := s.opts.Probe
	o.Resolver = pinned(addrs)
	o.TLS = probe.TLSAuto
	if req.TLS != "" {
		mode, err := probe.ParseTLSMode(req.TLS)
		if err != nil {
			return o, fmt.Errorf("%w: %w", errBadRequest, err)
		}
		o.TLS = mode
	}
	switch req.Mode {
	case "", "both":
	case "passive":
		o.PassiveOnly = true
	case "active":
		o.ActiveOnly = true
	default:
		return o, badf("mode %q: use both, passive or active", req.Mode)
	}
	// A web check never dials an address a PASV reply names that is not
	// the server's: that is how a page would be made to scan for others.
	o.TrustPasvAddress, o.Sweep = false, false
	return o, nil
}

// probeBackTarget is the caller's own address with the port it asks for.
func probeBackTarget(client netip.Addr, req request) (string, error) {
	port := req.Port
	if port == 0 {
		port = 21
	}
	if port < 1 || port > 65535 {
		return "", badf("port %d is not a TCP port", port)
	}
	if !client.IsValid() {
		return "", badf("the address this request came from is unknown")
	}
	scheme := "ftp"
	if req.TLS == "implicit" {
		scheme = "ftps"
	}
	return scheme + "://" + netip.AddrPortFrom(client, uint16(port)).String() + "/", nil
}

// pinned answers every look-up with the addresses already checked.
type pinned []netip.Addr

func (p pinned) LookupNetIP(_ context.Context, network, _ string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, a := range p {
		if network == "ip" || (network == "ip4") == a.Is4() {
			out = append(out, a)
		}
	}
	return out, nil
}
