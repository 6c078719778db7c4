package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/internal/golden"
	"ftpdiag/result"
)

// diagnosedResults turns every transcript of the diagnosis goldens into a
// result through Diagnose, as the probe and explain do, so the renderers
// meet the findings, hints and Lines the real diagnosis writes.
func diagnosedResults(t *testing.T) map[string]*result.Result {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "diagnose", "testdata", "diagnose", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*result.Result{}
	for _, p := range paths {
		if strings.HasSuffix(p, ".findings.json") {
			continue
		}
		var entries []result.Entry
		golden.ReadJSON(t, p, &entries)
		fs := diagnose.Diagnose(entries)
		out[strings.TrimSuffix(filepath.Base(p), ".json")] = &result.Result{
			Schema: result.Schema, Tool: result.Tool{Name: "ftpdiag", Version: "0.1.0"},
			Target:  result.Target{URL: "ftp://192.0.2.10/", Host: "192.0.2.10", Port: 21},
			Started: time.Date(2026, 11, 23, 21, 54, 30, 0, time.UTC), Verdict: diagnose.VerdictOf(fs),
			Findings: fs, Transcript: entries,
		}
	}
	if n := len(scenarioCodes()) - len(localScenarios); len(out) < n {
		t.Fatalf("found %d diagnosis transcripts, want at least one per code a transcript shows (%d)", len(out), n)
	}
	return out
}

// TestRenderDiagnosed checks every format over every diagnosed transcript:
// each finding is named under the lines it points at, and the e-mail keeps
// its width.
func TestRenderDiagnosed(t *testing.T) {
	for name, res := range diagnosedResults(t) {
		t.Run(name, func(t *testing.T) {
			// Notes are wrapped; compare with the line breaks taken out.
			text := strings.Join(strings.Fields(string(render(t, res, "text", RenderOptions{}))), " ")
			for k, f := range res.Findings {
				if len(f.Lines) == 0 {
					continue
				}
				if mark := fmt.Sprintf("^ finding %d (%s): %s", k+1, f.Severity, f.Title); !strings.Contains(text, mark) {
					t.Errorf("text does not mark the lines of finding %d (%s)", k+1, f.Code)
				}
			}
			mail := render(t, res, "email", RenderOptions{})
			_, body, _ := bytes.Cut(mail, []byte("\n\n"))
			for _, l := range strings.Split(string(body), "\n") {
				if runeCols(l) > EmailWidth {
					t.Errorf("e-mail line of %d columns: %q", runeCols(l), l)
				}
			}
			render(t, res, "markdown", RenderOptions{})
		})
	}
}

// TestRenderDiagnosedGolden keeps the seed's own story, as the diagnosis
// reads it, in every format for a reviewer to read.
func TestRenderDiagnosedGolden(t *testing.T) {
	res := diagnosedResults(t)["data-passive-timeout"]
	if res == nil {
		t.Fatal("no data-passive-timeout transcript among the diagnosis goldens")
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			renderGolden(t, "diagnosed-passive-timeout."+extOf[format], render(t, res, format, RenderOptions{}))
		})
	}
}
