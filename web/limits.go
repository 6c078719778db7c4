package web

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Errors of the limiter, answered with 429 or 503.
var (
	errClientBusy  = errors.New("this address already has probes running; wait for them to finish")
	errClientQuota = errors.New("this address has started its probes for this hour; try again later")
	errServerBusy  = errors.New("the check service is running as many probes as it can; try again in a minute")
)

// limiter bounds probes at once over all clients, at once per client, and
// started per client per hour.
type limiter struct {
	global    chan struct{}
	perClient int
	perHour   int
	now       func() time.Time

	mu      sync.Mutex
	running map[netip.Addr]int
	starts  map[netip.Addr][]time.Time
}

func newLimiter(global, perClient, perHour int, now func() time.Time) *limiter {
	return &limiter{global: make(chan struct{}, global), perClient: perClient, perHour: perHour, now: now,
		running: map[netip.Addr]int{}, starts: map[netip.Addr][]time.Time{}}
}

// acquire takes a slot for client, or says why not at once: a visitor is
// told, never queued behind strangers.
func (l *limiter) acquire(client netip.Addr) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running[client] >= l.perClient {
		return nil, errClientBusy
	}
	cut := l.now().Add(-time.Hour)
	starts := l.starts[client]
	for len(starts) > 0 && starts[0].Before(cut) {
		starts = starts[1:]
	}
	if len(starts) >= l.perHour {
		l.starts[client] = starts
		return nil, errClientQuota
	}
	select {
	case l.global <- struct{}{}:
	default:
		return nil, errServerBusy
	}
	l.starts[client] = append(starts, l.now())
	l.running[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			<-l.global
			if l.running[client]--; l.running[client] == 0 {
				delete(l.running, client)
			}
		})
	}, nil
}

// clientAddr is the address a request came from: the connection's peer,
// or, where that peer is a trusted proxy, the last address in
// X-Forwarded-For that is not a trusted proxy itself.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := addrOf(r.RemoteAddr)
	if !inAny(peer, trusted) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a malformed hop: believe nothing before it
		}
		a = a.Unmap()
		if !inAny(a, trusted) {
			return a
		}
	}
	return peer
}

// overTLS tells whether the visitor's own connection is encrypted: this
// one, or a trusted proxy's that says it terminated TLS.
func overTLS(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	return inAny(addrOf(r.RemoteAddr), trusted) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func addrOf(hostport string) netip.Addr {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if a.IsValid() && p.Contains(a) {
			return true
		}
	}
	return false
}
