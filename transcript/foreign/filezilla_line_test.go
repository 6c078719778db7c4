package foreign

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The patterns splitFileZilla and matchLabel stand for: what they match is
// the reference the hand-written cutting is held to.
var (
	fileZillaRe = regexp.MustCompile(`^(?:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s+\d+\s+(\d+)\s+|\d\d:\d\d:\d\d\s+)?(Status|Command|Response|Error|Trace|Listing):(?: *\t| ?)(.*)$`)
	labelRe     = buildLabelRe()
)

func buildLabelRe() *regexp.Regexp {
	seen := map[string]bool{}
	var alts []string
	for _, row := range fileZillaI18n {
		english, tr := row[1], row[2]
		if !strings.HasSuffix(english, ":") || strings.Contains(english, " ") {
			continue
		}
		label := foldLabel(tr)
		if label == "" || seen[label] {
			continue
		}
		seen[label] = true
		alts = append(alts, regexp.QuoteMeta(strings.TrimRight(strings.TrimSpace(tr), labelEnd)))
	}
	sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	return regexp.MustCompile(`^((?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+\s+\d+\s+)|(?:\d\d:\d\d:\d\d\s+))?(?i:(` +
		strings.Join(alts, "|") + `))([ \x{a0}\x{202f}]*[:：.։](?: *\t| ?)|\t| )(.*)$`)
}

// corpusLines are every line of the repository's client logs, and each
// again in the shapes a FileZilla line takes: in the log file's layout, in
// the pane's with a time, with its label in capitals or padded.
func corpusLines(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, dir := range []string{"../../testdata/logs", "../../testdata/world"} {
		p, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		paths = append(paths, p...)
	}
	var out []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			l = strings.TrimRight(l, "\r")
			_, text := genericSplit(l)
			out = append(out, l, text, "2026-11-23 21:54:30 4312 12 "+text, "21:54:30  "+text, strings.ToUpper(text),
				strings.Replace(text, ":", " :", 1), strings.Replace(text, ":", ":      \t", 1), strings.Replace(text, ":", "\u00a0:", 1))
		}
	}
	if len(out) < 1000 {
		t.Fatalf("%d lines: the corpus is missing", len(out))
	}
	return out
}

// TestFileZillaSplitMatchesPattern: the hand-written cutting of FileZilla's
// lines gives what the patterns give, for every line of the corpus.
func TestFileZillaSplitMatchesPattern(t *testing.T) {
	tables := i18n()
	for _, line := range corpusLines(t) {
		m := fileZillaRe.FindStringSubmatch(line)
		l, ok := splitFileZilla(line)
		switch {
		case ok != (m != nil):
			t.Errorf("%q: split %v, pattern %v", line, ok, m != nil)
		case ok && (l.stamp != m[1] || l.engine != m[2] || l.label != m[3] || l.text != m[4]):
			t.Errorf("%q: split %q, pattern %q", line, []string{l.stamp, l.engine, l.label, l.text}, m[1:])
		}
		m = labelRe.FindStringSubmatch(line)
		prefix, label, sep, rest, ok := tables.matchLabel(line)
		switch {
		case ok != (m != nil):
			t.Errorf("%q: label %v, pattern %v", line, ok, m != nil)
		case ok && (prefix != m[1] || label != foldLabel(m[2]) || sep != m[3] || rest != m[4]):
			t.Errorf("%q: label %q, pattern %q", line, []string{prefix, label, sep, rest}, m[1:])
		}
	}
}
