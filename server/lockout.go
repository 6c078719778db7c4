package server

import (
	"sync"
	"time"
)

// Failed logins are also counted per client address, across connections:
// closing a connection after three failures alone would only make a
// guesser reconnect. After maxAddrFailures within addrFailureWindow, the
// address may not log in until the window has passed.
const (
	maxAddrFailures   = 10
	addrFailureWindow = 10 * time.Minute
	maxTrackedAddrs   = 4096 // bounds the table against many addresses
)

type failureCount struct {
	n     int
	first time.Time
}

type lockout struct {
	mu    sync.Mutex
	addrs map[string]*failureCount
}

// remaining tells how long ip is still locked out (0: not locked).
func (l *lockout) remaining(ip string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.addrs[ip]
	if f == nil || f.n < maxAddrFailures {
		return 0
	}
	return max(0, f.first.Add(addrFailureWindow).Sub(now))
}

// fail counts one failed login from ip.
func (l *lockout) fail(ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.addrs == nil {
		l.addrs = map[string]*failureCount{}
	}
	if len(l.addrs) >= maxTrackedAddrs {
		l.prune(now)
	}
	f := l.addrs[ip]
	if f == nil || now.Sub(f.first) > addrFailureWindow {
		f = &failureCount{first: now}
		l.addrs[ip] = f
	}
	f.n++
}

func (l *lockout) prune(now time.Time) {
	for ip, f := range l.addrs {
		if now.Sub(f.first) > addrFailureWindow {
			delete(l.addrs, ip)
		}
	}
}
