package diagnose

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAnnotationsAgreeWithFindings (issue 28): the notes a report shows
// under a line and the findings read the transcript alike. Where a finding
// cites a slow reply, or a PASV reply naming an address a client cannot
// reach, a note under a line it cites says so too.
func TestAnnotationsAgreeWithFindings(t *testing.T) {
	says := map[string]string{
		CodeReplySlow:   "the server took ",
		CodePasvPrivate: " address: a client outside the server's network cannot reach it",
	}
	files, _ := filepath.Glob("testdata/diagnose/*.json")
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".findings.json") {
			continue
		}
		entries := readEntries(t, path)
		a := Annotate(entries)
		for _, f := range Diagnose(entries) {
			want, ok := says[f.Code]
			if !ok {
				continue
			}
			checked++
			found := false
			for _, l := range f.Lines {
				found = found || strings.Contains(strings.Join(a.Notes(l), "\n"), want)
			}
			if !found {
				t.Errorf("%s: %s cites lines %v, and no note under them says %q", filepath.Base(path), f.Code, f.Lines, want)
			}
		}
	}
	if checked < 3 {
		t.Errorf("only %d findings checked: the goldens changed?", checked)
	}
}
