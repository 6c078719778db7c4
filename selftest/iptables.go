package selftest

import (
	"strconv"
	"strings"
)

// EvalIptables reads `iptables-save` (the legacy back end, where nft is not
// installed) for the INPUT chain of the filter table: rules that DROP or
// REJECT new TCP connections to ports, and a DROP policy no rule overrides.
// Jumps to user chains are not followed; their rules are listed as conditional.
func EvalIptables(save string, ports []int) []Blocker {
	inFilter, policyDrop := false, false
	var rules [][]string
	for _, l := range strings.Split(save, "\n") {
		switch {
		case strings.HasPrefix(l, "*"):
			inFilter = l == "*filter"
		case inFilter && strings.HasPrefix(l, ":INPUT "):
			policyDrop = strings.Fields(l)[1] == "DROP"
		case inFilter && strings.HasPrefix(l, "-A INPUT "):
			rules = append(rules, strings.Fields(l))
		}
	}
	var out []Blocker
	for _, p := range ports {
		b, decided := iptablesPort(rules, p)
		if !decided && policyDrop {
			b, decided = Blocker{Verdict: FwDrop, Rule: "policy DROP (no rule accepts it)"}, true
		}
		if decided && b.Verdict != FwAccept {
			b.Ports, b.Where = []int{p}, "iptables filter INPUT"
			out = append(out, b)
		}
	}
	return mergeBlockers(out)
}

func iptablesPort(rules [][]string, port int) (Blocker, bool) {
	for _, r := range rules {
		matches, certain, target := true, true, ""
		for i := 2; i < len(r); i++ {
			arg := func() string {
				if i+1 < len(r) {
					i++
					return r[i]
				}
				return ""
			}
			switch r[i] {
			case "-p":
				matches = matches && arg() == "tcp"
			case "--dport":
				matches = matches && inPortSpec(arg(), port)
			case "--dports":
				matches = matches && inPortSpec(arg(), port)
			case "-j":
				target = arg()
			case "-m", "--comment":
				arg()
			case "--ctstate", "--state":
				matches = matches && strings.Contains(arg(), "NEW")
			case "-s", "-i", "-d", "!":
				certain = false
				arg()
			}
		}
		if !matches {
			continue
		}
		rule := strings.Join(r, " ")
		switch target {
		case "ACCEPT":
			if certain {
				return Blocker{Verdict: FwAccept}, true
			}
		case "DROP":
			return Blocker{Verdict: FwDrop, Rule: rule, Conditional: !certain}, true
		case "REJECT":
			return Blocker{Verdict: FwReject, Rule: rule, Conditional: !certain}, true
		}
	}
	return Blocker{}, false
}

// inPortSpec reads "21", "3000:3024" or a comma list of those.
func inPortSpec(spec string, port int) bool {
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 == nil && err2 == nil && port >= a && port <= b {
			return true
		}
	}
	return false
}
