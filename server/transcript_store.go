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
// oldest closed files are removed first; a file still open is never removed
// (its session is cut instead, with a note).
type transcriptStore struct {
	dir      string
	maxBytes int64         // the budget; < 0: none
	maxAge   time.Duration // < 0: none

	mu      sync.Mutex
	used    int64      // bytes in blocks, of every file
	closed  []keptFile // oldest first
	removed int        // files removed so far
}

type keptFile struct {
	name   string
	blocks int64
	mod    time.Time
}

func blocks(n int64) int64 {
	return (n + transcriptBlock - 1) / transcriptBlock * transcriptBlock
}

// openTranscriptStore counts the transcripts already in cfg's directory
// (from earlier runs), oldest first, and applies the budget to them.
func openTranscriptStore(cfg Config) (*transcriptStore, error) {
	st := &transcriptStore{dir: cfg.TranscriptDir, maxBytes: cfg.TranscriptKeepBytes, maxAge: cfg.TranscriptKeepAge}
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
// removes closed files, oldest first; false when even that is not enough
// (the files still open hold the budget). force accounts it regardless:
// the note of a cut and a session's closing line, a few hundred bytes.
func (st *transcriptStore) grow(n, m int64, force bool) bool {
	delta := blocks(m) - blocks(n)
	if delta == 0 {
		return true
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if !force && !st.makeRoom(delta) {
		return false
	}
	st.used += delta
	return true
}

// makeRoom removes closed files until delta more bytes fit; st.mu is held.
func (st *transcriptStore) makeRoom(delta int64) bool {
	if st.maxBytes < 0 {
		return true
	}
	for st.used+delta > st.maxBytes && len(st.closed) > 0 {
		st.remove()
	}
	return st.used+delta <= st.maxBytes
}

// pruneAge removes closed files older than the age limit; st.mu is held.
func (st *transcriptStore) pruneAge(now time.Time) {
	for st.maxAge >= 0 && len(st.closed) > 0 && now.Sub(st.closed[0].mod) > st.maxAge {
		st.remove()
	}
}

// remove deletes the oldest closed file. One that cannot be removed is
// forgotten all the same, so a file someone else holds cannot stop the
// budget from working for the rest.
func (st *transcriptStore) remove() {
	f := st.closed[0]
	st.closed = st.closed[1:]
	os.Remove(filepath.Join(st.dir, f.name))
	st.used -= f.blocks
	st.removed++
}

// opened prunes by age before a new session's file is created.
func (st *transcriptStore) opened(now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pruneAge(now)
}

// done makes a session's file one the budget may remove.
func (st *transcriptStore) done(name string, size int64, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closed = append(st.closed, keptFile{name: name, blocks: blocks(size), mod: now})
}
