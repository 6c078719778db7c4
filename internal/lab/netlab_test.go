//go:build linux

package lab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a tiny TCP peer inside the namespaces, so the
// harness is tested without depending on the FTP code it serves.
const helperEnv = "FTPDLAB_HELPER"

const (
	// dialTimeout is the helper's connection deadline: the lab's round
	// trips take microseconds, so a second tells DROP from a slow answer.
	dialTimeout = time.Second
	// helperLife bounds a helper listener that a failed test forgot.
	helperLife = time.Minute
)

// helperMain runs the helper named by FTPDLAB_HELPER: "listen ADDR..." writes
// each caller's address back; "dial ADDR" prints "connected SEEN", "refused"
// or "timeout".
func helperMain() int {
	args := strings.Fields(os.Getenv(helperEnv))
	if len(args) < 2 {
		return 2
	}
	if args[0] == "listen" {
		for _, a := range args[1:] {
			ln, err := net.Listen("tcp", a)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			go echoAddr(ln)
		}
		time.Sleep(helperLife)
		return 0
	}
	fmt.Println(dialOutcome(args[1]))
	return 0
}

func echoAddr(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
		fmt.Fprintln(c, host)
		c.Close()
	}
}

func dialOutcome(addr string) string {
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case err != nil:
		return "error " + err.Error()
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(dialTimeout))
	seen, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "connected, no reply: " + err.Error()
	}
	return "connected " + strings.TrimSpace(seen)
}

// helper starts the test binary as a helper inside ns.
func (n *Net) helper(t *testing.T, ns string, args ...string) *Proc {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return n.Start(t, ns, "env", helperEnv+"="+strings.Join(args, " "), self)
}

// TestNetworks checks the harness itself: who reaches what, and which
// address the far side sees, in each topology.
func TestNetworks(t *testing.T) {
	Require(t)
	type dial struct{ from, to, want string }
	tests := []struct {
		name  string
		topo  Topology
		dials []dial
	}{
		{"public", Topology{}, []dial{
			{"client", ServerPublic + ":21", "connected " + ClientPublic},
			{"server", ClientPublic + ":2000", "connected " + ServerPublic},
		}},
		{"router drops", Topology{RouterRules: []string{fromClient + "tcp dport 21 drop"}}, []dial{
			{"client", ServerPublic + ":21", "timeout"},
			{"client", ServerPublic + ":3000", "connected " + ClientPublic},
		}},
		{"client behind NAT", Topology{ClientNAT: true}, []dial{
			{"client", ServerPublic + ":21", "connected " + RouterServer},
			{"server", ClientPrivate + ":2000", "timeout"},
			{"server", RouterServer + ":2000", "refused"},
		}},
		{"server behind NAT", Topology{ServerNAT: true, Forward: []string{"21"}}, []dial{
			{"client", ServerPublic + ":21", "connected " + ClientPublic},
			{"client", ServerPublic + ":3000", "refused"},
			{"client", ServerPrivate + ":21", "timeout"},
			{"server", ClientPublic + ":2000", "connected " + ServerPublic},
		}},
		{"client host firewall", Topology{ClientRules: []string{`iifname != "lo" ct state new drop`}}, []dial{
			{"client", ServerPublic + ":21", "connected " + ClientPublic},
			{"server", ClientPublic + ":2000", "timeout"},
		}},
	}
	for _, tt := range tests {
		t.Run(slug(tt.name), func(t *testing.T) {
			t.Parallel()
			n := New(t, tt.topo)
			ns := map[string]string{"client": n.Client, "server": n.Server}
			sp := n.helper(t, n.Server, "listen", n.ServerAddr()+":21", n.ServerAddr()+":3000")
			n.WaitListen(t, sp, n.Server, 3000)
			cp := n.helper(t, n.Client, "listen", n.ClientAddr()+":2000")
			n.WaitListen(t, cp, n.Client, 2000)
			for _, d := range tt.dials {
				self, _ := os.Executable()
				out, err := n.Command(ns[d.from], "env", helperEnv+"=dial "+d.to, self).Output()
				if err != nil {
					t.Fatalf("%s dials %s: %v", d.from, d.to, err)
				}
				if got := strings.TrimSpace(string(out)); got != d.want {
					t.Errorf("%s dials %s: got %q, want %q", d.from, d.to, got, d.want)
				}
			}
		})
	}
}

// TestRemoveLeftovers: a namespace left by a run whose process is gone is
// deleted; one of a live process (this one) is kept.
func TestRemoveLeftovers(t *testing.T) {
	Require(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	stale := fmt.Sprintf("%s%d-1-c", NamePrefix, dead.Process.Pid)
	live := fmt.Sprintf("%s%d-leftover-test", NamePrefix, os.Getpid())
	for _, ns := range []string{stale, live} {
		if out, err := command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			t.Fatalf("ip netns add %s: %v: %s", ns, err, out)
		}
		t.Cleanup(func() { command("ip", "netns", "del", ns).Run() })
	}
	RemoveLeftovers(t)
	out, err := command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(line, " ")
		got[name] = true
	}
	if got[stale] || !got[live] {
		t.Errorf("after RemoveLeftovers: stale %s present %v (want false), live %s present %v (want true)", stale, got[stale], live, got[live])
	}
}
