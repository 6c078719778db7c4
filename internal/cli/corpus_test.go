package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript/foreign"
)

// corpusEntry is one line of testdata/logs/MANIFEST.
type corpusEntry struct {
	file    string
	verdict result.Verdict
	codes   []string // exactly these, whole
	forbid  []string // never, whole or cut
	source  string
	// fallback: the whole log shows a control connection failing in one
	// address family and the client falling back to the other.
	fallback bool
}

func readManifest(t *testing.T) []corpusEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(logs, "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, source, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			t.Fatalf("MANIFEST:%d: %d columns, want file, verdict, codes, forbidden codes", n, len(fields))
		}
		out = append(out, corpusEntry{file: fields[0], verdict: result.Verdict(fields[1]),
			codes: codeList(fields[2]), forbid: codeList(fields[3]), source: strings.TrimSpace(source)})
	}
	if len(out) < 40 {
		t.Fatalf("MANIFEST lists %d logs: is it cut short?", len(out))
	}
	return out
}

func codeList(s string) []string {
	if s == "-" {
		return nil
	}
	return strings.Split(s, ",")
}

// explainBytes is explain's result for a log held in memory; nil when the
// text holds no FTP session at all (a cut may leave none).
func explainBytes(t *testing.T, data []byte) *result.Result {
	t.Helper()
	log, err := foreign.Parse(data, "")
	if err != nil {
		return nil
	}
	return explainResult(log)
}

// TestCorpus: every log under testdata/logs is in the manifest, and explain
// finds in each exactly what the manifest says, with every finding backed
// by the lines it cites.
func TestCorpus(t *testing.T) {
	entries := readManifest(t)
	listed := map[string]bool{}
	for _, c := range entries {
		listed[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(logs, c.file))
			if err != nil {
				t.Fatal(err)
			}
			res := explainBytes(t, data)
			if res == nil {
				t.Fatalf("explain refuses %s", c.file)
			}
			got := strings.Fields(codes(res.Findings))
			if !slices.Equal(got, c.codes) || res.Verdict != c.verdict {
				t.Errorf("%s: %s %q, want %s %q (%s)", c.file, res.Verdict, got, c.verdict, c.codes, c.source)
			}
			if err := diagnose.Backed(res); err != nil {
				t.Errorf("%s: %v", c.file, err)
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join(logs, "*"))
	for _, f := range files {
		name := filepath.Base(f)
		if ext := filepath.Ext(name); (ext == ".log" || ext == ".json") && !listed[name] {
			t.Errorf("%s is not in testdata/logs/MANIFEST", name)
		}
	}
}

// rank orders verdicts by what they claim is wrong: unknown claims nothing.
func rank(v result.Verdict) int {
	switch v {
	case result.VerdictWarning:
		return 1
	case result.VerdictCritical:
		return 2
	}
	return 0
}

// TestCorpusCuts is the property of issue 14 over the corpus: a log cut at
// any line, keeping its head (a log that ends early) or its tail (a
// fragment pasted from the middle of a session), never turns a failure
// into ok, never gives a code the whole log does not (nor a forbidden one),
// never claims worse than the whole log, and stays backed by its lines.
func TestCorpusCuts(t *testing.T) {
	for _, c := range readManifest(t) {
		if filepath.Ext(c.file) == ".json" {
			continue // a cut JSON document is no document
		}
		data, err := os.ReadFile(filepath.Join(logs, c.file))
		if err != nil {
			t.Fatal(err)
		}
		if whole := explainBytes(t, data); whole != nil {
			for _, f := range whole.Findings {
				c.fallback = c.fallback || f.Family != "" && strings.HasPrefix(f.Code, "control.")
			}
		}
		lines := strings.SplitAfter(string(data), "\n")
		for k := 1; k < len(lines); k++ {
			for _, cut := range []struct{ kind, text string }{
				{"head", strings.Join(lines[:k], "")},
				{"tail", strings.Join(lines[k:], "")},
			} {
				checkCut(t, c, cut.kind, k, cut.text)
			}
		}
	}
}

// A log whose client fell back to the other address family is milder
// whole than cut before the fallback: the cut shows the failed family
// alone, with nothing to fall back to, which is as bad as the lines say.

func checkCut(t *testing.T, c corpusEntry, kind string, k int, text string) {
	t.Helper()
	res := explainBytes(t, []byte(text))
	if res == nil {
		return
	}
	where := fmt.Sprintf("%s, %s cut at line %d", c.file, kind, k+1)
	if res.Verdict == result.VerdictOK && c.verdict != result.VerdictOK {
		t.Errorf("%s: ok, while the whole log is %s", where, c.verdict)
	}
	if rank(res.Verdict) > rank(c.verdict) && !(kind == "head" && c.fallback) {
		t.Errorf("%s: %s, worse than the whole log's %s (%s)", where, res.Verdict, c.verdict, codes(res.Findings))
	}
	for _, f := range res.Findings {
		if !slices.Contains(c.codes, f.Code) || slices.Contains(c.forbid, f.Code) {
			t.Errorf("%s: %s, which the whole log (%q) does not show", where, f.Code, c.codes)
		}
	}
	if err := diagnose.Backed(res); err != nil {
		t.Errorf("%s: %v", where, err)
	}
}
