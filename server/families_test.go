package server

import (
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdiag/internal/golden"
)

var updateRules = flag.Bool("update-rules", false, "rewrite testdata/firewall-dual.golden")

func TestServedFamilies(t *testing.T) {
	dual := []string{"IPv6"}
	if dualStack() {
		dual = []string{"IPv6", "IPv4"}
	}
	for _, tc := range []struct {
		name, addr string
		want       []string
	}{
		{"IPv4 wildcard", "0.0.0.0:21", []string{"IPv4"}},
		{"IPv4 loopback", "127.0.0.1:2121", []string{"IPv4"}},
		{"IPv6 wildcard is dual-stack", "[::]:21", dual},
		{"IPv6 loopback", "[::1]:21", []string{"IPv6"}},
		{"IPv6 address", "[2001:db8::21]:21", []string{"IPv6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := servedFamilies(tc.addr); !slices.Equal(got, tc.want) {
				t.Errorf("servedFamilies(%s) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
}

// TestFirewallRulesDual: a dual-stack server's rules open both families
// (the summary of a wildcard listener lists this machine's addresses, so
// the rules are compared alone).
func TestFirewallRulesDual(t *testing.T) {
	got := strings.Join(firewallRules(21, 0, 3000, 3024, []string{"IPv6", "IPv4"}), "\n") + "\n"
	golden.Check(t, filepath.Join("testdata", "firewall-dual.golden"), []byte(got), *updateRules)
}
