package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"ftpdiag/probe"
	"ftpdiag/result"
)

// firewallReadTimeout bounds one call of nft or iptables-save; both answer in
// milliseconds unless the kernel is wedged, and the self-test must not hang then.
const firewallReadTimeout = 5 * time.Second

// nftCommand runs nft; tests point it into their own network namespace.
var nftCommand = []string{"nft"}

// FirewallVerdict is the local firewall's answer for a new inbound TCP connection to a port.
type FirewallVerdict string

const (
	FwAccept FirewallVerdict = "accept"
	FwDrop   FirewallVerdict = "drop"
	FwReject FirewallVerdict = "reject"
)

// Blocker is one rule (or a chain's policy) that drops or rejects new inbound
// connections to some of the ports the server needs.
type Blocker struct {
	Ports   []int
	Verdict FirewallVerdict
	// Conditional is set when the rule also matches on something the self-test
	// cannot know (the source address, the interface): it blocks some clients.
	Conditional bool
	Where       string // "nftables table inet filter chain input" or "iptables INPUT"
	Rule        string // the rule as the tool prints it, or "policy drop"
	// Family is set where the rule blocks one address family only
	// (result.FamilyIPv6: an ip table opens the port, no ip6 one does).
	Family string
}

// String is one line for the report.
func (b Blocker) String() string {
	some := ""
	if b.Conditional {
		some = " for some clients"
	}
	fam := ""
	if b.Family != "" {
		fam = " over " + probe.FamilyName(b.Family)
	}
	return fmt.Sprintf("%s %s%s%s: %s (%s)", PortRanges(b.Ports), b.Verdict, fam, some, b.Rule, b.Where)
}

// Firewall is what the self-test learned of the local firewall. A ruleset
// that could not be read is "not checked", never "nothing blocks".
type Firewall struct {
	Read     bool      // a ruleset was read and understood
	Source   string    // the tool read ("nftables", "iptables and ip6tables"), or why none was
	Blockers []Blocker // the rules that drop or reject the ports asked about
}

// notRead is a firewall that could not be read, and why.
func notRead(why string) Firewall { return Firewall{Source: why} }

// Status is the self-test's judgement of the local firewall: pass when a
// ruleset was read and nothing in it blocks, fail when a rule blocks, not
// checked when no ruleset could be read.
func (f Firewall) Status() result.Status {
	switch {
	case !f.Read:
		return result.NotChecked
	case len(f.Blockers) > 0:
		return result.Fail
	}
	return result.Pass
}

// ReadFirewall asks nftables (or, where nft is absent, iptables-save) which of
// ports would be dropped or rejected for a new inbound connection, and says
// which tool was read, or why none could be.
func ReadFirewall(ctx context.Context, ports []int) Firewall {
	if runtime.GOOS != "linux" {
		return notRead(FirewallNotRead(runtime.GOOS))
	}
	ctx, cancel := context.WithTimeout(ctx, firewallReadTimeout)
	defer cancel()
	if _, err := exec.LookPath("nft"); err == nil {
		nft := func(args ...string) *exec.Cmd {
			argv := append(append([]string(nil), nftCommand...), args...)
			return exec.CommandContext(ctx, argv[0], argv[1:]...)
		}
		js, err := nft("-j", "list", "ruleset").Output()
		if err != nil {
			return notRead("nftables could not be read (" + firstLine(err) + "; run as root)")
		}
		text, _ := nft("-a", "list", "ruleset").Output()
		bl, err := EvalNftables(js, string(text), ports)
		if err != nil {
			return notRead("nftables ruleset not understood: " + err.Error())
		}
		return Firewall{Read: true, Source: "nftables", Blockers: bl}
	}
	if _, err := exec.LookPath("iptables-save"); err == nil {
		out, err := exec.CommandContext(ctx, "iptables-save").Output()
		if err != nil {
			return notRead("iptables could not be read (" + firstLine(err) + "; run as root)")
		}
		v4, source := EvalIptables(string(out), ports), "iptables"
		var v6 []Blocker
		if out6, err := exec.CommandContext(ctx, "ip6tables-save").Output(); err == nil {
			v6, source = EvalIptables(string(out6), ports), "iptables and ip6tables"
			for i := range v6 {
				v6[i].Where = strings.Replace(v6[i].Where, "iptables", "ip6tables", 1)
			}
		}
		return Firewall{Read: true, Source: source, Blockers: mergeFamilies(v4, v6)}
	}
	return notRead("neither nft nor iptables-save is installed; local firewall rules not checked")
}

// FirewallNotRead says why the local firewall of goos is not read where
// ftpdiag knows only Linux's nftables and iptables: macOS's pf and
// Application Firewall and Windows Defender Firewall are reported "not
// checked", never as letting the ports through.
func FirewallNotRead(goos string) string {
	switch goos {
	case "darwin":
		return "the macOS firewall (pf, Application Firewall) is not read by ftpdiag; local firewall rules not checked"
	case "windows":
		return "Windows Defender Firewall is not read by ftpdiag; local firewall rules not checked"
	}
	return "the local firewall of " + goos + " is not read by ftpdiag; local firewall rules not checked"
}

func firstLine(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return strings.SplitN(strings.TrimSpace(string(ee.Stderr)), "\n", 2)[0]
	}
	return err.Error()
}

type nftDoc struct {
	Nftables []map[string]json.RawMessage `json:"nftables"`
}

type nftChain struct {
	Family, Table, Name, Type, Hook, Policy string
	Prio                                    int
}

type nftRule struct {
	Family, Table, Chain string
	Handle               int
	Expr                 []map[string]json.RawMessage
}

// EvalNftables walks every input-hook filter chain for each port, as the
// kernel would for a new TCP connection from an unknown source. text is
// `nft -a list ruleset`, used only to quote the blocking rule.
func EvalNftables(js []byte, text string, ports []int) ([]Blocker, error) {
	var doc nftDoc
	if err := json.Unmarshal(js, &doc); err != nil {
		return nil, err
	}
	chains := map[string]nftChain{}
	rules := map[string][]nftRule{}
	var hooks []nftChain
	for _, obj := range doc.Nftables {
		if raw, ok := obj["chain"]; ok {
			var c nftChain
			if err := json.Unmarshal(raw, &c); err != nil {
				return nil, err
			}
			chains[c.Family+" "+c.Table+" "+c.Name] = c
			if c.Hook == "input" && c.Type == "filter" {
				hooks = append(hooks, c)
			}
		}
		if raw, ok := obj["rule"]; ok {
			var r nftRule
			if err := json.Unmarshal(raw, &r); err != nil {
				return nil, err
			}
			k := r.Family + " " + r.Table + " " + r.Chain
			rules[k] = append(rules[k], r)
		}
	}
	sort.SliceStable(hooks, func(i, j int) bool { return hooks[i].Prio < hooks[j].Prio })
	quotes := ruleQuotes(text)
	ev := nftEval{rules: rules, quotes: quotes}
	var byFamily [2][]Blocker
	for i, fam := range []string{result.FamilyIPv4, result.FamilyIPv6} {
		// A packet of a family meets the inet chains and its own table's.
		for _, c := range hooks {
			if c.Family == "inet" || c.Family == nftProto(fam) {
				byFamily[i] = append(byFamily[i], ev.chainBlockers(c, ports, fam)...)
			}
		}
	}
	return mergeFamilies(byFamily[0], byFamily[1]), nil
}

type nftEval struct {
	rules  map[string][]nftRule
	quotes map[string]string
}

func (ev nftEval) chainBlockers(c nftChain, ports []int, family string) []Blocker {
	where := fmt.Sprintf("nftables table %s %s chain %s", c.Family, c.Table, c.Name)
	var out []Blocker
	for _, p := range ports {
		v, rule, cond := ev.walk(c.Family+" "+c.Table+" "+c.Name, p, family, 0)
		if v == "" {
			if c.Policy != "drop" {
				continue
			}
			v, rule = FwDrop, "policy drop (no rule accepts it)"
		}
		if v == FwAccept {
			continue
		}
		out = append(out, Blocker{Ports: []int{p}, Verdict: v, Conditional: cond, Where: where, Rule: rule})
	}
	return out
}

// walk returns the verdict of chain k for a new connection to port, the rule
// that decided it, and whether a rule with an unknowable match decided it.
// Conditional accepts are passed over: they let only some clients in.
func (ev nftEval) walk(k string, port int, family string, depth int) (FirewallVerdict, string, bool) {
	if depth > 16 {
		return "", "", false
	}
	tfam, table := strings.Fields(k)[0], strings.Fields(k)[1]
	for _, r := range ev.rules[k] {
		match, certain, verdict, target := evalRule(r, port, family)
		if !match {
			continue
		}
		if target != "" {
			v, rule, cond := ev.walk(tfam+" "+table+" "+target, port, family, depth+1)
			if v != "" && (certain || v != FwAccept) {
				return v, rule, cond || !certain
			}
			continue
		}
		if verdict == "" || (verdict == FwAccept && !certain) {
			continue
		}
		return verdict, ev.quote(r), !certain
	}
	return "", "", false
}

func (ev nftEval) quote(r nftRule) string {
	if q, ok := ev.quotes[r.Table+"/"+strconv.Itoa(r.Handle)]; ok {
		return q
	}
	return fmt.Sprintf("rule handle %d", r.Handle)
}

var handleRe = regexp.MustCompile(`^\s*(.*?)\s*# handle (\d+)$`)

// ruleQuotes maps table/handle to the rule's text in `nft -a list ruleset`.
func ruleQuotes(text string) map[string]string {
	q := map[string]string{}
	table := ""
	for _, l := range strings.Split(text, "\n") {
		if f := strings.Fields(l); len(f) >= 3 && f[0] == "table" {
			table = f[2]
			continue
		}
		if m := handleRe.FindStringSubmatch(l); m != nil && !strings.HasPrefix(strings.TrimSpace(l), "chain ") {
			q[table+"/"+m[2]] = m[1]
		}
	}
	return q
}

// mergeFamilies makes one blocker of a rule that blocks the same ports in
// both families (an inet chain's), and marks the others with their family.
func mergeFamilies(v4, v6 []Blocker) []Blocker {
	v4, v6 = mergeBlockers(v4), mergeBlockers(v6)
	key := func(b Blocker) string { return fmt.Sprint(b.Where, b.Rule, b.Verdict, b.Conditional, b.Ports) }
	in6 := map[string]bool{}
	for _, b := range v6 {
		in6[key(b)] = true
	}
	var out []Blocker
	both := map[string]bool{}
	for _, b := range v4 {
		if in6[key(b)] {
			both[key(b)] = true
		} else {
			b.Family = result.FamilyIPv4
		}
		out = append(out, b)
	}
	for _, b := range v6 {
		if !both[key(b)] {
			b.Family = result.FamilyIPv6
			out = append(out, b)
		}
	}
	return out
}
