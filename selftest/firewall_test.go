package selftest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// ruleset drops part of the passive range, rejects the control port for one
// network only, and drops everything else by policy except what it accepts.
const ruleset = `
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    ct state invalid drop
    tcp dport 22 accept
    tcp dport 3000-3009 accept
    ip saddr 10.0.0.0/8 tcp dport 21 reject with tcp reset
    tcp dport 21 accept
    jump passive
  }
  chain passive {
    tcp dport { 3010-3014, 3020 } drop
    tcp dport 3015-3019 reject
    tcp dport 3021-3024 accept
  }
}
`

// needNetns skips where namespaces cannot be made, except in CI, where the
// test must run.
func needNetns(t *testing.T) string {
	t.Helper()
	why := ""
	if os.Geteuid() != 0 {
		why = "not root"
	} else if _, err := exec.LookPath("nft"); err != nil {
		why = "nft not installed"
	}
	name := fmt.Sprintf("fdst%d", os.Getpid()%100000)
	if why == "" {
		if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
			why = "cannot create a network namespace: " + strings.TrimSpace(string(out))
		}
	}
	if why != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("firewall test cannot run in CI: %s", why)
		}
		t.Skip(why)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	return name
}

func TestReadFirewallNftables(t *testing.T) {
	ns := needNetns(t)
	load := exec.Command("ip", "netns", "exec", ns, "nft", "-f", "-")
	load.Stdin = strings.NewReader(ruleset)
	if out, err := load.CombinedOutput(); err != nil {
		t.Fatalf("loading the ruleset: %v: %s", err, out)
	}
	old := nftCommand
	nftCommand = []string{"ip", "netns", "exec", ns, "nft"}
	t.Cleanup(func() { nftCommand = old })

	ports := []int{21}
	for p := 3000; p <= 3024; p++ {
		ports = append(ports, p)
	}
	fw := ReadFirewall(context.Background(), ports)
	if !fw.Read || fw.Source != "nftables" {
		t.Fatalf("read %v, source %q", fw.Read, fw.Source)
	}
	var got []string
	for _, b := range fw.Blockers {
		got = append(got, b.String())
	}
	want := []string{
		// ip saddr matches IPv4 packets only: IPv6 clients are let in.
		"21 reject over IPv4 for some clients: ip saddr 10.0.0.0/8 tcp dport 21 reject with tcp reset (nftables table inet filter chain input)",
		"3010-3014, 3020 drop: tcp dport { 3010-3014, 3020 } drop (nftables table inet filter chain input)",
		"3015-3019 reject: tcp dport 3015-3019 reject (nftables table inet filter chain input)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("blockers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestReadFirewallFamilies: rule sets that open the passive range for
// IPv4 only block it for IPv6, and say so.
func TestReadFirewallFamilies(t *testing.T) {
	cases := []struct {
		name, rules string
		want        []string
	}{
		{"ip table opens, ip6 table drops", `
table ip filter {
  chain input { type filter hook input priority 0; policy drop; tcp dport { 21, 3000-3024 } accept; }
}
table ip6 filter {
  chain input { type filter hook input priority 0; policy drop; tcp dport 21 accept; }
}`, []string{"3000-3024 drop over IPv6: policy drop (no rule accepts it) (nftables table ip6 filter chain input)"}},
		{"inet table opens for nfproto ipv4 only", `
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    tcp dport 21 accept
    meta nfproto ipv4 tcp dport 3000-3024 accept
  }
}`, []string{"3000-3024 drop over IPv6: policy drop (no rule accepts it) (nftables table inet filter chain input)"}},
		{"inet table opens both", `
table inet filter {
  chain input { type filter hook input priority 0; policy drop; tcp dport { 21, 3000-3024 } accept; }
}`, nil},
		{"inet table drops both", `
table inet filter {
  chain input { type filter hook input priority 0; policy drop; tcp dport 21 accept; }
}`, []string{"3000-3024 drop: policy drop (no rule accepts it) (nftables table inet filter chain input)"}},
	}
	ports := []int{21}
	for p := 3000; p <= 3024; p++ {
		ports = append(ports, p)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ns := needNetns(t)
			load := exec.Command("ip", "netns", "exec", ns, "nft", "-f", "-")
			load.Stdin = strings.NewReader(tc.rules)
			if out, err := load.CombinedOutput(); err != nil {
				t.Fatalf("loading the ruleset: %v: %s", err, out)
			}
			old := nftCommand
			nftCommand = []string{"ip", "netns", "exec", ns, "nft"}
			t.Cleanup(func() { nftCommand = old })
			blockers := ReadFirewall(context.Background(), ports).Blockers
			var got []string
			for _, b := range blockers {
				got = append(got, b.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("blockers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestEvalNftablesPolicyDrop(t *testing.T) {
	js := `{"nftables":[{"chain":{"family":"inet","table":"f","name":"in","type":"filter","hook":"input","prio":0,"policy":"drop"}},
	{"rule":{"family":"inet","table":"f","chain":"in","handle":3,"expr":[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":21}},{"accept":null}]}}]}`
	bl, err := EvalNftables([]byte(js), "", []int{21, 3000, 3001})
	if err != nil {
		t.Fatal(err)
	}
	if len(bl) != 1 || PortRanges(bl[0].Ports) != "3000-3001" || bl[0].Verdict != FwDrop || bl[0].Conditional {
		t.Errorf("got %+v", bl)
	}
}

func TestEvalIptables(t *testing.T) {
	save := `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m tcp --dport 21 -j ACCEPT
-A INPUT -s 192.0.2.0/24 -p tcp -m multiport --dports 3000:3004,3010 -j REJECT
-A INPUT -p tcp -m tcp --dport 3000:3019 -j ACCEPT
COMMIT
`
	ports := []int{21}
	for p := 3000; p <= 3024; p++ {
		ports = append(ports, p)
	}
	var got []string
	for _, b := range EvalIptables(save, ports) {
		got = append(got, fmt.Sprintf("%s %s %v", PortRanges(b.Ports), b.Verdict, b.Conditional))
	}
	want := []string{"3000-3004, 3010 reject true", "3020-3024 drop false"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPortRanges(t *testing.T) {
	cases := []struct {
		in   []int
		want string
	}{
		{[]int{3002, 3000, 3001, 3005, 21}, "21, 3000-3002, 3005"},
		{[]int{20}, "20"},
		{nil, ""},
	}
	for _, tc := range cases {
		if got := PortRanges(tc.in); got != tc.want {
			t.Errorf("PortRanges(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
