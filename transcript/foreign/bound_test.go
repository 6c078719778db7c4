package foreign

import (
	"strings"
	"testing"

	"ftpdiag/result"
)

// TestMaxEntriesCutsWithANote: a log of more entries than MaxEntries keeps
// the first MaxEntries, then one note saying how many lines were left out.
func TestMaxEntriesCutsWithANote(t *testing.T) {
	const extra = 7
	log, err := Parse([]byte(strings.Repeat("200: ok\n", MaxEntries+extra)), Seed)
	if err != nil {
		t.Fatal(err)
	}
	// Two notes besides: the log starts mid-session (a reply, no greeting),
	// and it was cut.
	if got, want := len(log.Entries), MaxEntries+2; got != want {
		t.Fatalf("%d entries, want %d", got, want)
	}
	last := log.Entries[len(log.Entries)-1]
	if last.Kind != result.Note || !strings.Contains(last.Text, "goes on for 7 more lines") {
		t.Errorf("last entry %+v, want the note of the cut", last)
	}
}
