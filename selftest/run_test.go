package selftest

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/probe"
	"ftpdiag/result"
)

func codes(fs []result.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestRunHealthyLoopback(t *testing.T) {
	o, err := Run(context.Background(), Config{Probe: probe.Options{Timeout: 2 * time.Second}, Tool: result.Tool{Name: "ftpdiag", Version: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Result.Verdict != result.VerdictOK {
		t.Errorf("verdict %s, findings %v", o.Result.Verdict, codes(o.Result.Findings))
	}
	var sweep *result.Check
	for i, c := range o.Result.Checks {
		if strings.Contains(c.Name, "SWEEP") {
			sweep = &o.Result.Checks[i]
		}
	}
	if sweep == nil || sweep.Status != result.Pass {
		t.Errorf("the self-test did not sweep its passive range: %+v", o.Result.Checks)
	}
	// Both loopbacks, or a not-checked line saying why not.
	fams := o.Result.Network.Families
	skipped := slices.ContainsFunc(o.Result.Checks, func(c result.Check) bool {
		return c.Name == "IPv6 (::1)" && c.Status == result.NotChecked
	})
	if !slices.Equal(fams, []string{"ipv4", "ipv6"}) && !(skipped && slices.Equal(fams, []string{"ipv4"})) {
		t.Errorf("families %v, IPv6 skipped %v: want both loopbacks probed", fams, skipped)
	}
	if !strings.HasPrefix(o.Outside, "ftpdiag probe --sweep ftp://USER@") {
		t.Errorf("outside command %q", o.Outside)
	}
}

// TestRunReportsLocalFirewall points the firewall reader at a namespace whose
// ruleset drops part of the passive range: the loopback probe passes, and the
// self-test must still say that clients elsewhere will fail.
func TestRunReportsLocalFirewall(t *testing.T) {
	ns := needNetns(t)
	load := exec.Command("ip", "netns", "exec", ns, "nft", "-f", "-")
	load.Stdin = strings.NewReader("table inet filter {\n chain input {\n type filter hook input priority 0;\n tcp dport 3010-3014 drop\n }\n}\n")
	if out, err := load.CombinedOutput(); err != nil {
		t.Fatalf("loading the ruleset: %v: %s", err, out)
	}
	old := nftCommand
	nftCommand = []string{"ip", "netns", "exec", ns, "nft"}
	t.Cleanup(func() { nftCommand = old })

	o, err := Run(context.Background(), Config{Probe: probe.Options{Timeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Result.Verdict != result.VerdictCritical || !slices.Contains(codes(o.Result.Findings), diagnose.CodeFirewallBlocks) {
		t.Fatalf("verdict %s, findings %v; want critical with %s", o.Result.Verdict, codes(o.Result.Findings), diagnose.CodeFirewallBlocks)
	}
	if o.Plan.PasvMin == PasvBase {
		for _, f := range o.Result.Findings {
			if f.Code == diagnose.CodeFirewallBlocks && PortRanges(f.Ports) != "3010-3014" {
				t.Errorf("blocked ports %s, want 3010-3014", PortRanges(f.Ports))
			}
		}
	}
}
