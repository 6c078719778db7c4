package selftest

import (
	"strings"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// TestMachineChecksFirewall: the local firewall is judged by whether a
// ruleset was read, never by the name of the tool that read it; a firewall
// that could not be read is "not checked", never "pass". (The case of both
// iptables and ip6tables read was judged "not checked" when the judgement
// compared the source with "nftables" and "iptables".)
func TestMachineChecksFirewall(t *testing.T) {
	cases := []struct {
		name string
		fw   Firewall
		want result.Status
	}{
		{"read, nothing blocks", Firewall{Read: true, Source: "nftables"}, result.Pass},
		{"read, a rule blocks", Firewall{Read: true, Source: "iptables", Blockers: []Blocker{{Ports: []int{21}, Verdict: FwDrop}}}, result.Fail},
		{"read, iptables and ip6tables", Firewall{Read: true, Source: "iptables and ip6tables"}, result.Pass},
		{"not readable", notRead("nftables could not be read (Operation not permitted; run as root)"), result.NotChecked},
		{"no tool", notRead("neither nft nor iptables-save is installed; local firewall rules not checked"), result.NotChecked},
		{"macOS", notRead(FirewallNotRead("darwin")), result.NotChecked},
		{"Windows", notRead(FirewallNotRead("windows")), result.NotChecked},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := &Outcome{Firewall: tc.fw, Plan: Plan{ControlPort: 21, PasvMin: 3000, PasvMax: 3024}}
			var got *result.Check
			for _, c := range o.MachineChecks() {
				if c.Name == CheckLocalFirewall {
					got = &c
				}
			}
			if got == nil {
				t.Fatalf("no %q check", CheckLocalFirewall)
			}
			if got.Status != tc.want {
				t.Errorf("status %q, want %q (%s)", got.Status, tc.want, got.Detail)
			}
			if !strings.HasPrefix(got.Detail, tc.fw.Source) {
				t.Errorf("detail %q does not start with the source %q", got.Detail, tc.fw.Source)
			}
		})
	}
}

// TestMachineChecks: the ports check warns where the plan moved off the
// standard ports, and the outside view is never checked from here.
func TestMachineChecks(t *testing.T) {
	std := Plan{ControlPort: 21, PasvMin: 3000, PasvMax: 3024, ActiveFrom20: true}
	moved := Plan{ControlPort: 2121, PasvMin: 30000, PasvMax: 30024, Notes: []string{"port 21 needs root; the self-test listens on 2121 instead"}}
	cases := []struct {
		name       string
		plan       Plan
		wantPorts  result.Status
		wantDetail string
	}{
		{"standard", std, result.Pass, "control 21, passive 3000-3024, active from port 20"},
		{"moved", moved, result.Warn, "control 2121, passive 30000-30024, active from any port; port 21 needs root; the self-test listens on 2121 instead"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := &Outcome{Plan: tc.plan, Firewall: Firewall{Read: true, Source: "nftables"}, Outside: "ftpdiag probe --sweep ftp://USER@PUBLIC-ADDRESS:21/"}
			got := map[string]result.Check{}
			for _, c := range o.MachineChecks() {
				got[c.Name] = c
			}
			if c := got[CheckLocalPorts]; c.Status != tc.wantPorts || c.Detail != tc.wantDetail {
				t.Errorf("local ports %q %q, want %q %q", c.Status, c.Detail, tc.wantPorts, tc.wantDetail)
			}
			if c := got[CheckFromOutside]; c.Status != result.NotChecked || !strings.Contains(c.Detail, o.Outside) {
				t.Errorf("from outside %q %q, want not checked, naming %q", c.Status, c.Detail, o.Outside)
			}
		})
	}
}

// TestOutsideAnswersAreCodes: every answer but the exit status is a code
// of the catalogue, so the epilogue cannot name a code that does not exist.
func TestOutsideAnswersAreCodes(t *testing.T) {
	o := &Outcome{Plan: Plan{ControlPort: 21, PasvMin: 3000, PasvMax: 3024}}
	for i, a := range o.OutsideAnswers() {
		if i == 0 {
			if a.Answer != "exit 0" {
				t.Errorf("first answer %q, want exit 0", a.Answer)
			}
			continue
		}
		if _, ok := diagnose.Lookup(a.Answer); !ok {
			t.Errorf("answer %q is not a code of the catalogue", a.Answer)
		}
	}
}
