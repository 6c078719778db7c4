package diagnose

import (
	"net"
	"slices"
	"sync/atomic"

	"ftpdiag/result"
)

// entryVisits counts the transcript entries the annotated layout reads, for
// the test that holds it linear in the transcript's length (issue 16: scans
// back and forth for every entry made explain and report quadratic). A
// count, not a time, so the test is as exact on a busy machine as on an
// idle one.
var entryVisits atomic.Int64

// sessionIndex links every entry of a transcript to its own session's
// entries, in one pass, so that a note finds the command a reply answers or
// the session's connect in one step. Sessions interleave (FileZilla's
// engines, the probe's sessions side by side), so "the entry before" is
// never simply i-1.
type sessionIndex struct {
	entries []result.Entry
	// prev and next are the same session's entries before and after i,
	// -1 where there is none.
	prev, next []int
	// lastCmd is the session's last command before i, -1 where none.
	lastCmd []int
	// ctrlHost is the host of the session's last connect before i, "" when
	// the transcript does not say (a foreign log).
	ctrlHost []string
	// order lists the session ids as they first appear; bySession holds
	// each session's entry indexes in order.
	order     []int
	bySession map[int][]int
	// memo holds the notes of the entries annotated last (memoAt), as
	// repeats compares each entry's notes with its predecessor's, which
	// the layout annotated just before.
	memoAt [2]int
	memo   [2][]annotation
}

func newSessionIndex(entries []result.Entry) *sessionIndex {
	n := len(entries)
	ix := &sessionIndex{entries: entries, prev: make([]int, n), next: make([]int, n),
		lastCmd: make([]int, n), ctrlHost: make([]string, n), bySession: map[int][]int{}, memoAt: [2]int{-1, -1}}
	type state struct {
		last, cmd int
		host      string
	}
	sessions := map[int]*state{}
	for i, e := range entries {
		s := sessions[e.Session]
		if s == nil {
			s = &state{last: -1, cmd: -1}
			sessions[e.Session] = s
			ix.order = append(ix.order, e.Session)
		}
		ix.prev[i], ix.next[i], ix.lastCmd[i], ix.ctrlHost[i] = s.last, -1, s.cmd, s.host
		if s.last >= 0 {
			ix.next[s.last] = i
		}
		s.last = i
		ix.bySession[e.Session] = append(ix.bySession[e.Session], i)
		switch {
		case e.Kind == result.Command:
			s.cmd = i
		case isConnect(e):
			s.host, _, _ = net.SplitHostPort(e.Event.Addr)
		}
	}
	entryVisits.Add(int64(n))
	return ix
}

func isConnect(e result.Entry) bool {
	return e.Kind == result.Event && e.Event != nil && e.Event.Op == result.OpConnect
}

// commandBefore is the command a reply answers: the session's last command
// before entry i, or "".
func (ix *sessionIndex) commandBefore(i int) string {
	if c := ix.lastCmd[i]; c >= 0 {
		return ix.entries[c].Text
	}
	return ""
}

// notesAfter walks the notes that follow entry i in its session (the probe
// writes a note under the entry it explains) and returns the last one's
// index (i when none) and their texts.
func (ix *sessionIndex) notesAfter(i int) (last int, texts []string) {
	last = i
	for j := ix.next[i]; j >= 0 && ix.entries[j].Kind == result.Note; j = ix.next[j] {
		entryVisits.Add(1)
		last = j
		texts = append(texts, ix.entries[j].Text)
	}
	return last, texts
}

// repeats tells that entry i says what the entry before it in its session
// said, word for word, and is explained the same way: its notes would only
// repeat the ones above (a log of the same reply over and over, issue 16,
// where they made the output ten times the log).
func (ix *sessionIndex) repeats(i int) bool {
	j := ix.prev[i]
	if j < 0 {
		return false
	}
	e, p := ix.entries[i], ix.entries[j]
	if e.Kind != p.Kind || e.Code != p.Code || e.Text != p.Text || e.Kind == result.Event {
		return false
	}
	return slices.Equal(ix.notes(i), ix.notes(j))
}

// notes is annotate, remembering the last two entries' notes.
func (ix *sessionIndex) notes(i int) []annotation {
	for k, at := range ix.memoAt {
		if at == i {
			return ix.memo[k]
		}
	}
	as := ix.annotate(i)
	ix.memoAt[0], ix.memo[0] = ix.memoAt[1], ix.memo[1]
	ix.memoAt[1], ix.memo[1] = i, as
	return as
}
