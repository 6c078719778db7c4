package foreign

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
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

// TestStampTimeMatchesParse: FileZilla's timestamps read by hand as
// time.Parse reads them, good and bad.
func TestStampTimeMatchesParse(t *testing.T) {
	for _, s := range []string{"2026-11-23 21:54:30", "2024-02-29 00:00:00", "2023-02-29 00:00:00", "2026-04-31 12:00:00",
		"2026-13-01 12:00:00", "2026-00-10 12:00:00", "2026-12-31 23:59:59", "2026-12-31 24:00:00", "2026-12-31 23:60:00",
		"2026-12-31 23:59:60", "0000-01-01 00:00:00", "2026-1-01 00:00:00", "2026-12-00 10:00:00"} {
		want, werr := time.Parse("2006-01-02 15:04:05", s)
		got, ok := stampTime(s)
		if ok != (werr == nil) || ok && !got.Equal(want) {
			t.Errorf("%q: %v %v, time.Parse %v %v", s, got, ok, want, werr)
		}
	}
}

// TestFileZillaParseSkipsOnlyWhatCanonKeeps: the English line's short cut
// gives what rewriting the label first gives, and learns the same
// languages, for every line of the corpus.
func TestFileZillaParseSkipsOnlyWhatCanonKeeps(t *testing.T) {
	fast, slow := newBuilder(), newBuilder()
	for _, line := range corpusLines(t) {
		got, gok := fast.fileZillaParse(line)
		want, wok := splitFileZilla(slow.fileZillaCanon(line))
		if gok != wok || got != want {
			t.Errorf("%q: %+v %v, want %+v %v", line, got, gok, want, wok)
		}
	}
	if fmt.Sprint(fast.langList()) != fmt.Sprint(slow.langList()) {
		t.Errorf("languages %v, want %v", fast.langList(), slow.langList())
	}
}

func TestOneSpaceIsFieldsJoined(t *testing.T) {
	for _, s := range []string{"", "PASV", "USER bob", "USER  bob", " PASV", "PASV ", "STOR a\tb", "RETR caf\u00e9 x", "CWD a\u00a0b", "A\u2003B", "X\x00Y", "a b c"} {
		if got, want := oneSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("oneSpace(%q) = %q, want %q", s, got, want)
		}
	}
}
