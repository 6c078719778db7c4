package selftest

import (
	"fmt"
	"ftpdiag/result"
	"strings"
)

// localFindings turns the plan's notes and the firewall's blockers into
// findings a person can act on.
func (o *Outcome) localFindings() []result.Finding {
	var fs []result.Finding
	for _, c := range o.Plan.Checks {
		if c.Status == BindInUse && c.Purpose != "passive" {
			fs = append(fs, inUse(c))
		}
	}
	if pb := passiveInUse(o.Plan.Checks); len(pb) > 0 {
		fs = append(fs, result.Finding{
			Code: CodePortInUse, Severity: result.Warning,
			Title:  "Part of the standard passive range is taken by another program",
			Detail: fmt.Sprintf("Passive ports %s cannot be bound: %s.", PortRanges(pb), passiveWhy(o.Plan.Checks)),
			Hints: []string{"Give ftpdiag serve a free range (--pasv-ports A-B) and open that range on the firewall instead,",
				"or stop the program that holds the ports."},
			Ports: pb,
		})
	}
	for _, c := range o.Plan.Checks {
		if c.Status == BindDenied {
			fs = append(fs, result.Finding{
				Code: CodeUnprivileged, Severity: result.Info,
				Title:  fmt.Sprintf("Port %d needs privilege here; the self-test used another", c.Port),
				Detail: fmt.Sprintf("Port %d (%s) %s.", c.Port, c.Purpose, why(c)),
				Hints: []string{"Run ftpdiag serve as root, or allow it low ports: setcap cap_net_bind_service=+ep $(which ftpdiag);",
					"or serve on --listen :2121 and tell users the port."},
				Ports: []int{c.Port},
			})
		}
	}
	for _, b := range o.Firewall {
		fs = append(fs, blockerFinding(b, o.Plan))
	}
	return fs
}

func inUse(c PortCheck) result.Finding {
	f := result.Finding{
		Code: CodePortInUse, Severity: result.Info,
		Title:  fmt.Sprintf("Port %d is taken by another program", c.Port),
		Detail: fmt.Sprintf("Port %d (%s) %s; the self-test used another port.", c.Port, c.Purpose, why(c)),
		Hints:  []string{"Stop the program that holds the port before running ftpdiag serve on it."},
		Ports:  []int{c.Port},
	}
	if c.Port == ControlPort {
		f.Hints = append([]string{"If it is another FTP server, probe that one directly:",
			"    ftpdiag probe ftp://USER@localhost:21/"}, f.Hints...)
	}
	return f
}

func passiveInUse(cs []PortCheck) []int {
	var ps []int
	for _, c := range cs {
		if c.Purpose == "passive" && c.Status == BindInUse {
			ps = append(ps, c.Port)
		}
	}
	return ps
}

// blockerFinding: a rule that drops or rejects the control port or the
// passive range stops real clients, even though the loopback test passed.
func blockerFinding(b Blocker, pl Plan) result.Finding {
	sev, who := result.Critical, "every client"
	if b.Conditional {
		sev, who = result.Warning, "some clients (the rule also matches on source or interface)"
	}
	action := map[FirewallVerdict]string{FwDrop: "drops", FwReject: "rejects"}[b.Verdict]
	return result.Finding{
		Code: CodeFirewallBlocks, Severity: sev,
		Title: fmt.Sprintf("The local firewall %s new connections to port %s", action, PortRanges(b.Ports)),
		Detail: fmt.Sprintf("%s: `%s` %s inbound TCP %s for %s. The self-test went through loopback, "+
			"so it passed anyway; clients on other machines will not.", b.Where, b.Rule, action, PortRanges(b.Ports), who),
		Hints: []string{
			fmt.Sprintf("Accept the FTP ports before that rule: nft insert rule %s tcp dport { %d, %d-%d } accept",
				nftChainRef(b.Where), pl.ControlPort, pl.PasvMin, pl.PasvMax),
			fmt.Sprintf("or with iptables: iptables -I INPUT -p tcp -m multiport --dports %d,%d:%d -j ACCEPT",
				pl.ControlPort, pl.PasvMin, pl.PasvMax),
		},
		Ports: b.Ports,
	}
}

// nftChainRef turns "nftables table inet filter chain input" into
// "inet filter input", as nft's commands name a chain.
func nftChainRef(where string) string {
	f := strings.Fields(where)
	if len(f) == 6 && f[0] == "nftables" {
		return f[2] + " " + f[3] + " " + f[5]
	}
	return "inet filter input"
}
