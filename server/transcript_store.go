package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"time"
)

// Defaults of the transcript directory's budget (issue 30, issue 21's
// --transcript-keep): a month of a monitor's sessions at a few KB each
// fits many times over, while a flood of connections that never log in
// stops at a known size instead of filling the disk.
const (
	DefaultTranscriptKeepBytes = 256 << 20
	DefaultTranscriptKeepAge   = 30 * 24 * time.Hour
)

// transcriptBlock is the unit files are counted in, as du counts them: a
// flood of tiny files costs a block each, so the budget bounds their number
// too.
const transcriptBlock = 4096

// transcriptName matches the files openTranscript creates; nothing else in
// the directory is counted or removed.
var transcriptName = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9]{4,}-[0-9A-Za-z._]+\.txt$`)

// transcriptStore keeps the transcript directory within its budget: every
// file, open or closed, counts; when a write would pass the budget the
// oldest closed files are removed first, those of sessions that never
// logged in before any other; a file still open is never removed (its
// session is cut instead, with a note).
//
// Sessions that have not logged in count against the same limits as their
// connections: as at most MaxPreLogin of MaxConns connections may wait for
// their login, their transcripts, open or closed, may hold at most that
// share of the budget (half, by default). A flood of connections that need
// no password then removes its own kind, and cannot push out the record of
// the sessions that logged in.
type transcriptStore struct {
	dir      string
	maxBytes int64         // the budget; < 0: none
	preShare int64         // of the budget, what sessions not logged in may hold
	maxAge   time.Duration // < 0: none

	mu      sync.Mutex
	used    int64      // bytes in blocks, of every file
	preUsed int64      // of used, the files of sessions not logged in
	anon    []keptFile // closed, never logged in; oldest first
	closed  []keptFile // closed, logged in or from an earlier run; oldest first
}

// Why grow refused: the share of sessions not logged in is full, or the
// whole budget is held by files still open.
type growRefusal int

const (
	growOK growRefusal = iota
	growShareFull
	growBudgetFull
)

type keptFile struct {
	name   string
	blocks int64
	mod    time.Time
}

// share is n*part/whole without overflow, n > 0 and part <= whole.
func share(n int64, part, whole int) int64 {
	p, w := int64(part), int64(whole)
	return n/w*p + n%w*p/w
}

func blocks(n int64) int64 {
	return (n + transcriptBlock - 1) / transcriptBlock * transcriptBlock
}

// openTranscriptStore counts the transcripts already in cfg's directory
// (from earlier runs), oldest first, and applies the budget to them.
func openTranscriptStore(cfg Config) (*transcriptStore, error) {
	st := &transcriptStore{dir: cfg.TranscriptDir, maxBytes: cfg.TranscriptKeepBytes, maxAge: cfg.TranscriptKeepAge,
		preShare: share(cfg.TranscriptKeepBytes, cfg.MaxPreLogin, cfg.MaxConns)}
	entries, err := os.ReadDir(st.dir)
	if errors.Is(err, fs.ErrNotExist) {
		err = nil // nothing to count: each session's file will fail to open, as before
	}
	if err != nil {
		return nil, fmt.Errorf("%w: transcript directory: %w", ErrConfig, err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || !transcriptName.MatchString(e.Name()) {
			continue
		}
		st.closed = append(st.closed, keptFile{name: e.Name(), blocks: blocks(fi.Size()), mod: fi.ModTime()})
		st.used += blocks(fi.Size())
	}
	sort.SliceStable(st.closed, func(i, j int) bool {
		a, b := st.closed[i], st.closed[j]
		return a.mod.Before(b.mod) || a.mod.Equal(b.mod) && a.name < b.name
	})
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pruneAge(time.Now())
	st.makeRoom(0)
	return st, nil
}

// grow accounts a file growing from n to m bytes. Over the budget it
// removes closed files, oldest first (a session not logged in: only files
// of others not logged in, within its share); growOK, or why not when even
// that is not enough. force accounts it regardless: the note of a cut and
// a session's closing line, a few hundred bytes.
func (st *transcriptStore) grow(n, m int64, force, loggedIn bool) growRefusal {
	delta := blocks(m) - blocks(n)
	if delta == 0 {
		return growOK
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case force:
	case !loggedIn && !st.makePreRoom(delta):
		return growShareFull
	case !st.makeRoom(delta):
		return growBudgetFull
	}
	st.used += delta
	if !loggedIn {
		st.preUsed += delta
	}
	return growOK
}

// makeRoom removes closed files until delta more bytes fit, those of
// sessions that never logged in first; st.mu is held.
func (st *transcriptStore) makeRoom(delta int64) bool {
	if st.maxBytes < 0 {
		return true
	}
	for _, q := range []*[]keptFile{&st.anon, &st.closed} {
		for st.used+delta > st.maxBytes && len(*q) > 0 {
			st.remove(q)
		}
	}
	return st.used+delta <= st.maxBytes
}

// makePreRoom keeps the sessions not logged in within their share,
// removing closed files of their kind; st.mu is held.
func (st *transcriptStore) makePreRoom(delta int64) bool {
	if st.maxBytes < 0 {
		return true
	}
	for st.preUsed+delta > st.preShare && len(st.anon) > 0 {
		st.remove(&st.anon)
	}
	return st.preUsed+delta <= st.preShare
}

// promote moves a session's file out of the share of sessions not logged
// in, when it logs in.
func (st *transcriptStore) promote(size int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.preUsed -= blocks(size)
}

// pruneAge removes closed files older than the age limit; st.mu is held.
func (st *transcriptStore) pruneAge(now time.Time) {
	for _, q := range []*[]keptFile{&st.anon, &st.closed} {
		for st.maxAge >= 0 && len(*q) > 0 && now.Sub((*q)[0].mod) > st.maxAge {
			st.remove(q)
		}
	}
}

// remove deletes the oldest file of q. One that cannot be removed is
// forgotten all the same, so a file someone else holds cannot stop the
// budget from working for the rest.
func (st *transcriptStore) remove(q *[]keptFile) {
	f := (*q)[0]
	*q = (*q)[1:]
	os.Remove(filepath.Join(st.dir, f.name))
	st.used -= f.blocks
	if q == &st.anon {
		st.preUsed -= f.blocks
	}
}

// opened prunes by age before a new session's file is created.
func (st *transcriptStore) opened(now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pruneAge(now)
}

// done makes a session's file one the budget may remove.
func (st *transcriptStore) done(name string, size int64, loggedIn bool, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	q := &st.anon
	if loggedIn {
		q = &st.closed
	}
	*q = append(*q, keptFile{name: name, blocks: blocks(size), mod: now})
}
