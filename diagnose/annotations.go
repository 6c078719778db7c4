package diagnose

import "ftpdiag/result"

// Annotations are the notes a report shows under a transcript's lines:
// decoded PASV/EPSV/PORT arguments, the class of an address a client
// cannot reach and where the client dialled instead, slow replies (with the
// diagnosis's own threshold), what an unusual reply code or a failed
// connection usually means. They live here, beside the rules that make
// the findings, so the two read a transcript alike; renderers lay them
// out and never compute them.
type Annotations struct{ ix *sessionIndex }

// Annotate indexes entries once; every method then costs a constant per
// entry (the layout of a transcript of a million lines stays linear).
func Annotate(entries []result.Entry) *Annotations {
	return &Annotations{ix: newSessionIndex(entries)}
}

// Sessions lists the session ids in the order they first appear.
func (a *Annotations) Sessions() []int { return a.ix.order }

// Lines are the indexes of one session's entries, in order.
func (a *Annotations) Lines(session int) []int { return a.ix.bySession[session] }

// Notes are the notes for entry i, without those a note the probe wrote
// under it already states.
func (a *Annotations) Notes(i int) []string {
	as := a.ix.notes(i)
	if len(as) == 0 {
		return nil
	}
	out := make([]string, len(as))
	for k, n := range as {
		out[k] = n.text
	}
	return out
}

// Repeats tells that entry i says what the entry before it in its session
// said, word for word, with the same notes: a report shows them once.
func (a *Annotations) Repeats(i int) bool { return a.ix.repeats(i) }

// After is the index of the last of the probe's notes under entry i (i
// where there is none): what a report adds goes below them.
func (a *Annotations) After(i int) int {
	last, _ := a.ix.notesAfter(i)
	return last
}
