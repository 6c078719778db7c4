//go:build linux

package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// IPv6 addresses of the lab, from the documentation prefix 2001:db8::/32:
// one /64 per link, the router ::1 on each.
const (
	Client6       = "2001:db8::2"
	RouterClient6 = "2001:db8::1"
	Server6       = "2001:db8:1::2"
	RouterServer6 = "2001:db8:1::1"
)

// ServerName is the server's name in the client's own hosts file: a name
// with an A and an AAAA record, as users meet it, with no DNS traffic.
const ServerName = "ftp.lab.test"

// NameURL is the probe's and the clients' target by name.
func NameURL() string {
	return fmt.Sprintf("ftp://%s:%s@%s:%d/", User, Password, ServerName, FTPPort)
}

// buildIPv6 adds the IPv6 addresses (nodad: usable at once, without the
// second of duplicate detection), default routes, router forwarding and
// the router's IPv6 rules.
func (n *Net) buildIPv6() error {
	steps := [][]string{
		{"-n", n.Client, "-6", "addr", "add", Client6 + "/64", "dev", hostIf, "nodad"},
		{"-n", n.Server, "-6", "addr", "add", Server6 + "/64", "dev", hostIf, "nodad"},
		{"-n", n.Router, "-6", "addr", "add", RouterClient6 + "/64", "dev", routerClientIf, "nodad"},
		{"-n", n.Router, "-6", "addr", "add", RouterServer6 + "/64", "dev", routerServerIf, "nodad"},
		{"-n", n.Client, "-6", "route", "add", "default", "via", RouterClient6},
		{"-n", n.Server, "-6", "route", "add", "default", "via", RouterServer6},
	}
	for _, args := range steps {
		if out, err := command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, out)
		}
	}
	if out, err := n.Command(n.Router, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1").CombinedOutput(); err != nil {
		return fmt.Errorf("router IPv6 forwarding: %w: %s", err, out)
	}
	// The first IPv6 connection in a fresh namespace waits for neighbour
	// discovery (LAB-NOTES), which on a loaded machine ate a 2 s connect
	// timeout: the client and the server each greet their router once, so
	// all four neighbour entries exist before a scenario's first dial. A
	// failed ping changes nothing: the scenario's own dials say what works.
	for _, hop := range [][2]string{{n.Client, RouterClient6}, {n.Server, RouterServer6}} {
		_ = n.Command(hop[0], "ping", "-6", "-c", "1", "-W", "1", hop[1]).Run()
	}
	if len(n.RouterRules6) > 0 {
		var b strings.Builder
		b.WriteString("table ip6 ftpdlab6 {\n")
		chain(&b, "forward", "filter hook forward priority filter", n.RouterRules6...)
		b.WriteString("}\n")
		if err := n.loadRules(n.Router, b.String()); err != nil {
			return fmt.Errorf("router IPv6 ruleset: %w", err)
		}
	}
	return nil
}

// writeHosts gives the client namespace its hosts file (ip netns exec
// bind-mounts /etc/netns/NS/hosts over /etc/hosts), removed with t.
func (n *Net) writeHosts(t testing.TB) {
	t.Helper()
	dir := filepath.Join("/etc/netns", n.Client)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("lab: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	lines := "127.0.0.1 localhost\n::1 localhost\n"
	for _, f := range n.Names {
		addr := ServerPublic
		if f == "ipv6" {
			addr = Server6
		}
		lines += addr + " " + ServerName + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(lines), 0o644); err != nil {
		t.Fatalf("lab: %v", err)
	}
}
