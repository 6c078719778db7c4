package trace

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeNet is a path of routers to a server, with a filter on one port: a
// model of what the kernel reports, for the stepping and retry logic.
type fakeNet struct {
	routers []netip.Addr // hop 1 .. len
	server  netip.Addr   // hop len+1
	port    uint16       // the filtered port
	// at is the hop count from which the port is stopped; how is what
	// happens there: "drop", "reject" (ICMP from the router before it) or
	// "reset".
	at  int
	how string
	// silentOnce makes a router's first time-exceeded go missing, as an
	// ICMP rate limit whose burst is spent does.
	silentOnce map[int]bool

	mu    sync.Mutex
	tries map[string]int
	sent  map[uint16]int // attempts per port
}

func (n *fakeNet) dial(_ context.Context, dst netip.AddrPort, ttl int, _ time.Duration) Hop {
	n.mu.Lock()
	defer n.mu.Unlock()
	key := fmt.Sprintf("%d/%d", dst.Port(), ttl)
	n.tries[key]++
	n.sent[dst.Port()]++
	stopped := dst.Port() == n.port && n.at > 0 && ttl >= n.at
	switch {
	case stopped && n.how == "drop":
		return Hop{Answer: Silent}
	case stopped && n.how == "reject":
		return Hop{Answer: Unreachable, From: n.routers[n.at-2], ICMP: AdminProhibited}
	case stopped && n.how == "reset":
		return Hop{Answer: Reset, From: n.server}
	case ttl <= len(n.routers):
		if n.silentOnce[ttl] && n.tries[key] == 1 {
			return Hop{Answer: Silent}
		}
		return Hop{Answer: Expired, From: n.routers[ttl-1], ICMP: TimeExceeded}
	}
	return Hop{Answer: Connected, From: n.server}
}

func newFakeNet(hops int) *fakeNet {
	n := &fakeNet{server: netip.MustParseAddr("198.18.99.2"), port: 3003,
		tries: map[string]int{}, sent: map[uint16]int{}, silentOnce: map[int]bool{}}
	for i := 1; i <= hops; i++ {
		n.routers = append(n.routers, netip.MustParseAddr(fmt.Sprintf("198.18.%d.1", i)))
	}
	return n
}

// answers writes a path as "1:expired 2:expired 3:silent ...".
func answers(p Path) string {
	var parts []string
	for _, h := range p.Hops {
		parts = append(parts, fmt.Sprintf("%d:%s", h.TTL, h.Answer))
	}
	return strings.Join(parts, " ")
}

func TestRunSteps(t *testing.T) {
	tests := []struct {
		name      string
		routers   int
		at        int
		how       string
		silent    []int
		wantCtl   string
		wantData  string
		wantTries map[string]int // attempts at some port/hop counts
	}{
		{name: "healthy: both reach the server at hop 4", routers: 3,
			wantCtl:  "1:expired 2:expired 3:expired 4:connected 5:connected 6:connected",
			wantData: "1:expired 2:expired 3:expired 4:connected 5:connected 6:connected"},
		// A window's hop counts past the end are tried with it: they are
		// in the transcript as what they were, connections to port 21.
		{name: "dropped from hop 3: no window past the server's distance", routers: 3, at: 3, how: "drop",
			wantCtl:   "1:expired 2:expired 3:expired 4:connected 5:connected 6:connected",
			wantData:  "1:expired 2:expired 3:silent 4:silent 5:silent 6:silent",
			wantTries: map[string]int{"3003/3": 2, "3003/4": 2, "3003/5": 1, "3003/7": 0, "21/5": 1, "21/7": 0}},
		{name: "rejected from hop 3 by the router at hop 2", routers: 3, at: 3, how: "reject",
			wantCtl:  "1:expired 2:expired 3:expired 4:connected 5:connected 6:connected",
			wantData: "1:expired 2:expired 3:unreachable"},
		{name: "reset at the server", routers: 3, at: 4, how: "reset",
			wantCtl:  "1:expired 2:expired 3:expired 4:connected 5:connected 6:connected",
			wantData: "1:expired 2:expired 3:expired 4:reset 5:reset 6:reset"},
		{name: "a rate-limited hop is tried again and answers", routers: 5, at: 3, how: "drop", silent: []int{2},
			wantCtl:   "1:expired 2:expired 3:expired 4:expired 5:expired 6:connected",
			wantData:  "1:expired 2:expired 3:silent 4:silent 5:silent 6:silent",
			wantTries: map[string]int{"21/2": 2, "3003/2": 2, "3003/3": 2, "3003/6": 1}},
		{name: "a far server: windows go on until port 21 arrives", routers: 9,
			wantCtl:  "1:expired 2:expired 3:expired 4:expired 5:expired 6:expired 7:expired 8:expired 9:expired 10:connected 11:connected 12:connected",
			wantData: "1:expired 2:expired 3:expired 4:expired 5:expired 6:expired 7:expired 8:expired 9:expired 10:connected 11:connected 12:connected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := newFakeNet(tc.routers)
			n.at, n.how = tc.at, tc.how
			for _, h := range tc.silent {
				n.silentOnce[h] = true
			}
			c := Config{Control: netip.AddrPortFrom(n.server, 21), Data: netip.AddrPortFrom(n.server, n.port)}
			ctl, data := c.run(context.Background(), n.dial)
			if got := answers(ctl); got != tc.wantCtl {
				t.Errorf("control path:\n got %s\nwant %s", got, tc.wantCtl)
			}
			if got := answers(data); got != tc.wantData {
				t.Errorf("data path:\n got %s\nwant %s", got, tc.wantData)
			}
			for key, want := range tc.wantTries {
				if got := n.tries[key]; got != want {
					t.Errorf("attempts at %s: got %d, want %d", key, got, want)
				}
			}
		})
	}
}

// TestRunWindowsStayWithinTheBurst: never more than 6 attempts in flight,
// the burst of ICMP errors one Linux box sends at once.
func TestRunWindowsStayWithinTheBurst(t *testing.T) {
	n := newFakeNet(12)
	n.at, n.how = 2, "drop"
	var mu sync.Mutex
	inFlight, most := 0, 0
	dial := func(ctx context.Context, dst netip.AddrPort, ttl int, wait time.Duration) Hop {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		time.Sleep(time.Millisecond)
		h := n.dial(ctx, dst, ttl, wait)
		mu.Lock()
		inFlight--
		mu.Unlock()
		return h
	}
	c := Config{Control: netip.AddrPortFrom(n.server, 21), Data: netip.AddrPortFrom(n.server, n.port)}
	c.run(context.Background(), dial)
	if most > 2*Window || most > 6 {
		t.Errorf("%d attempts in flight at once, want at most 6", most)
	}
	if n.sent[21] != 13+Window-1 {
		// Port 21 is reached at hop 13, within a window of three: the
		// window's other hop counts reach it too, and nothing after.
		t.Errorf("port 21 attempts: %d, want %d", n.sent[21], 13+Window-1)
	}
}

func TestWaitCoversTheRetransmittedSYN(t *testing.T) {
	for _, rtt := range []time.Duration{0, time.Millisecond, 80 * time.Millisecond} {
		if w := Wait(rtt); w < time.Second+rtt {
			t.Errorf("Wait(%v) = %v: under 1 s plus the round trip, a rate-limited router looks silent", rtt, w)
		}
	}
}

func TestICMPNames(t *testing.T) {
	tests := []struct {
		v6         bool
		typ, code  uint8
		wantAnswer Answer
		wantName   string
	}{
		{false, 11, 0, Expired, TimeExceeded},
		{false, 3, 13, Unreachable, AdminProhibited},
		{false, 3, 10, Unreachable, AdminProhibited},
		{false, 3, 3, Unreachable, PortUnreachable},
		{false, 3, 1, Unreachable, HostUnreachable},
		{false, 3, 4, Unreachable, "unreachable-code-4"},
		{true, 3, 0, Expired, TimeExceeded},
		{true, 1, 1, Unreachable, AdminProhibited},
		{true, 1, 4, Unreachable, PortUnreachable},
		{true, 1, 3, Unreachable, HostUnreachable},
	}
	for _, tc := range tests {
		a, name := icmp4(tc.typ, tc.code)
		if tc.v6 {
			a, name = icmp6(tc.typ, tc.code)
		}
		if a != tc.wantAnswer || name != tc.wantName {
			t.Errorf("v6=%v type %d code %d: got %s %s, want %s %s", tc.v6, tc.typ, tc.code, a, name, tc.wantAnswer, tc.wantName)
		}
	}
}
