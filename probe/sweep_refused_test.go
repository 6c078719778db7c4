package probe

import (
	"slices"
	"strings"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestSweepRefusedIsNeverOK (issue 20): serve allows one SITE SWEEP per
// address per minute; a second probe --sweep within it printed "OK,
// nothing to fix" and skipped the PASV sampling. A refused sweep falls
// back to sampling and says so in a finding of its own, a warning at least.
func TestSweepRefusedIsNeverOK(t *testing.T) {
	lo := closedPort(t)
	s := servertest.Start(t, server.Config{PasvMin: lo, PasvMax: lo + 9})
	o := quick()
	o.Sweep, o.PassiveOnly = true, true
	first := diagnosed(probeAddr(t, servertest.URL(s), o), result.Tool{})
	if first.Verdict != result.VerdictOK {
		t.Fatalf("the first sweep: %s %v, want ok\n%s", first.Verdict, codes(first.Findings), render(first.Transcript))
	}
	out := probeAddr(t, servertest.URL(s), o)
	res := diagnosed(out, result.Tool{})
	if res.Verdict == result.VerdictOK || !slices.Contains(codes(res.Findings), diagnose.CodeSweepRefused) {
		t.Errorf("the refused sweep: %s %v, want at least a warning with %s\n%s", res.Verdict, codes(res.Findings), diagnose.CodeSweepRefused, render(res.Transcript))
	}
	for _, c := range out.Checks {
		if c.Name == "SITE SWEEP" && (c.Status == result.Pass || !strings.Contains(c.Detail, "sampled")) {
			t.Errorf("sweep check = %+v, want it not passing, and the range sampled instead", c)
		}
	}
}
