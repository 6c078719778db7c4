package selftest

import (
	"strings"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// TestOneRunOneStory (issue 20): with a rule dropping port 3020, the
// loopback sweep of the same run fails on 3020 too; the firewall finding
// must then not say that the loopback test "passed anyway".
func TestOneRunOneStory(t *testing.T) {
	pl := Plan{ControlPort: 2121, PasvMin: 3000, PasvMax: 3024}
	o := &Outcome{Plan: pl, Firewall: Firewall{Read: true, Source: "nftables",
		Blockers: []Blocker{{Where: "nftables table inet filter chain input", Rule: "tcp dport 3020 drop", Verdict: FwDrop, Ports: []int{3020}}}}}
	cases := []struct {
		name    string
		probe   []result.Finding
		want    string
		notWant string
	}{
		{"the loopback run met the rule", []result.Finding{{Code: diagnose.CodePassivePartial, Ports: []int{3020}}},
			"failed on the same ports", "passed anyway"},
		{"the loopback run did not", nil, "passed anyway", "failed on the same ports"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var detail string
			for _, f := range o.localFindings(tc.probe) {
				if f.Code == diagnose.CodeFirewallBlocks {
					detail = f.Detail
				}
			}
			if !strings.Contains(detail, tc.want) || strings.Contains(detail, tc.notWant) {
				t.Errorf("detail %q, want %q and not %q", detail, tc.want, tc.notWant)
			}
		})
	}
}

// TestHeadlineSaysLoopback (issue 20): an ok self-test is ok on this
// machine, through loopback; the result says it was not checked from
// outside, wherever its verdict is shown.
func TestHeadlineSaysLoopback(t *testing.T) {
	res := &result.Result{Verdict: result.VerdictOK}
	qualify(res)
	if res.Evidence != LoopbackOnly {
		t.Errorf("evidence %q, want %q", res.Evidence, LoopbackOnly)
	}
	warn := &result.Result{Verdict: result.VerdictWarning}
	qualify(warn)
	if warn.Evidence != "" {
		t.Errorf("a warning got evidence %q: its findings say what is wrong", warn.Evidence)
	}
}
