package probe

import (
	"ftpdiag/diagnose"
	"ftpdiag/result"
	"net"
	"net/netip"
	"slices"
	"syscall"
	"testing"
	"time"
)

// blackhole is a loopback port that drops connection attempts, as a
// firewall's DROP does, without a firewall: a listener that never accepts,
// with a backlog of zero, filled up. Linux drops the SYNs that find its
// accept queue full, so a dial there times out. Skips where that does not
// hold.
func blackhole(t *testing.T) int {
	return blackholeAt(t, netip.MustParseAddr("127.0.0.1"), 0)
}

// blackholeAt is a blackhole on ip and port (0: any free port).
func blackholeAt(t testing.TB, ip netip.Addr, port int) int {
	t.Helper()
	domain := syscall.AF_INET
	var sa syscall.Sockaddr
	if ip.Is6() {
		domain, sa = syscall.AF_INET6, &syscall.SockaddrInet6{Addr: ip.As16(), Port: port}
	} else {
		sa = &syscall.SockaddrInet4{Addr: ip.As4(), Port: port}
	}
	fd, err := syscall.Socket(domain, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, sa); err != nil {
		t.Skipf("cannot bind %s port %d: %v", ip, port, err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	got, _ := syscall.Getsockname(fd)
	switch a := got.(type) {
	case *syscall.SockaddrInet4:
		port = a.Port
	case *syscall.SockaddrInet6:
		port = a.Port
	}
	addr := net.JoinHostPort(ip.String(), itoa(port))
	for range 3 {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			t.Cleanup(func() { c.Close() })
		}
	}
	if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
		c.Close()
		t.Skip("this kernel accepts connections beyond a full backlog; no blackhole without a firewall")
	}
	return port
}

// TestTimeBounds checks the contract's time bounds where a port drops
// connection attempts: one thing broken, a verdict within 1.5 connection
// timeouts; a range sampled with part of it dropped, within 3.
func TestTimeBounds(t *testing.T) {
	const timeout = 500 * time.Millisecond
	cases := []struct {
		name   string
		script func(s *scripted, hole int)
		target func(s *scripted, hole int) string
		want   []string
		bound  time.Duration
	}{
		{"control port dropped", func(*scripted, int) {},
			func(_ *scripted, hole int) string { return "127.0.0.1:" + itoa(hole) },
			[]string{diagnose.CodeControlTimeout}, 3 * timeout / 2},
		{"passive port dropped", func(s *scripted, hole int) {
			s.handlers["PASV"] = func(c *fconn, _ string) { c.say(pasvTo(hole)) }
			s.handlers["EPSV"] = func(c *fconn, _ string) { c.say("229 Entering Extended Passive Mode (|||" + itoa(hole) + "|)") }
		}, (*scripted).target, []string{diagnose.CodePassiveTimeout}, 3 * timeout / 2},
		{"part of the range dropped", func(s *scripted, hole int) {
			s.handlers["PASV"] = pasvEvery(2, func(c *fconn) { c.say(pasvTo(hole)) })
		}, (*scripted).target, []string{diagnose.CodePassivePartial}, 3 * timeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hole := blackhole(t)
			s := newScripted(t)
			tc.script(s, hole)
			o := quick()
			o.Timeout, o.PassiveOnly = timeout, true
			start := time.Now()
			res := diagnosed(probeAddr(t, "ftp://"+tc.target(s, hole)+"/", o), result.Tool{})
			took := time.Since(start)
			if got := codes(res.Findings); !slices.Equal(got, tc.want) {
				t.Errorf("codes = %v, want %v\n%s", got, tc.want, render(res.Transcript))
			}
			if took > tc.bound {
				t.Errorf("verdict after %s, more than %s (%.1f connection timeouts)", took, tc.bound, float64(tc.bound)/float64(timeout))
			}
		})
	}
}

func (s *scripted) target(int) string { return s.addr() }

func pasvTo(port int) string {
	return "227 Entering Passive Mode (127,0,0,1," + itoa(port>>8) + "," + itoa(port&255) + ")."
}
