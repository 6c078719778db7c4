package diagnose

import (
	"fmt"
	"net/netip"

	"ftpdiag/result"
)

// tracedHop is one trace-hop event as the diagnosis reads it.
type tracedHop struct {
	line    int
	outcome result.Outcome
	from    string
	icmp    string
}

// tracedPath is one port's hops by hop count.
type tracedPath struct {
	addr string
	port int
	hops map[int]tracedHop
	max  int
}

func (p *tracedPath) put(line int, ev *result.EventInfo) {
	if p.hops == nil {
		p.hops = map[int]tracedHop{}
		p.addr = ev.Addr
		if ap, err := netip.ParseAddrPort(ev.Addr); err == nil {
			p.port = int(ap.Port())
		}
	}
	p.hops[ev.Hop.TTL] = tracedHop{line: line, outcome: ev.Outcome, from: hopAddr(ev.Hop.From), icmp: icmpName(ev.Hop.ICMP)}
	p.max = max(p.max, ev.Hop.TTL)
}

// end is the first hop count with a final answer (the target's TCP
// answer, or an ICMP unreachable), 0 when none came.
func (p *tracedPath) end() int {
	for ttl := 1; ttl <= p.max; ttl++ {
		switch p.hops[ttl].outcome {
		case result.Connected, result.Refused, result.Unreachable:
			return ttl
		}
	}
	return 0
}

// lastExpired is the highest hop count a router answered with time
// exceeded: the packet went at least that far.
func (p *tracedPath) lastExpired() int {
	last := 0
	for ttl := 1; ttl <= p.max; ttl++ {
		if p.hops[ttl].outcome == result.Expired {
			last = ttl
		}
	}
	return last
}

// traceHops reads the hop trace (events trace-hop): where the data port's
// path stops while the control port's goes on.
//
//	data.dropped-at   trace-hop events of a data port ending silent (dropped),
//	                  unreachable (rejected with ICMP) or refused (reset); none
//	                  where the data port connected
func (d *diagnosis) traceHops() {
	var ctl, data tracedPath
	for i, e := range d.entries {
		ev := e.Event
		if ev == nil || ev.Op != result.OpTraceHop || ev.Hop == nil || ev.Hop.TTL < 1 || ev.Hop.TTL > 255 {
			continue
		}
		if ev.Hop.Control {
			ctl.put(i, ev)
		} else if data.hops == nil || data.addr == ev.Addr {
			data.put(i, ev)
		}
	}
	if data.hops == nil {
		return
	}
	end := data.end()
	if end > 0 && reached(&ctl, data.hops[end].outcome, end) {
		return
	}
	fact := Fact{Code: CodeDataDroppedAt, Ports: []int{data.port}}
	fact.Port = data.port
	reach := reachText(&ctl)
	switch {
	case end > 0:
		h := data.hops[end]
		fact.Hop, fact.HopAddr, fact.Lines = end, h.from, []int{h.line}
		if j := boxHop(&ctl, &data, end); h.outcome == result.Unreachable && j > 0 {
			fact.Hop = j
		}
		fact.How, fact.Detail = stoppedAt(&ctl, &data, end)
	default:
		k := data.lastExpired()
		fact.How, fact.Hop, fact.HopAddr = "dropped", k, data.hops[k].from
		fact.Detail = droppedAfter(&ctl, &data, k)
		fact.Lines = lineAt(&data, k, k+1)
	}
	fact.Detail = reach + fact.Detail
	if n := ctl.end(); n > 0 {
		fact.Lines = mergeInts(fact.Lines, []int{ctl.hops[n].line})
	}
	d.add(fact)
}

func lineAt(p *tracedPath, ttls ...int) []int {
	var out []int
	for _, ttl := range ttls {
		if h, ok := p.hops[ttl]; ok {
			out = append(out, h.line)
		}
	}
	return out
}

// reached tells a data port's path that gets to the server: a connection,
// or a reset at the hop count where the control port reached it. After the
// session nothing listens on a passive port, so the server resets it: the
// packets got there. A firewall resetting in the server's name at the
// server's hop reads the same; no trace can tell them apart.
func reached(ctl *tracedPath, out result.Outcome, end int) bool {
	n := ctl.end()
	return out == result.Connected || out == result.Refused && n > 0 && end >= n
}

// reachText says how far the control port got: the distance to the server.
func reachText(ctl *tracedPath) string {
	n := ctl.end()
	switch {
	case ctl.hops == nil:
		return ""
	case n == 0:
		return fmt.Sprintf("Port %d did not reach the server within %d hops; ", ctl.port, ctl.max)
	}
	return fmt.Sprintf("Port %d reaches the server at hop %d; ", ctl.port, n)
}

// stoppedAt describes a data port answered before the server by an ICMP
// unreachable or a reset.
func stoppedAt(ctl, data *tracedPath, end int) (how, detail string) {
	h := data.hops[end]
	server := ctl.end()
	if h.outcome == result.Unreachable {
		return "rejected", rejectedBy(ctl, data, end)
	}
	detail = fmt.Sprintf("data port %d is answered with a TCP reset at hop %d, in the name of %s. ", data.port, end, h.from)
	if server > 0 {
		detail += fmt.Sprintf("The reset comes from hop %d, before the server at hop %d: a firewall there answers for the server. ", end, server)
	}
	return "reset", detail + "At the server's own hop the same reset would look like a closed port."
}

// boxHop is the hop count at which the box that answered the data port
// at end answered time exceeded before (on either port's path), 0 when it
// did not: a router rejecting in its forward filter answers one hop count
// later than it expires packets.
func boxHop(ctl, data *tracedPath, end int) int {
	from := data.hops[end].from
	for ttl := 1; ttl < end; ttl++ {
		for _, p := range []*tracedPath{data, ctl} {
			if h := p.hops[ttl]; h.from == from && h.outcome == result.Expired {
				return ttl
			}
		}
	}
	return 0
}

// rejectedBy describes a data port answered by an ICMP unreachable.
func rejectedBy(ctl, data *tracedPath, end int) string {
	h := data.hops[end]
	const exact = " A rejection that says so names the box exactly."
	if n := ctl.end(); n > 0 && h.from == ctl.hops[n].from {
		return fmt.Sprintf("data port %d is rejected by %s, the server itself (its own firewall), with ICMP %s.%s", data.port, h.from, h.icmp, exact)
	}
	if j := boxHop(ctl, data, end); j > 0 {
		// Not the hop count it first answered at: a box that rejected the
		// probe's own data connections has spent its ICMP burst, and may
		// answer one hop count later than it could.
		return fmt.Sprintf("data port %d is rejected by %s (hop %d) with ICMP %s.%s", data.port, h.from, j, h.icmp, exact)
	}
	return fmt.Sprintf("data port %d is rejected at hop count %d by %s with ICMP %s.%s", data.port, end, h.from, h.icmp, exact)
}

// droppedAfter describes a data port whose path goes silent after hop k.
func droppedAfter(ctl, data *tracedPath, k int) string {
	server := ctl.end()
	if k == 0 {
		return fmt.Sprintf("no hop answers data port %d, not even hop 1%s: it is dropped on this machine (its own firewall) or at the first router's input.",
			data.port, ctlAnswer(ctl, 1))
	}
	s := fmt.Sprintf("data port %d is answered by %s and nothing from hop %d on: it is dropped after %s (hop %d)",
		data.port, hopRange(k), k+1, data.hops[k].from, k)
	switch {
	case server > 0 && k+1 >= server:
		return s + ", at the last router: by its forward filter, a security group in front of the server, or the server's own firewall. These look the same from outside."
	case server > 0:
		next := k + 1
		for next < server && ctl.hops[next].outcome != result.Expired {
			next++
		}
		if next == k+1 {
			return s + fmt.Sprintf(", by its forward filter or at the input of %s (hop %d on port %d's path).", ctl.hops[next].from, next, ctl.port)
		}
		silent := fmt.Sprintf("hops %d-%d answer", k+1, next-1)
		if next-1 == k+1 {
			silent = fmt.Sprintf("hop %d answers", k+1)
		}
		return s + fmt.Sprintf(", somewhere before %s (hop %d on port %d's path); %s port %d neither (a router that sends no ICMP), which widens the gap.",
			ctl.hops[next].from, next, ctl.port, silent, ctl.port)
	}
	return s + "."
}

func hopRange(k int) string {
	if k == 1 {
		return "hop 1"
	}
	return fmt.Sprintf("hops 1-%d", k)
}

// ctlAnswer says who answers the control port at a hop count, for contrast.
func ctlAnswer(ctl *tracedPath, ttl int) string {
	h, ok := ctl.hops[ttl]
	if !ok || h.from == "" {
		return ""
	}
	return fmt.Sprintf(" (%s answers it for port %d)", h.from, ctl.port)
}

// hopAddr keeps an address as it parses: a transcript read back from JSON
// is text from anywhere, and the detail quotes it.
func hopAddr(s string) string {
	if s == "" {
		return ""
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return "an unreadable address"
	}
	return ip.String()
}

// icmpName keeps an ICMP message's name when it is one the probe writes
// (lower-case words and digits joined by dashes).
func icmpName(s string) string {
	if s == "" || len(s) > 40 {
		return "(unnamed)"
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "(unnamed)"
		}
	}
	return s
}
