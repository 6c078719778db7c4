package selftest

import (
	"fmt"
	"slices"

	"ftpdiag/diagnose"
	"ftpdiag/probe"
	"ftpdiag/result"
	"strings"
)

// localFindings turns the plan's notes and the firewall's blockers into
// findings a person can act on; their titles and hints are the catalogue's.
//
// probeFindings are the loopback run's: where it failed on a blocked port
// too, the firewall finding says so instead of "it passed anyway".
func (o *Outcome) localFindings(probeFindings []result.Finding) []result.Finding {
	var fs []result.Finding
	for _, c := range o.Plan.Checks {
		if c.Status == BindInUse && c.Purpose != "passive" {
			fs = append(fs, diagnose.Make(diagnose.Fact{Code: diagnose.CodePortInUse, Args: diagnose.Args{Port: c.Port}, Ports: []int{c.Port},
				Detail: fmt.Sprintf("Port %d (%s) %s; the self-test used another port.", c.Port, c.Purpose, why(c))}))
		}
	}
	if pb := passiveInUse(o.Plan.Checks); len(pb) > 0 {
		f := diagnose.Make(diagnose.Fact{Code: diagnose.CodePortInUse, Args: diagnose.Args{Range: true}, Ports: pb,
			Detail: fmt.Sprintf("Passive ports %s cannot be bound: %s.", PortRanges(pb), passiveWhy(o.Plan.Checks))})
		f.Severity = result.Warning
		fs = append(fs, f)
	}
	for _, c := range o.Plan.Checks {
		if c.Status == BindDenied {
			fs = append(fs, diagnose.Make(diagnose.Fact{Code: diagnose.CodeUnprivileged, Args: diagnose.Args{Port: c.Port}, Ports: []int{c.Port},
				Detail: fmt.Sprintf("Port %d (%s) %s.", c.Port, c.Purpose, why(c))}))
		}
	}
	for _, b := range o.Firewall.Blockers {
		fs = append(fs, blockerFinding(b, o.Plan, metLocally(b, probeFindings)))
	}
	return fs
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
func blockerFinding(b Blocker, pl Plan, met bool) result.Finding {
	sev, who := result.Critical, "every client"
	if b.Conditional {
		sev, who = result.Warning, "some clients (the rule also matches on source or interface)"
	}
	action := map[FirewallVerdict]string{FwDrop: "drops", FwReject: "rejects"}[b.Verdict]
	f := diagnose.Make(diagnose.Fact{Code: diagnose.CodeFirewallBlocks, Ports: b.Ports,
		Args: diagnose.Args{Verb: action, Ports: PortRanges(b.Ports), Chain: nftChainRef(b.Where),
			Control: pl.ControlPort, PasvMin: pl.PasvMin, PasvMax: pl.PasvMax},
		Detail: fmt.Sprintf("%s: `%s` %s inbound TCP %s for %s. %s", b.Where, b.Rule, action, PortRanges(b.Ports), who, loopbackStory(met))})
	f.Severity = sev
	if b.Family != "" {
		// The other family's clients get through: say whose are blocked.
		f.Family = b.Family
		f.Title += " (" + probe.FamilyName(b.Family) + " only)"
	}
	return f
}

// metLocally tells whether the loopback run failed on a port the rule
// blocks: the rule matched loopback traffic too.
func metLocally(b Blocker, probeFindings []result.Finding) bool {
	for _, f := range probeFindings {
		for _, p := range f.Ports {
			if slices.Contains(b.Ports, p) {
				return true
			}
		}
	}
	return false
}

// loopbackStory says what the loopback run made of the rule, as the same
// run's other findings show it: one run, one story.
func loopbackStory(met bool) string {
	if met {
		return "The self-test's loopback run failed on the same ports (see the findings about them): clients on other machines will fail there too."
	}
	return "The self-test went through loopback, which the rule does not stop, so it passed anyway; clients on other machines will not."
}

// LoopbackOnly is what an ok self-test did not check: its headline says
// "OK on this machine", not that the server is reachable.
const LoopbackOnly = "on this machine (through loopback); not checked from outside"

// qualify marks an ok self-test as checked through loopback only: the
// result's evidence note, which every format shows with the verdict.
func qualify(res *result.Result) {
	if res.Verdict == result.VerdictOK {
		res.Evidence = LoopbackOnly
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
