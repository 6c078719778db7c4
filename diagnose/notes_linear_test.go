package diagnose

import (
	"testing"

	"ftpdiag/result"
)

// linearShapes are transcripts of the shapes issue 16 found quadratic, each
// made of n repetitions of one pattern.
var linearShapes = []struct {
	name  string
	build func(n int) []result.Entry
}{
	// Replies with no command before them (a log of "200: ok" lines):
	// the command a reply answers was looked for back to the start.
	{"replies without commands", func(n int) []result.Entry {
		var es []result.Entry
		for range n {
			es = append(es, result.Entry{Session: 1, Kind: result.Reply, Code: 200, Text: "200 ok"})
		}
		return es
	}},
	// 227 replies after one connect: the control connection's host was
	// looked for back to the connect.
	{"227 replies after a connect", func(n int) []result.Entry {
		es := []result.Entry{connectEntry(1)}
		for range n {
			es = append(es, result.Entry{Session: 1, Kind: result.Reply, Code: 227, Text: "227 Entering Passive Mode (10,0,0,5,11,188)"})
		}
		return es
	}},
	// Many short sessions (a FileZilla log of reconnections): the layout
	// walked the whole transcript once per session, and the last entry of
	// each session looked forward to the end for its notes.
	{"one session per connection", func(n int) []result.Entry {
		var es []result.Entry
		for s := 1; s <= n/4; s++ {
			es = append(es, connectEntry(s),
				result.Entry{Session: s, Kind: result.Reply, Code: 220, Text: "220 ready"},
				result.Entry{Session: s, Kind: result.Command, Text: "PASV"},
				result.Entry{Session: s, Kind: result.Reply, Code: 227, Text: "227 Entering Passive Mode (10,0,0,5,11,188)"})
		}
		return es
	}},
	// Two sessions interleaved, one of them idle after its start: every
	// scan of the busy one stepped over the other's entries, and the
	// idle one's entries looked through all of the busy one's.
	{"two sessions interleaved", func(n int) []result.Entry {
		es := []result.Entry{connectEntry(1), connectEntry(2)}
		for range n / 2 {
			es = append(es, result.Entry{Session: 1, Kind: result.Reply, Code: 227, Text: "227 Entering Passive Mode (10,0,0,5,11,188)"},
				result.Entry{Session: 2, Kind: result.Note, Text: "a note"})
		}
		return es
	}},
}

func connectEntry(session int) result.Entry {
	return result.Entry{Session: session, Kind: result.Event, Text: "connected",
		Event: &result.EventInfo{Op: result.OpConnect, Addr: "198.18.0.1:21", Outcome: result.Connected}}
}

// maxVisitsPerEntry bounds the entries the annotated layout may read per
// entry of the transcript: a few passes over it, whatever its length.
const maxVisitsPerEntry = 12

// layOut asks for what a renderer asks of the annotations for every entry,
// in the order it does (After only for the few lines findings cite), and
// counts the lines it would show.
func layOut(entries []result.Entry) int {
	a, lines := Annotate(entries), 0
	for _, id := range a.Sessions() {
		for _, i := range a.Lines(id) {
			lines++
			if !a.Repeats(i) {
				lines += len(a.Notes(i))
			}
		}
	}
	return lines
}

// TestAnnotationIsLinear counts the entries the annotations read
// (entryVisits) for n and 4n entries of each shape, as a renderer lays
// them out: a constant per entry. It measures reads of entries by the
// annotations, not the diagnosis nor the foreign readers (their benchmarks
// in the main package cover the whole command).
func TestAnnotationIsLinear(t *testing.T) {
	for _, sh := range linearShapes {
		t.Run(sh.name, func(t *testing.T) {
			for _, n := range []int{2000, 8000} {
				entries := sh.build(n)
				entryVisits.Store(0)
				if laid := layOut(entries); laid == 0 {
					t.Fatalf("n=%d: nothing laid out", n)
				}
				got := entryVisits.Load()
				if per := float64(got) / float64(len(entries)); per > maxVisitsPerEntry {
					t.Errorf("n=%d: %d entries read for %d, %.1f per entry; want at most %d",
						n, got, len(entries), per, maxVisitsPerEntry)
				}
			}
		})
	}
}
