package server

import (
	"fmt"
	"net/netip"
	"sync"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/transcript"
)

// DefaultSweepInterval is the least time between two sweeps from one client
// address. A probe sweeps once per run; a client sweeping every 0.2 s keeps
// the passive range from everyone else (issue 16), and once a minute leaves
// it free at least five sixths of the time.
const DefaultSweepInterval = time.Minute

// sweepLimits remembers when each address last started a sweep.
type sweepLimits struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// wait is how long ip must still wait for its next sweep; 0 when it may go.
func (l *sweepLimits) wait(ip string, every time.Duration, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if every < 0 {
		return 0
	}
	if t, ok := l.last[ip]; ok && now.Sub(t) < every {
		return every - now.Sub(t)
	}
	return 0
}

// started records a sweep, and forgets addresses whose wait is over, so
// the map holds at most the sweeps of the last interval.
func (l *sweepLimits) started(ip string, every time.Duration, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	for a, t := range l.last {
		if now.Sub(t) >= every {
			delete(l.last, a)
		}
	}
	l.last[ip] = now
}

// ParseTrusted reads a --sweep-trusted value: an address (192.0.2.7,
// 2001:db8::7) or a network (192.0.2.0/28).
func ParseTrusted(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is neither an address nor a network (192.0.2.7, 192.0.2.0/28)", s)
	}
	ip = ip.Unmap()
	return netip.PrefixFrom(ip, ip.BitLen()), nil
}

// sweepTrusted tells whether the client's address is one the server lets
// sweep on every scrape (Config.SweepTrusted).
func (s *session) sweepTrusted() bool {
	ip, ok := netip.AddrFromSlice(s.remote.IP)
	if !ok {
		return false
	}
	for _, p := range s.srv.cfg.SweepTrusted {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// sweepRefusal says why this session may not sweep now (code 0: it may).
// The one-at-a-time rule is checked apart, as the sweep takes the range.
func (s *session) sweepRefusal(now time.Time) (int, string) {
	if s.anon && !s.srv.cfg.AllowAnonymousSweep {
		return ftp.FileUnavailable, "SWEEP is not open to anonymous users on this server (it was started without --allow-anonymous-sweep)"
	}
	interval := s.srv.cfg.SweepInterval
	if wait := s.srv.sweeps.wait(s.remote.IP.String(), interval, now); wait > 0 && !s.sweepTrusted() {
		return ftp.FileBusy, fmt.Sprintf("SWEEP limit: one per address every %s; try again in %s",
			every(interval), transcript.Human((wait + time.Second - 1).Truncate(time.Second)))
	}
	return 0, ""
}
