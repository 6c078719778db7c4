//go:build linux

// Package lab builds small real networks from network namespaces, veth pairs
// and nftables, so that ftpdiag can be tested against the firewalls and NAT
// routers its users meet: a client, a router that filters and NATs, and a
// server, each in its own namespace. Everything a test builds is torn down in
// t.Cleanup, even when the test fails.
//
// The lab needs root, ip (iproute2) and nft (nftables); see Require.
package lab

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// Addresses of the lab. "Public" ones come from 198.18.0.0/15 (reserved for
// benchmarking, never routed on the internet); private ones exist only inside
// the namespaces.
const (
	ClientPublic  = "198.18.0.2"  // the client when it is not behind NAT
	RouterClient  = "198.18.0.1"  // the router on the client's public side
	ClientPrivate = "10.0.0.2"    // the client on a LAN behind the router
	RouterLAN     = "10.0.0.1"    // the router on that LAN
	ServerPublic  = "198.18.1.2"  // the server's public address: what the client dials
	RouterServer  = "198.18.1.1"  // the router on the server's public side
	ServerPrivate = "192.168.1.2" // the server on a LAN behind the router
	RouterDMZ     = "192.168.1.1" // the router on the server's LAN
)

// privateNets are the destinations the router refuses to route from its
// public side unless NAT put them there, as the internet does.
const privateNets = "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10"

// Interface names, unique within each namespace only: veth pairs are created
// straight into their namespaces, so the host never sees them.
const (
	hostIf         = "eth0" // the client's and the server's only interface
	routerClientIf = "rc"   // the router's interface towards the client
	routerServerIf = "rs"   // the router's interface towards the server
)

// NamePrefix starts every namespace the lab creates; the process id after it
// tells leftovers of a crashed run from a run going on at the same time.
const NamePrefix = "ftpdlab-"

var counter atomic.Int64

// Topology describes one network. The zero value is a client and a server
// with public addresses and a router between them that lets everything by.
type Topology struct {
	// ClientNAT puts the client on a private LAN behind the router, which
	// masquerades it as RouterServer.
	ClientNAT bool
	// ALG runs the kernel's FTP helper on the router for port 21, so that it
	// rewrites PORT commands and opens the data connections they announce.
	ALG bool
	// ServerNAT puts the server on a private LAN; the router owns
	// ServerPublic and forwards the ports in Forward to the server.
	ServerNAT bool
	// Forward lists the ports (nft syntax: "21", "3000-3009") forwarded to
	// the server when ServerNAT is set.
	Forward []string
	// RouterRules are nft rules for the router's forward chain: the
	// scenario's firewall between client and server.
	RouterRules []string
	// ClientRules are nft rules for the client's input chain: a host
	// firewall on the client machine.
	ClientRules []string
	// IPv6 gives the client, the router and the server IPv6 addresses too
	// (2001:db8::/32), without NAT; RouterRules6 filter IPv6 alone.
	IPv6         bool
	RouterRules6 []string
	// Names are the families of ServerName's addresses in the client's
	// hosts file ("ipv6", "ipv4"); none: no hosts file.
	Names []string
	// ClientLinkMTU, when set, is the MTU of the router's interface
	// towards the client: a smaller link on the path, where the router
	// fragments the server's larger packets that carry no DF bit (the
	// client's own end keeps 1500, so it still announces an MSS of 1460).
	ClientLinkMTU int
	// ClientRoute are more options of the client's default route, for
	// example "mtu 576 advmss 1460": the path MTU a client learned, while
	// it announces the MSS of its own 1500-byte link.
	ClientRoute []string
	// ServerSysctls are set in the server's namespace ("key=value"), for
	// example net.ipv4.ip_no_pmtu_disc=1 (TCP segments without DF).
	ServerSysctls []string
}

// Net is one built network. Its namespaces are named Client, Router, Server.
type Net struct {
	Topology
	Client, Router, Server string
	t                      testing.TB
}

// New builds a network for t and tears it down when t ends.
func New(t testing.TB, topo Topology) *Net {
	t.Helper()
	base := fmt.Sprintf("%s%d-%d-", NamePrefix, os.Getpid(), counter.Add(1))
	n := &Net{Topology: topo, Client: base + "c", Router: base + "r", Server: base + "s", t: t}
	for _, ns := range []string{n.Client, n.Router, n.Server} {
		if out, err := command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			t.Fatalf("lab: ip netns add %s: %v: %s", ns, err, out)
		}
		t.Cleanup(func() { deleteNamespace(t, ns) })
	}
	if err := n.build(); err != nil {
		t.Fatalf("lab: %v", err)
	}
	if len(topo.Names) > 0 {
		n.writeHosts(t)
	}
	return n
}

// ClientAddr is the client's own address.
func (n *Net) ClientAddr() string {
	if n.ClientNAT {
		return ClientPrivate
	}
	return ClientPublic
}

// ClientSeenAddr is the client's address as the server sees it.
func (n *Net) ClientSeenAddr() string {
	if n.ClientNAT {
		return RouterServer
	}
	return ClientPublic
}

// ServerAddr is the address the server itself holds (private behind NAT).
func (n *Net) ServerAddr() string {
	if n.ServerNAT {
		return ServerPrivate
	}
	return ServerPublic
}

// build wires the namespaces together and loads the rulesets.
func (n *Net) build() error {
	for _, args := range n.wiring() {
		if out, err := command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, out)
		}
	}
	if out, err := n.Command(n.Router, "sysctl", "-qw", "net.ipv4.ip_forward=1").CombinedOutput(); err != nil {
		return fmt.Errorf("router ip_forward: %w: %s", err, out)
	}
	if err := n.loadRules(n.Router, RouterRuleset(n.Topology)); err != nil {
		return fmt.Errorf("router ruleset: %w", err)
	}
	if err := n.pathOptions(); err != nil {
		return err
	}
	if n.IPv6 {
		if err := n.buildIPv6(); err != nil {
			return err
		}
	}
	if len(n.ClientRules) > 0 {
		if err := n.loadRules(n.Client, ClientRuleset(n.ClientRules)); err != nil {
			return fmt.Errorf("client ruleset: %w", err)
		}
	}
	return nil
}

// pathOptions applies ClientLinkMTU and ServerSysctls.
func (n *Net) pathOptions() error {
	if n.ClientLinkMTU > 0 {
		mtu := strconv.Itoa(n.ClientLinkMTU)
		if out, err := command("ip", "-n", n.Router, "link", "set", routerClientIf, "mtu", mtu).CombinedOutput(); err != nil {
			return fmt.Errorf("router link mtu %s: %w: %s", mtu, err, out)
		}
	}
	for _, kv := range n.ServerSysctls {
		if out, err := n.Command(n.Server, "sysctl", "-qw", kv).CombinedOutput(); err != nil {
			return fmt.Errorf("server sysctl %s: %w: %s", kv, err, out)
		}
	}
	return nil
}

// wiring is the ip commands that make the network: two veth pairs created
// straight into their namespaces, addresses, links up, default routes.
func (n *Net) wiring() [][]string {
	clientGW, serverGW := RouterClient, RouterServer
	routerClientAddr, routerServerAddr := RouterClient+"/24", RouterServer+"/24"
	if n.ClientNAT {
		clientGW, routerClientAddr = RouterLAN, RouterLAN+"/24"
	}
	if n.ServerNAT {
		serverGW, routerServerAddr = RouterDMZ, RouterDMZ+"/24"
	}
	steps := [][]string{
		{"-n", n.Client, "link", "add", hostIf, "type", "veth", "peer", "name", routerClientIf, "netns", n.Router},
		{"-n", n.Server, "link", "add", hostIf, "type", "veth", "peer", "name", routerServerIf, "netns", n.Router},
		{"-n", n.Client, "addr", "add", n.ClientAddr() + "/24", "dev", hostIf},
		{"-n", n.Server, "addr", "add", n.ServerAddr() + "/24", "dev", hostIf},
		{"-n", n.Router, "addr", "add", routerClientAddr, "dev", routerClientIf},
		{"-n", n.Router, "addr", "add", routerServerAddr, "dev", routerServerIf},
	}
	if n.ServerNAT {
		// The router owns the published address, so a port it does not
		// forward answers with a reset, as a home router's does.
		steps = append(steps, []string{"-n", n.Router, "addr", "add", ServerPublic + "/32", "dev", "lo"})
	}
	for _, ns := range []string{n.Client, n.Router, n.Server} {
		steps = append(steps, []string{"-n", ns, "link", "set", "lo", "up"})
	}
	return append(steps,
		[]string{"-n", n.Client, "link", "set", hostIf, "up"},
		[]string{"-n", n.Server, "link", "set", hostIf, "up"},
		[]string{"-n", n.Router, "link", "set", routerClientIf, "up"},
		[]string{"-n", n.Router, "link", "set", routerServerIf, "up"},
		append([]string{"-n", n.Client, "route", "add", "default", "via", clientGW}, n.ClientRoute...),
		[]string{"-n", n.Server, "route", "add", "default", "via", serverGW},
	)
}

// loadRules feeds a ruleset to nft inside namespace ns.
func (n *Net) loadRules(ns, ruleset string) error {
	cmd := n.Command(ns, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(ruleset)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nft -f -: %w: %s\n%s", err, out, numbered(ruleset))
	}
	return nil
}

// numbered prefixes lines with their numbers, since nft names errors by line.
func numbered(s string) string {
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(strconv.Itoa(i+1) + "\t" + line + "\n")
	}
	return b.String()
}
