package diagnose

import (
	"slices"
	"testing"

	"ftpdiag/result"
)

// TestClientReportShown: the sessions a report prints whole are, for each
// code (most severe first, then the most sessions), the latest session
// that showed it, once each, at most keep; with no code, the latest
// session. Sessions may end (and be added) out of the order they began.
func TestClientReportShown(t *testing.T) {
	sess := func(id int, v result.Verdict, codes ...string) *ClientSession {
		res := &result.Result{Verdict: v}
		for _, c := range codes {
			sev := result.Warning
			if c == "data.passive.timeout" || c == "login.rejected" {
				sev = result.Critical
			}
			res.Findings = append(res.Findings, result.Finding{Code: c, Severity: sev})
		}
		return &ClientSession{ID: id, Result: res}
	}
	cases := []struct {
		name     string
		sessions []*ClientSession
		keep     int
		want     []int
		verdict  result.Verdict
	}{
		{"the latest of each code, worst first", []*ClientSession{
			sess(1, result.VerdictCritical, "data.passive.timeout"),
			sess(3, result.VerdictWarning, "pasv.private-address"),
			sess(2, result.VerdictCritical, "login.rejected"),
			sess(5, result.VerdictCritical, "data.passive.timeout", "pasv.private-address"),
			sess(4, result.VerdictOK),
		}, 3, []int{5, 2}, result.VerdictCritical},
		{"at most keep", []*ClientSession{
			sess(1, result.VerdictCritical, "data.passive.timeout"),
			sess(2, result.VerdictCritical, "login.rejected"),
			sess(3, result.VerdictWarning, "pasv.private-address"),
		}, 2, []int{1, 2}, result.VerdictCritical},
		{"nothing wrong: the latest session", []*ClientSession{
			sess(2, result.VerdictOK), sess(1, result.VerdictOK), sess(3, result.VerdictUnknown),
		}, 3, []int{3}, result.VerdictOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := NewClientReport("filezilla")
			for _, s := range tc.sessions {
				r.Add(s)
			}
			var got []int
			for _, s := range r.Shown(tc.keep) {
				got = append(got, s.ID)
			}
			if !slices.Equal(got, tc.want) || r.Verdict() != tc.verdict || r.Only != nil {
				t.Errorf("shown %v, verdict %s, only %v; want %v, %s, nil", got, r.Verdict(), r.Only, tc.want, tc.verdict)
			}
		})
	}
}
