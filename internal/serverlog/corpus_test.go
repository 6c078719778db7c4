package serverlog

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript/foreign"
)

const corpus = "../../testdata/serverlogs"

// corpusLine is one line of testdata/serverlogs/MANIFEST.
type corpusLine struct {
	file    string
	verdict result.Verdict
	codes   []string
}

func readManifest(t *testing.T) []corpusLine {
	t.Helper()
	f, err := os.Open(filepath.Join(corpus, "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		if len(fs) != 3 {
			t.Fatalf("MANIFEST: %q: want file, verdict, codes", line)
		}
		c := corpusLine{file: fs[0], verdict: result.Verdict(fs[1])}
		if fs[2] != "-" {
			c.codes = strings.Split(fs[2], ",")
		}
		out = append(out, c)
	}
	if len(out) < 20 {
		t.Fatalf("MANIFEST lists %d logs: is it cut short?", len(out))
	}
	return out
}

func explainData(t *testing.T, data string) *diagnose.ServerReport {
	t.Helper()
	from, ok := foreign.DetectServer([]byte(data))
	if !ok {
		return nil
	}
	rep, err := Scan(strings.NewReader(data), from, Options{Keep: 1 << 20})
	if err != nil {
		return nil
	}
	return rep
}

// TestServerCorpus: every log of the corpus is in the manifest, is detected
// as its server's, and gives exactly the manifest's verdict and codes, every
// finding backed by the lines it cites.
func TestServerCorpus(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range readManifest(t) {
		listed[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpus, c.file))
			if err != nil {
				t.Fatal(err)
			}
			from, _ := foreign.DetectServer(data)
			if server, _, _ := strings.Cut(c.file, "-"); !strings.HasPrefix(string(from), server) {
				t.Errorf("detected as %q", from)
			}
			rep := explainData(t, string(data))
			if rep == nil {
				t.Fatal("explain refuses it")
			}
			if got := Codes(rep); rep.Verdict() != c.verdict || !slices.Equal(got, c.codes) {
				t.Errorf("%s %q, want %s %q", rep.Verdict(), got, c.verdict, c.codes)
			}
			for _, s := range rep.Worst {
				if err := diagnose.Backed(s.Result); err != nil {
					t.Errorf("session %d: %v", s.ID, err)
				}
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join(corpus, "*.log"))
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s is not in the MANIFEST", filepath.Base(f))
		}
	}
}

// TestServerCorpusCuts: a server log cut at any line, keeping its head (a
// log read while sessions run) or its tail (a rotated log), judges each of
// its sessions as the whole log does or says less: never ok where the whole
// session failed, never worse, never a code the whole session does not
// have, and always backed by its lines.
func TestServerCorpusCuts(t *testing.T) {
	for _, c := range readManifest(t) {
		data, err := os.ReadFile(filepath.Join(corpus, c.file))
		if err != nil {
			t.Fatal(err)
		}
		whole := bySession(explainData(t, string(data)), 0)
		lines := strings.SplitAfter(string(data), "\n")
		for k := 1; k < len(lines); k++ {
			head := explainData(t, strings.Join(lines[:k], ""))
			tail := explainData(t, strings.Join(lines[k:], ""))
			for kind, cut := range map[string]map[int]*diagnose.ServerSession{"head": bySession(head, 0), "tail": bySession(tail, k)} {
				for line, s := range cut {
					checkCutSession(t, c.file, kind, k, s, whole[line])
				}
			}
		}
	}
}

// bySession maps sessions by the log line they start on in the whole log.
func bySession(rep *diagnose.ServerReport, offset int) map[int]*diagnose.ServerSession {
	out := map[int]*diagnose.ServerSession{}
	if rep != nil {
		for _, s := range rep.Worst {
			out[s.Line+offset] = s
		}
	}
	return out
}

func rank(v result.Verdict) int {
	switch v {
	case result.VerdictWarning:
		return 1
	case result.VerdictCritical:
		return 2
	}
	return 0
}

func checkCutSession(t *testing.T, file, kind string, k int, cut, whole *diagnose.ServerSession) {
	t.Helper()
	where := file + " " + kind + " cut at line " + strings.Repeat("", 0)
	if err := diagnose.Backed(cut.Result); err != nil {
		t.Errorf("%s%d: session %d: %v", where, k, cut.ID, err)
	}
	if whole == nil {
		return // a session that starts mid-way in the whole log's terms: checked for backing only
	}
	cv, wv := cut.Result.Verdict, whole.Result.Verdict
	switch {
	case cv == result.VerdictOK && wv != result.VerdictOK:
		t.Errorf("%s%d: session at line %d is ok, the whole log says %s", where, k, cut.Line, wv)
	case rank(cv) > rank(wv):
		t.Errorf("%s%d: session at line %d is %s, the whole log says only %s", where, k, cut.Line, cv, wv)
	}
	wc := map[string]bool{}
	for _, f := range whole.Result.Findings {
		wc[f.Code] = true
	}
	for _, f := range cut.Result.Findings {
		if !wc[f.Code] {
			t.Errorf("%s%d: session at line %d gives %s, the whole log does not", where, k, cut.Line, f.Code)
		}
	}
}
