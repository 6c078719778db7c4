package web

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"ftpdiag/result"
)

// maxEvents bounds the progress lines kept for one check: the page shows
// the latest, and a server that makes the probe wait on many things must not
// grow a check without bound.
const maxEvents = 64

// check is one probe started from the page or the API. Its password is
// never kept: the probe has it only while it runs.
type check struct {
	id      string
	target  string // the URL without a password, as the report shows it
	started time.Time

	mu     sync.Mutex
	status string // what the probe waits for now ("" when nothing)
	limit  time.Duration
	events []event
	done   chan struct{}
	res    *result.Result
	ended  time.Time
}

// event is one progress line: what the probe began waiting for, and when.
type event struct {
	At  int64  `json:"at_ms"`
	Msg string `json:"msg"`
}

// progress records what the probe now waits for; it is the probe's Status
// callback, so each session's steps show on the page as on a terminal.
func (c *check) progress() func(string, time.Duration) {
	return func(msg string, limit time.Duration) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.status, c.limit = msg, limit
		if msg == "" {
			return
		}
		if len(c.events) == maxEvents {
			copy(c.events, c.events[1:])
			c.events = c.events[:maxEvents-1]
		}
		c.events = append(c.events, event{At: time.Since(c.started).Milliseconds(), Msg: msg})
	}
}

func (c *check) finish(res *result.Result, now time.Time) {
	c.mu.Lock()
	c.res, c.ended, c.status = res, now, ""
	c.mu.Unlock()
	close(c.done)
}

// snapshot is a check as the status call reports it.
type snapshot struct {
	State     string  `json:"state"` // "running" or "done"
	Status    string  `json:"status,omitempty"`
	ElapsedMs int64   `json:"elapsed_ms"`
	Events    []event `json:"events"`
	Verdict   string  `json:"verdict,omitempty"`
}

func (c *check) snapshot(now time.Time) snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := snapshot{State: "running", Status: c.status, Events: append([]event(nil), c.events...)}
	end := now
	if c.res != nil {
		s.State, s.Verdict, end = "done", string(c.res.Verdict), c.ended
	}
	s.ElapsedMs = end.Sub(c.started).Milliseconds()
	return s
}

func (c *check) result() *result.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.res
}

// store keeps checks by their unguessable id for keep after they end, and
// at most max of them.
type store struct {
	max  int
	keep time.Duration
	now  func() time.Time

	mu     sync.Mutex
	checks map[string]*check
	order  []string // oldest first
}

func newStore(max int, keep time.Duration, now func() time.Time) *store {
	return &store{max: max, keep: keep, now: now, checks: map[string]*check{}}
}

// newID is 128 random bits: a report's address is its only key.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24 and later)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *store) add(target string) *check {
	c := &check{id: newID(), target: target, started: s.now(), done: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune()
	for len(s.order) >= s.max {
		delete(s.checks, s.order[0])
		s.order = s.order[1:]
	}
	s.checks[c.id] = c
	s.order = append(s.order, c.id)
	return c
}

func (s *store) get(id string) *check {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune()
	return s.checks[id]
}

// prune drops the checks that ended more than keep ago. The caller holds mu.
func (s *store) prune() {
	cut := s.now().Add(-s.keep)
	kept := s.order[:0]
	for _, id := range s.order {
		c := s.checks[id]
		c.mu.Lock()
		old := c.res != nil && c.ended.Before(cut)
		c.mu.Unlock()
		if old {
			delete(s.checks, id)
			continue
		}
		kept = append(kept, id)
	}
	s.order = kept
}

func (s *store) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.checks)
}
