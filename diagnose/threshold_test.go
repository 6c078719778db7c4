package diagnose

import (
	"slices"
	"testing"
	"time"

	"ftpdiag/result"
)

// TestThresholds: a verdict slower than -w is at least a warning, slower
// than -c critical; at or under a threshold, or with none, nothing.
func TestThresholds(t *testing.T) {
	entries := []result.Entry{
		{Kind: result.Event, T: time.Millisecond},
		{Kind: result.Reply, T: 2 * time.Second},
		{Kind: result.Note, T: 2 * time.Second},
	}
	cases := []struct {
		name string
		th   Thresholds
		took time.Duration
		want result.Severity // "" for no finding
	}{
		{"none", Thresholds{}, time.Hour, ""},
		{"under -w", Thresholds{Warning: 5 * time.Second}, 4 * time.Second, ""},
		{"at -w", Thresholds{Warning: 5 * time.Second}, 5 * time.Second, ""},
		{"over -w", Thresholds{Warning: 5 * time.Second}, 6 * time.Second, result.Warning},
		{"over -w, under -c", Thresholds{Warning: 5 * time.Second, Critical: 10 * time.Second}, 6 * time.Second, result.Warning},
		{"over -c", Thresholds{Warning: 5 * time.Second, Critical: 10 * time.Second}, 11 * time.Second, result.Critical},
		{"over -c alone", Thresholds{Critical: 10 * time.Second}, 11 * time.Second, result.Critical},
		{"under -c alone", Thresholds{Critical: 10 * time.Second}, 9 * time.Second, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := thresholdFinding(tc.th, tc.took, entries)
			if got := map[bool]result.Severity{true: f.Severity}[ok]; got != tc.want {
				t.Fatalf("severity %q, want %q", got, tc.want)
			}
			if ok && (f.Code != CodeProbeSlow || len(f.Lines) != 1 || f.Lines[0] != 1) {
				t.Errorf("finding %s citing %v, want %s citing the last reply (1)", f.Code, f.Lines, CodeProbeSlow)
			}
		})
	}
}

func TestThresholdsValidate(t *testing.T) {
	cases := []struct {
		name    string
		th      Thresholds
		wantErr bool
	}{
		{"none", Thresholds{}, false},
		{"both", Thresholds{Warning: time.Second, Critical: 2 * time.Second}, false},
		{"equal", Thresholds{Warning: time.Second, Critical: time.Second}, false},
		{"warning above critical", Thresholds{Warning: 3 * time.Second, Critical: 2 * time.Second}, true},
		{"negative", Thresholds{Warning: -time.Second}, true},
	}
	for _, tc := range cases {
		if err := tc.th.Validate(); (err != nil) != tc.wantErr {
			t.Errorf("%s: error %v, want error %v", tc.name, err, tc.wantErr)
		}
	}
}

// TestThresholdsInResult: NewResult holds the verdict to the thresholds,
// and adds nothing without them.
func TestThresholdsInResult(t *testing.T) {
	rec := result.Record{Entries: []result.Entry{{Kind: result.Reply, T: 3 * time.Second}}, Duration: 3 * time.Second}
	for _, tc := range []struct {
		name string
		th   Thresholds
		want bool
	}{
		{"none", Thresholds{}, false},
		{"over -c", Thresholds{Critical: time.Second}, true},
		{"under -w", Thresholds{Warning: time.Minute}, false},
	} {
		res := NewResult(Input{Record: rec, Thresholds: tc.th})
		got := slices.Contains(codesOf(res.Findings), CodeProbeSlow)
		if got != tc.want || got && res.Verdict != result.VerdictCritical {
			t.Errorf("%s: verdict %s, findings %v; want %s %v", tc.name, res.Verdict, codesOf(res.Findings), CodeProbeSlow, tc.want)
		}
	}
}
