package exporter

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"ftpdiag/probe"
	"ftpdiag/result"
)

// probeShared runs one probe of t with m, or, where the same target and
// module are being probed already, waits for that probe and shares its
// result: servers limit connections per address, and two probes at once
// would each see the other's connections.
func (e *Exporter) probeShared(ctx context.Context, t probe.Target, m *Module, deadline time.Time) (*result.Result, error) {
	key := t.URL() + "\x00" + m.Name
	e.mu.Lock()
	c, running := e.inflight[key]
	if !running {
		c = &call{done: make(chan struct{})}
		e.inflight[key] = c
	}
	e.mu.Unlock()
	if running {
		e.self.shared.Inc()
		return wait(ctx, c, deadline)
	}
	// The probe runs on its own context: a scraper that gives up must not
	// cut short the result others wait for. Its deadline is this request's.
	go func() {
		defer func() {
			e.mu.Lock()
			delete(e.inflight, key)
			e.mu.Unlock()
			close(c.done)
		}()
		c.res, c.err = e.probeLimited(t, m, deadline)
	}()
	return wait(ctx, c, deadline)
}

func wait(ctx context.Context, c *call, deadline time.Time) (*result.Result, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline.Add(scrapeMargin))
	defer cancel()
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the probe: %w", ctx.Err())
	}
}

// probeLimited waits for one of the target host's slots, then for one of
// the --max-concurrent slots, then probes with what remains of the budget.
// A host holds at most perHost slots: scrapes of one slow server queue
// behind each other instead of taking every slot from the healthy targets.
func (e *Exporter) probeLimited(t probe.Target, m *Module, deadline time.Time) (*result.Result, error) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	hostKey := slotKey(t)
	host := e.hostSlot(hostKey)
	defer e.releaseHost(hostKey)
	select {
	case host.ch <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %d probes of this target's host are running already and none ended within the scrape's timeout", errBusy, cap(host.ch))
	}
	defer func() { <-host.ch }()
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: no probe slot free within the scrape's timeout (--max-concurrent %d)", errBusy, cap(e.sem))
	}
	defer func() { <-e.sem }()
	budget := time.Until(deadline)
	if budget < minBudget {
		return nil, fmt.Errorf("%w: the scrape's time ran out waiting for a probe slot", errBusy)
	}
	e.self.inFlight.Inc()
	defer e.self.inFlight.Dec()
	e.notePeak(e.running.Add(1))
	defer e.running.Add(-1)
	res := runProbe(ctx, t, m, budget, e.tool)
	e.backoff.note(backoffKey(t, m), res)
	e.recent.add(m, res)
	return res, nil
}

// slotKey names the server a probe goes to, one way for one address:
// ::ffff:127.0.0.1 is 127.0.0.1, a name is case-folded.
func slotKey(t probe.Target) string {
	host := strings.ToLower(strings.TrimSuffix(t.Host, "."))
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.Unmap().WithZone("").String()
	}
	return net.JoinHostPort(host, strconv.Itoa(t.Port))
}

// hostSlot is a target host's share of the probe slots, kept while
// anything waits for it or holds it.
type hostSlot struct {
	ch    chan struct{}
	users int
}

func (e *Exporter) hostSlot(host string) *hostSlot {
	e.mu.Lock()
	defer e.mu.Unlock()
	h := e.hosts[host]
	if h == nil {
		h = &hostSlot{ch: make(chan struct{}, e.perHost)}
		e.hosts[host] = h
	}
	h.users++
	return h
}

func (e *Exporter) releaseHost(host string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if h := e.hosts[host]; h != nil {
		if h.users--; h.users == 0 {
			delete(e.hosts, host)
		}
	}
}

// notePeak records the most probes seen running at once, counted apart
// from the semaphore, for the tests and benchmarks that check
// --max-concurrent holds.
func (e *Exporter) notePeak(n int64) {
	for {
		old := e.peak.Load()
		if n <= old || e.peak.CompareAndSwap(old, n) {
			return
		}
	}
}
