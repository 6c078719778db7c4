package main

import (
	"encoding/json"
	"strings"
	"testing"

	"ftpdiag/result"
	"ftpdiag/selftest"
)

func TestSelftestJSON(t *testing.T) {
	status, out, errOut := runCLI(t, "selftest", "--format", "json", "--timeout", "2s")
	if status != exitOK {
		t.Fatalf("exit status %d; stderr:\n%s\nstdout:\n%s", status, errOut, out)
	}
	var res result.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not a JSON result: %v", err)
	}
	if res.Schema != result.Schema || res.Verdict != result.VerdictOK {
		t.Errorf("schema %q verdict %q", res.Schema, res.Verdict)
	}
	names := map[string]result.Status{}
	for _, c := range res.Checks {
		names[c.Name] = c.Status
	}
	for _, want := range []string{"local ports", "local firewall", "from outside"} {
		if _, ok := names[want]; !ok {
			t.Errorf("no %q check in %v", want, names)
		}
	}
	if names["from outside"] != result.NotChecked {
		t.Errorf("from outside: %q, want %q", names["from outside"], result.NotChecked)
	}
	if strings.Contains(out, "This machine") {
		t.Errorf("the text epilogue leaked into the JSON output")
	}
}

func TestMachineChecksFirewallUnread(t *testing.T) {
	cases := []struct {
		name, source string
		want         result.Status
		blockers     []selftest.Blocker
	}{
		{"read, nothing blocks", "nftables", result.Pass, nil},
		{"read, a rule blocks", "iptables", result.Fail, []selftest.Blocker{{Ports: []int{21}, Verdict: selftest.FwDrop}}},
		{"not readable", "nftables could not be read (Operation not permitted; run as root)", result.NotChecked, nil},
		{"no tool", "neither nft nor iptables-save is installed; local firewall rules not checked", result.NotChecked, nil},
		{"macOS", selftest.FirewallNotRead("darwin"), result.NotChecked, nil},
		{"Windows", selftest.FirewallNotRead("windows"), result.NotChecked, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := &selftest.Outcome{FwSource: tc.source, Firewall: tc.blockers, Plan: selftest.Plan{ControlPort: 21, PasvMin: 3000, PasvMax: 3024}}
			for _, c := range machineChecks(o) {
				if c.Name == "local firewall" && c.Status != tc.want {
					t.Errorf("status %q, want %q (%s)", c.Status, tc.want, c.Detail)
				}
			}
		})
	}
}
