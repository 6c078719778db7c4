package render

import (
	"reflect"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/transcript"
)

// TestFindingPointersFollowTheProbesNotes checks the order under a line:
// the line, the probe's own notes about it, then the finding it proves.
func TestFindingPointersFollowTheProbesNotes(t *testing.T) {
	l := transcript.New()
	a := l.Session("a")
	b := l.Session("b")
	a.Reply(227, "227 Entering Passive Mode (198,18,1,2,11,187)") // 2
	b.Command("NOOP")                                             // 3: another session between
	a.Note("first note")                                          // 4
	a.Note("second note")                                         // 5
	a.Command("LIST")                                             // 6
	entries := l.Entries()
	got := afterNotes(diagnose.Annotate(entries), map[int][]int{2: {1}, 6: {2}})
	want := map[int][]int{5: {1}, 6: {2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
