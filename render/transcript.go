package render

import (
	"fmt"
	"strings"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// tline is one line of the annotated transcript, with what a renderer needs
// to style it: the entry it comes from, and whether it is a line a finding
// points at or a note the renderer added.
type tline struct {
	text    string
	entry   *result.Entry // nil for blank lines
	heading bool          // "=== session N: what it tests"
	marked  bool          // a finding's Lines point at this entry
	added   bool          // a note written by the renderer, not the probe
	pointer bool          // the added note that names the finding
}

// annotatedTranscript lays out res.Transcript as transcript.Render does with
// Headings (sessions one after another, each headed by what it tested), and
// adds notes under the lines that matter: which finding an entry proves, and
// diagnose's annotations.
func annotatedTranscript(res *result.Result) []tline {
	entries := res.Transcript
	ann := diagnose.Annotate(entries)
	marks := findingMarks(res.Findings, len(entries))
	pointers := afterNotes(ann, marks)
	var out []tline
	for si, id := range ann.Sessions() {
		if si > 0 {
			out = append(out, tline{})
		}
		for _, i := range ann.Lines(id) {
			e := &entries[i]
			head := isSessionHead(*e)
			for _, l := range transcript.RenderEntry(*e) {
				out = append(out, tline{text: l, entry: e, heading: head, marked: len(marks[i]) > 0})
			}
			if !head && !ann.Repeats(i) {
				for _, n := range ann.Notes(i) {
					out = append(out, addedNote(e, n))
				}
			}
			for _, k := range pointers[i] {
				f := res.Findings[k-1]
				n := addedNote(e, fmt.Sprintf("finding %d (%s): %s", k, f.Severity, f.Title))
				n.pointer = true
				out = append(out, n)
			}
		}
	}
	return out
}

// afterNotes moves each entry's finding pointers below the notes the
// probe attached to that entry, so that the entry, what explains it and the
// finding it proves read in that order.
func afterNotes(ann *diagnose.Annotations, marks map[int][]int) map[int][]int {
	out := map[int][]int{}
	for i, ks := range marks {
		at := ann.After(i)
		out[at] = append(out[at], ks...)
	}
	return out
}

func addedNote(e *result.Entry, text string) tline {
	return tline{text: notePrefix + text, entry: e, added: true}
}

// notePrefix starts every note line, as transcript.RenderEntry writes them.
const notePrefix = transcript.Indent + "^ "

// wrapNote wraps a note line (the probe's or an added one) to width,
// continuing under the note's text; other lines come back as they are.
func wrapNote(l tline, width int) []string {
	if l.entry == nil || (!l.added && l.entry.Kind != result.Note) || !strings.HasPrefix(l.text, notePrefix) {
		return []string{l.text}
	}
	return wrapWords(strings.TrimPrefix(l.text, notePrefix), width, notePrefix, transcript.Indent+"  ")
}

func isSessionHead(e result.Entry) bool {
	return e.Kind == result.Event && e.Event != nil && e.Event.Op == result.OpSession
}

// findingMarks maps a transcript index to the numbers (from 1) of the
// findings that point at it. Indexes outside the transcript, which only a
// hand-edited file can hold, are ignored.
func findingMarks(fs []result.Finding, n int) map[int][]int {
	marks := map[int][]int{}
	for k, f := range fs {
		for _, i := range f.Lines {
			if i < 0 || i >= n {
				continue
			}
			if l := marks[i]; len(l) > 0 && l[len(l)-1] == k+1 {
				continue
			}
			marks[i] = append(marks[i], k+1)
		}
	}
	return marks
}
