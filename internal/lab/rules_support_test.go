//go:build linux

package lab

import (
	"fmt"
	"strings"
)

// Subnets of the two LANs, for the router's source NAT.
const (
	clientLAN = "10.0.0.0/24"
	serverLAN = "192.168.1.0/24"
)

// RouterRuleset is the router's nftables ruleset for topo: NAT, the FTP
// helper, the rule that keeps private addresses off the public side, and the
// scenario's own filter rules, in that order.
func RouterRuleset(topo Topology) string {
	var b strings.Builder
	b.WriteString("table ip ftpdlab {\n")
	if topo.ALG {
		// The helper must be attached before the connection is confirmed, so
		// in prerouting; it needs the kernel's nf_nat_ftp to rewrite PORT.
		b.WriteString("\tct helper ftp-std {\n\t\ttype \"ftp\" protocol tcp\n\t}\n")
		chain(&b, "helpers", "filter hook prerouting priority filter", `tcp dport 21 ct helper set "ftp-std"`)
	}
	if topo.ServerNAT && len(topo.Forward) > 0 {
		chain(&b, "dstnat", "nat hook prerouting priority dstnat",
			fmt.Sprintf("ip daddr %s tcp dport { %s } dnat to %s", ServerPublic, strings.Join(topo.Forward, ", "), ServerPrivate))
	}
	var snat []string
	if topo.ClientNAT {
		snat = append(snat, fmt.Sprintf("oifname %q ip saddr %s masquerade", routerServerIf, clientLAN))
	}
	if topo.ServerNAT {
		// The server's own outbound connections (active mode) leave with
		// the published address, as port forwarding routers do.
		snat = append(snat, fmt.Sprintf("oifname %q ip saddr %s snat to %s", routerClientIf, serverLAN, ServerPublic))
	}
	if len(snat) > 0 {
		chain(&b, "srcnat", "nat hook postrouting priority srcnat", snat...)
	}
	forward := append(publicSideRule(topo), topo.RouterRules...)
	chain(&b, "forward", "filter hook forward priority filter", forward...)
	b.WriteString("}\n")
	return b.String()
}

// publicSideRule drops new connections that arrive on a public side for a
// private address, unless destination NAT put that address there. Testing
// one bit of ct status matters: "ct status != dnat" compares the whole field
// and drops forwarded connections too.
func publicSideRule(topo Topology) []string {
	var public []string
	if !topo.ClientNAT {
		public = append(public, fmt.Sprintf("%q", routerClientIf))
	}
	if !topo.ServerNAT {
		public = append(public, fmt.Sprintf("%q", routerServerIf))
	}
	if len(public) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("iifname { %s } ct state new ip daddr { %s } ct status & dnat == 0 drop",
		strings.Join(public, ", "), privateNets)}
}

// ClientRuleset is a host firewall on the client: rules in its input chain.
func ClientRuleset(rules []string) string {
	var b strings.Builder
	b.WriteString("table inet ftpdlab {\n")
	chain(&b, "input", "filter hook input priority filter", rules...)
	b.WriteString("}\n")
	return b.String()
}

// chain writes one base chain with an accept policy: the scenario's rules
// say what is blocked, everything else passes.
func chain(b *strings.Builder, name, hook string, rules ...string) {
	fmt.Fprintf(b, "\tchain %s {\n\t\ttype %s; policy accept;\n", name, hook)
	for _, r := range rules {
		fmt.Fprintf(b, "\t\t%s\n", r)
	}
	b.WriteString("\t}\n")
}
