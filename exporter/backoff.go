package exporter

import (
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ftpdiag/diagnose"
	"ftpdiag/probe"
	"ftpdiag/result"
)

// Login back-off: after the server refuses a module's login (a wrong
// password, or its lockout answering 421), the exporter does not log in
// again at every scrape. Servers lock an address out after a number of
// failures within a window (ftpdiag serve: 10 in 10 minutes; fail2ban's
// default: 5 in 10 minutes), so a scrape every minute with a stale
// password would lock the exporter's address, and every user behind the
// same NAT, out of the server. The pause doubles from firstBackoff up to
// maxBackoff: at most 4 failed logins in any 10 minutes, 3 in the first 5.
// Scrapes in the pause get the last probe's metrics again, with
// ftpdiag_login_backoff_seconds saying how long until the next try, so
// the login alert keeps firing.
const (
	firstBackoff = time.Minute
	maxBackoff   = 30 * time.Minute
	// maxBackoffEntries bounds the table against many targets: the
	// oldest pause is forgotten first.
	maxBackoffEntries = 4096
)

type backoffEntry struct {
	until time.Time
	pause time.Duration
	res   *result.Result
}

type backoff struct {
	now   func() time.Time
	mu    sync.Mutex
	items map[string]*backoffEntry
}

func newBackoff(now func() time.Time) *backoff {
	return &backoff{now: now, items: map[string]*backoffEntry{}}
}

// backoffKey is the target with its module: another module (another
// user) on the same server is not paused.
func backoffKey(t probe.Target, m *Module) string { return t.URL() + "\x00" + m.Name }

// loginRefused tells whether the result holds the server's refusal of
// the login.
func loginRefused(res *result.Result) bool {
	return slices.ContainsFunc(res.Findings, func(f result.Finding) bool { return f.Code == diagnose.CodeLoginRejected })
}

// note starts or lengthens the pause after a refused login, and ends it
// after one that worked.
func (b *backoff) note(key string, res *result.Result) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !loginRefused(res) {
		delete(b.items, key)
		return
	}
	e := b.items[key]
	if e == nil {
		if len(b.items) >= maxBackoffEntries {
			b.dropOldest()
		}
		e = &backoffEntry{}
		b.items[key] = e
	}
	e.pause = min(max(2*e.pause, firstBackoff), maxBackoff)
	e.until = b.now().Add(e.pause)
	e.res = res
}

func (b *backoff) dropOldest() {
	var oldest string
	var when time.Time
	for k, e := range b.items {
		if oldest == "" || e.until.Before(when) {
			oldest, when = k, e.until
		}
	}
	delete(b.items, oldest)
}

// held returns the last result where key is in its pause.
func (b *backoff) held(key string) (*result.Result, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.items[key]
	if e == nil || !b.now().Before(e.until) {
		return nil, false
	}
	return e.res, true
}

// waiting tells how long until key's next login, where it is paused.
func (b *backoff) waiting(key string) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.items[key]
	if e == nil {
		return 0, false
	}
	if d := e.until.Sub(b.now()); d > 0 {
		return d, true
	}
	return 0, false
}

// reset forgets every pause: a reloaded configuration may hold the new
// password.
func (b *backoff) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.items)
}

func (b *backoff) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.items)
}

func backoffGauge(reg *prometheus.Registry, wait time.Duration) {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "ftpdiag_login_backoff_seconds",
		Help: "Seconds until the exporter logs in again after the server refused the login; the other metrics repeat the last probe's until then."})
	reg.MustRegister(g)
	g.Set(wait.Seconds())
}
