//go:build linux

package lab

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdiag/probe/trace"
	"ftpdiag/result"
)

// A chain network for the hop trace: client, three routers, server, each
// link a /24 of its own (198.18.10.0/24 to 198.18.13.0/24, the end nearer
// the client .1, the other .2), so that the server is four hops away and
// every router answers time exceeded from its address facing the client.
//
//	client .10.1 - .10.2 r1 .11.1 - .11.2 r2 .12.1 - .12.2 r3 .13.1 - .13.2 server
const (
	chainR1     = "198.18.10.2" // hop 1, as the client sees it
	chainR2     = "198.18.11.2" // hop 2
	chainR3     = "198.18.12.2" // hop 3: the last router
	chainServer = "198.18.13.2" // hop 4

	// The same chain over IPv6: 2001:db8:10::/64 to 2001:db8:13::/64.
	chainR2v6     = "2001:db8:11::2"
	chainR3v6     = "2001:db8:12::2"
	chainServerV6 = "2001:db8:13::2"
)

// Chain is a built chain network.
type Chain struct {
	*Net
	Routers []string // r1, r2, r3
}

// NewChain builds the chain for t and tears it down when t ends.
func NewChain(t testing.TB) *Chain {
	t.Helper()
	base := fmt.Sprintf("%s%d-%d-", NamePrefix, os.Getpid(), counter.Add(1))
	c := &Chain{Net: &Net{Client: base + "c", Server: base + "s", t: t},
		Routers: []string{base + "r1", base + "r2", base + "r3"}}
	nss := append([]string{c.Client, c.Server}, c.Routers...)
	for _, ns := range nss {
		if out, err := command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			t.Fatalf("lab: ip netns add %s: %v: %s", ns, err, out)
		}
		t.Cleanup(func() { deleteNamespace(t, ns) })
	}
	for _, args := range c.wiring() {
		if out, err := command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("lab: ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	for _, r := range c.Routers {
		for _, sysctl := range []string{"net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"} {
			if out, err := c.Command(r, "sysctl", "-qw", sysctl).CombinedOutput(); err != nil {
				t.Fatalf("lab: %s in %s: %v: %s", sysctl, r, err, out)
			}
		}
	}
	return c
}

// wiring is the chain's ip commands: the nodes in order, a veth pair
// between each two, "to-c" facing the client and "to-s" the server.
func (c *Chain) wiring() [][]string {
	nodes := append(append([]string{c.Client}, c.Routers...), c.Server)
	var steps [][]string
	for i := 0; i+1 < len(nodes); i++ {
		left, right := nodes[i], nodes[i+1]
		net, net6 := fmt.Sprintf("198.18.%d.", 10+i), fmt.Sprintf("2001:db8:%d::", 10+i)
		steps = append(steps,
			[]string{"-n", left, "link", "add", "name", "to-s", "type", "veth", "peer", "name", "to-c", "netns", right},
			[]string{"-n", left, "addr", "add", net + "1/24", "dev", "to-s"},
			[]string{"-n", right, "addr", "add", net + "2/24", "dev", "to-c"},
			[]string{"-n", left, "-6", "addr", "add", net6 + "1/64", "dev", "to-s", "nodad"},
			[]string{"-n", right, "-6", "addr", "add", net6 + "2/64", "dev", "to-c", "nodad"},
			[]string{"-n", left, "link", "set", "to-s", "up"},
			[]string{"-n", right, "link", "set", "to-c", "up"})
	}
	for _, ns := range nodes {
		steps = append(steps, []string{"-n", ns, "link", "set", "lo", "up"})
	}
	// Towards the server: each node's default route is the next node;
	// towards the client: each router routes the client's network back.
	for i := 0; i+1 < len(nodes); i++ {
		steps = append(steps, []string{"-n", nodes[i], "route", "add", "default", "via", fmt.Sprintf("198.18.%d.2", 10+i)},
			[]string{"-n", nodes[i], "-6", "route", "add", "default", "via", fmt.Sprintf("2001:db8:%d::2", 10+i)})
	}
	for i := 2; i+1 < len(nodes); i++ {
		steps = append(steps, []string{"-n", nodes[i], "route", "replace", "198.18.10.0/24", "via", fmt.Sprintf("198.18.%d.1", 10+i-1)},
			[]string{"-n", nodes[i], "-6", "route", "replace", "2001:db8:10::/64", "via", fmt.Sprintf("2001:db8:%d::1", 10+i-1)})
	}
	return append(steps, []string{"-n", c.Server, "route", "add", "default", "via", "198.18.13.1"},
		[]string{"-n", c.Server, "-6", "route", "add", "default", "via", "2001:db8:13::1"})
}

// filter loads one nft rule into ns's chain on hook (forward or input).
func (c *Chain) filter(t testing.TB, ns, hook, rule string) {
	t.Helper()
	ruleset := fmt.Sprintf("table inet ftpdlab {\n\tchain %s {\n\t\ttype filter hook %s priority filter; policy accept;\n\t\t%s\n\t}\n}\n", hook, hook, rule)
	if err := c.loadRules(ns, ruleset); err != nil {
		t.Fatalf("lab: %s: %v", ns, err)
	}
}

// hopScenario blocks the passive range somewhere on the chain.
type hopScenario struct {
	name  string
	where func(c *Chain) (ns, hook string)
	rule  string
	trace string // the --trace mode: auto traces timeouts and unreachables only
	ipv6  bool   // over IPv6 (the probe then uses EPSV)
	// want: the finding's title, and text its detail must hold.
	title  string
	detail []string
}

var hopScenarios = []hopScenario{
	{name: "dropped at a middle router",
		where: func(c *Chain) (string, string) { return c.Routers[1], "forward" },
		rule:  "tcp dport " + PasvRange + " drop",
		title: "Data port %d is dropped after hop 2 (" + chainR2 + ")",
		detail: []string{"Port 21 reaches the server at hop 4; ",
			"is answered by hops 1-2 and nothing from hop 3 on: it is dropped after " + chainR2 + " (hop 2), by its forward filter or at the input of " + chainR3 + " (hop 3 on port 21's path)."}},
	{name: "dropped at the last router",
		where: func(c *Chain) (string, string) { return c.Routers[2], "forward" },
		rule:  "tcp dport " + PasvRange + " drop",
		title: "Data port %d is dropped after hop 3 (" + chainR3 + ")",
		detail: []string{"Port 21 reaches the server at hop 4; ",
			"is answered by hops 1-3 and nothing from hop 4 on: it is dropped after " + chainR3 + " (hop 3), at the last router: by its forward filter, a security group in front of the server, or the server's own firewall. These look the same from outside."}},
	{name: "dropped at the server's input",
		where: func(c *Chain) (string, string) { return c.Server, "input" },
		rule:  "tcp dport " + PasvRange + " drop",
		title: "Data port %d is dropped after hop 3 (" + chainR3 + ")",
		detail: []string{"Port 21 reaches the server at hop 4; ",
			"is answered by hops 1-3 and nothing from hop 4 on: it is dropped after " + chainR3 + " (hop 3), at the last router: by its forward filter, a security group in front of the server, or the server's own firewall. These look the same from outside."}},
	{name: "dropped at a middle router over IPv6", ipv6: true,
		where: func(c *Chain) (string, string) { return c.Routers[1], "forward" },
		rule:  "tcp dport " + PasvRange + " drop",
		title: "Data port %d is dropped after hop 2 (" + chainR2v6 + ")",
		detail: []string{"Port 21 reaches the server at hop 4; ",
			"is answered by hops 1-2 and nothing from hop 3 on: it is dropped after " + chainR2v6 + " (hop 2), by its forward filter or at the input of " + chainR3v6 + " (hop 3 on port 21's path)."}},
	{name: "rejected with ICMP at a middle router",
		where: func(c *Chain) (string, string) { return c.Routers[1], "forward" },
		rule:  "tcp dport " + PasvRange + " reject with icmp type admin-prohibited",
		title: "Data port %d is rejected by " + chainR2 + " (hop 2)",
		detail: []string{"Port 21 reaches the server at hop 4; ",
			"is rejected by " + chainR2 + " (hop 2) with ICMP admin-prohibited. A rejection that says so names the box exactly."}},
	{name: "reset by a middle router",
		where: func(c *Chain) (string, string) { return c.Routers[1], "forward" },
		rule:  "tcp dport " + PasvRange + " reject with tcp reset", trace: "always",
		title: "Data port %d is reset at hop 3, in the name of " + chainServer,
		detail: []string{"Port 21 reaches the server at hop 4; ",
			"is answered with a TCP reset at hop 3, in the name of " + chainServer + ". The reset comes from hop 3, before the server at hop 4: a firewall there answers for the server."}},
}

// TestHopTrace blocks the same passive range at a middle router, at the
// last router, at the server's input, rejects it with ICMP and resets it,
// and checks that the probe's hop trace names the place, and that the two
// drops that cannot be told apart from outside give the same finding.
func TestHopTrace(t *testing.T) {
	Require(t)
	bin := ftpdiagBinary(t)
	var mu sync.Mutex
	details := map[string]string{}
	t.Run("group", func(t *testing.T) {
		for _, sc := range hopScenarios {
			t.Run(slug(sc.name), func(t *testing.T) {
				t.Parallel()
				detail := checkHopScenario(t, bin, sc)
				mu.Lock()
				details[sc.name] = detail
				mu.Unlock()
			})
		}
	})
	// The data port each run traced is the first that timed out, any of
	// the range: the rest of the finding must be word for word the same.
	anyPort := regexp.MustCompile(`port 30\d\d`)
	a := anyPort.ReplaceAllString(details["dropped at the last router"], "port P")
	b := anyPort.ReplaceAllString(details["dropped at the server's input"], "port P")
	if a == "" || a != b {
		t.Errorf("the last router's drop and the server's own must read the same (the trace cannot tell them apart):\n%q\n%q", a, b)
	}
}

// checkHopScenario runs one scenario and checks its finding; it returns
// the finding's detail.
func checkHopScenario(t *testing.T, bin string, sc hopScenario) string {
	res, elapsed := runHopScenario(t, bin, sc)
	f, ok := findingOf(res, "data.dropped-at")
	if !ok {
		t.Fatalf("no data.dropped-at finding; codes %v\n%s", codes(res.Findings), hopLines(res))
	}
	if want := fmt.Sprintf(sc.title, f.Ports[0]); f.Title != want {
		t.Errorf("title:\n got %q\nwant %q", f.Title, want)
	}
	for _, d := range sc.detail {
		if !strings.Contains(f.Detail, d) {
			t.Errorf("detail:\n got %q\nwant it to hold %q\n%s", f.Detail, d, hopLines(res))
		}
	}
	checkTraceTime(t, res)
	t.Logf("%s: %s (probe took %v)\n%s", f.Title, f.Detail, elapsed, hopLines(res))
	saveHopResult(t, sc, res)
	return f.Detail
}

// hopWait bounds a probe with a trace: the probe's own bound plus the
// trace's two windows and its retry at the lab's round trips.
const hopWait = time.Minute

func runHopScenario(t *testing.T, bin string, sc hopScenario) (result.Result, time.Duration) {
	c := NewChain(t)
	server := chainServer
	if sc.ipv6 {
		server = "[" + chainServerV6 + "]"
	}
	p := c.Start(t, c.Server, bin, "serve", "--listen", server+":21", "--pasv-ports", PasvRange, "--user", User+":"+Password)
	c.WaitListen(t, p, c.Server, FTPPort)
	ns, hook := sc.where(c)
	c.filter(t, ns, hook, sc.rule)
	url := fmt.Sprintf("ftp://%s:%s@%s:%d/", User, Password, server, FTPPort)
	out, err := c.runBounded(hopWait, bin, "probe", "--format", "json", "--timeout", ProbeTimeout.String(),
		"--tls", "off", "--passive-only", "--trace", cmp.Or(sc.trace, "auto"), url)
	if err != nil {
		t.Fatal(err)
	}
	run := ProbeRun{Exit: out.exit, Elapsed: out.elapsed, Stdout: out.stdout, Stderr: out.stderr}
	if err := decodeProbe(&run); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("FTPDIAG_LAB_KEEP"); dir != "" {
		// The text report too, for the worked example in docs/README-trace.md.
		text, err := c.runBounded(hopWait, bin, "probe", "--timeout", ProbeTimeout.String(),
			"--tls", "off", "--passive-only", "--trace", cmp.Or(sc.trace, "auto"), url)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "trace-"+slug(sc.name)+".txt"), []byte(text.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return run.Result, run.Elapsed
}

// checkTraceTime holds the trace to its own bound: its windows of hop
// counts (two here: the server is at hop 4) and one retry, each one hop
// wait at the lab's round trips, plus an allowance for a busy machine.
func checkTraceTime(t *testing.T, res result.Result) {
	t.Helper()
	for _, c := range res.Checks {
		if c.Name != "hop trace" {
			continue
		}
		took := time.Duration(c.DurationMs) * time.Millisecond
		bound := 3*trace.Wait(time.Millisecond) + scale(ClockAllowance, LoadFactor())
		if took > bound {
			t.Errorf("the hop trace took %v, over %v", took, bound)
		}
		return
	}
	t.Errorf("no hop trace check in %v", res.Checks)
}

func findingOf(res result.Result, code string) (result.Finding, bool) {
	for _, f := range res.Findings {
		if f.Code == code {
			return f, true
		}
	}
	return result.Finding{}, false
}

// hopLines are the trace's lines of the transcript, for failure messages.
func hopLines(res result.Result) string {
	var b strings.Builder
	for _, e := range res.Transcript {
		if e.Event != nil && e.Event.Op == result.OpTraceHop {
			b.WriteString("    " + e.Text + "\n")
		}
	}
	return b.String()
}

// saveHopResult keeps the probe's result for the diagnosis's goldens when
// FTPDIAG_LAB_KEEP names a directory.
func saveHopResult(t *testing.T, sc hopScenario, res result.Result) {
	dir := os.Getenv("FTPDIAG_LAB_KEEP")
	if dir == "" {
		return
	}
	b, err := json.MarshalIndent(res.Transcript, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "trace-"+slug(sc.name)+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
