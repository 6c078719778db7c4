// Package trace finds where on the way a TCP port stops answering, the way
// tcptraceroute does but without root or raw sockets: one ordinary TCP
// connection attempt per hop count (IPv4 TTL, IPv6 hop limit), with the
// sender of the ICMP time-exceeded or unreachable message read from the
// socket's error queue (Linux's IP_RECVERR). Two ports are traced side by
// side, the control port and a data port, so that the path where the data
// port goes silent can be named by the hops that answer the control port.
//
// Other platforms have no such error queue: Run returns ErrUnsupported
// there, and nothing else changes.
package trace

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"time"
)

// ErrUnsupported is Run's error where the platform cannot trace without
// raw sockets (everywhere but Linux).
var ErrUnsupported = errors.New("the hop trace is available on Linux only")

// Answer is how one attempt at one hop count ended.
type Answer string

const (
	Silent      Answer = "silent"      // nothing before the hop wait ran out
	Expired     Answer = "expired"     // a router said the hop count ran out there (ICMP time exceeded)
	Unreachable Answer = "unreachable" // ICMP destination unreachable (admin-prohibited, port, host ...)
	Connected   Answer = "connected"   // the target's SYN-ACK
	Reset       Answer = "reset"       // a TCP reset: a closed port, or a firewall in the target's name
	Failed      Answer = "failed"      // a local error; Err says which
)

// Final tells whether an answer ends a path: nothing past the box that
// gave it can be learnt with this port.
func (a Answer) Final() bool {
	return a == Unreachable || a == Connected || a == Reset
}

// Hop is the attempt at one hop count.
type Hop struct {
	TTL    int
	Answer Answer
	From   netip.Addr // the router or target that answered; invalid when silent
	ICMP   string     // the ICMP message's name, for Expired and Unreachable
	RTT    time.Duration
	Tries  int
	Err    string // for Failed
}

// Path is one port's trace, its hops by hop count from 1.
type Path struct {
	Target netip.AddrPort
	Hops   []Hop
}

// End is the hop count of the path's final answer, 0 when none came.
func (p Path) End() int {
	for _, h := range p.Hops {
		if h.Answer.Final() {
			return h.TTL
		}
	}
	return 0
}

// LastAnswer is the highest hop count anything answered, 0 when none did.
func (p Path) LastAnswer() int {
	last := 0
	for _, h := range p.Hops {
		if h.Answer != Silent && h.Answer != Failed {
			last = h.TTL
		}
	}
	return last
}

// Defaults of a trace.
const (
	// MaxHops bounds a path, as traceroute's default.
	MaxHops = 30
	// HopWait is the least a hop is waited for, before the round trip is
	// added. Linux sends about 6 ICMP errors to one address at once, then
	// one a second; TCP resends an unanswered SYN after 1 s (its initial
	// retransmission timeout). Waiting a second plus the round trip lets a
	// router whose burst is spent answer the resent SYN: a shorter wait
	// shows silent hops that are not silent.
	HopWait = time.Second + 200*time.Millisecond
	// Window is how many hop counts are tried at once. With two ports
	// that is 6 attempts in flight: even where one box answers every one of
	// them (a firewall rejecting every hop count past it), it stays within
	// the burst of 6 it may send at once.
	Window = 3
	// SilentRun ends a path that has gone this many hop counts without an
	// answer past its last one, where the other port gives no distance.
	SilentRun = 4
)

// Config says what to trace.
type Config struct {
	Control netip.AddrPort // the control port: the reference path
	Data    netip.AddrPort // the port that timed out
	RTT     time.Duration  // the round trip seen on the control connection
	MaxHops int            // 0: MaxHops
}

// dialFunc makes one attempt at hop count ttl and waits at most wait.
type dialFunc func(ctx context.Context, dst netip.AddrPort, ttl int, wait time.Duration) Hop

// Run traces both ports side by side. It returns ErrUnsupported where the
// platform cannot trace.
func Run(ctx context.Context, c Config) (ctl, data Path, err error) {
	if dial == nil {
		return Path{}, Path{}, ErrUnsupported
	}
	ctl, data = c.run(ctx, dial)
	return ctl, data, ctx.Err()
}

// Wait is how long one hop is waited for, for a round trip rtt.
func Wait(rtt time.Duration) time.Duration {
	return HopWait + 2*rtt
}

// Duration is about how long a trace takes at most: its windows, and a
// retry of the hop where the data port goes silent.
func Duration(rtt time.Duration, hops int) time.Duration {
	windows := (hops + Window - 1) / Window
	return time.Duration(windows+1) * Wait(rtt)
}

func (c Config) run(ctx context.Context, dial dialFunc) (Path, Path) {
	max := c.MaxHops
	if max <= 0 {
		max = MaxHops
	}
	wait := Wait(c.RTT)
	paths := []*Path{{Target: c.Control}, {Target: c.Data}}
	for first := 1; first <= max && ctx.Err() == nil; first += Window {
		var jobs []job
		for ttl := first; ttl < first+Window && ttl <= max; ttl++ {
			for i, p := range paths {
				if !c.done(paths, i, ttl) {
					jobs = append(jobs, job{path: p, ttl: ttl})
				}
			}
		}
		if len(jobs) == 0 {
			break
		}
		runJobs(ctx, dial, jobs, wait)
	}
	c.retry(ctx, dial, paths, wait)
	return *paths[0], *paths[1]
}

// done tells whether path i needs no attempt at ttl: it ended before, or
// went silent long enough, or lies past the distance the control port
// measured to the same host.
func (c Config) done(paths []*Path, i, ttl int) bool {
	p := paths[i]
	if end := p.End(); end > 0 && ttl > end {
		return true
	}
	if i == 1 && c.Data.Addr() == c.Control.Addr() {
		if end := paths[0].End(); end > 0 && ttl > end {
			return true
		}
	}
	return ttl > p.LastAnswer()+SilentRun
}

type job struct {
	path *Path
	ttl  int
}

// runJobs makes the attempts at once and files their hops in order.
func runJobs(ctx context.Context, dial dialFunc, jobs []job, wait time.Duration) {
	hops := make([]Hop, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			hops[i] = dial(ctx, j.path.Target, j.ttl, wait)
			hops[i].TTL, hops[i].Tries = j.ttl, 1
		})
	}
	wg.Wait()
	for i, j := range jobs {
		j.path.put(hops[i])
	}
}

// put files a hop at its hop count, replacing a silent one (a retry).
func (p *Path) put(h Hop) {
	for len(p.Hops) < h.TTL {
		p.Hops = append(p.Hops, Hop{TTL: len(p.Hops) + 1, Answer: Silent})
	}
	old := &p.Hops[h.TTL-1]
	if old.Tries > 0 && h.Answer == Silent {
		old.Tries += h.Tries
		return
	}
	h.Tries += old.Tries
	*old = h
}

// retry tries once more the silent hops that the finding reads: the data
// port's before its end or, where it has none, up to the server's distance
// that the control port measured (at least the first hop after its last
// answer), and the control port's before its end. An ICMP rate limit spent
// by the probe's own data connections (a router rejecting each of them)
// can make a hop look silent once. They run at once: one more hop wait.
func (c Config) retry(ctx context.Context, dial dialFunc, paths []*Path, wait time.Duration) {
	if ctx.Err() != nil {
		return
	}
	ctl, data := paths[0], paths[1]
	var jobs []job
	add := func(p *Path, hi int) {
		for ttl := 1; ttl <= hi && len(jobs) < 2*Window; ttl++ {
			if ttl > len(p.Hops) || p.Hops[ttl-1].Answer == Silent {
				jobs = append(jobs, job{path: p, ttl: ttl})
			}
		}
	}
	hi := data.End() - 1
	if hi < 0 {
		hi = data.LastAnswer() + 1
		if n := ctl.End(); n > hi && c.Data.Addr() == c.Control.Addr() {
			hi = n
		}
	}
	add(data, hi)
	add(ctl, max(ctl.End()-1, 0))
	if len(jobs) > 0 {
		runJobs(ctx, dial, jobs, wait)
	}
}
