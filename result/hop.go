package result

// HopInfo is the structured part of an OpTraceHop event: one connection
// attempt sent with a limited hop count (IPv4 TTL, IPv6 hop limit), and
// who answered it. The event's Addr is the address the attempt was sent
// to; its Outcome says how it ended (Expired: a router's time exceeded;
// Unreachable: an ICMP destination unreachable; Connected or Refused: the
// target's own TCP answer; Timeout: nothing).
type HopInfo struct {
	TTL int `json:"ttl"`
	// From is the address that answered: the router or firewall that sent
	// the ICMP message, or the target itself; "" when nothing answered.
	From string `json:"from,omitempty"`
	// ICMP names the ICMP message ("time-exceeded", "admin-prohibited",
	// "port-unreachable", ...); "" for a TCP answer or none.
	ICMP string `json:"icmp,omitempty"`
	// Control is set for the attempts to the control port, traced side by
	// side with the data port for comparison.
	Control bool `json:"control,omitempty"`
	// Tries is how many attempts were sent at this hop count.
	Tries int `json:"tries,omitempty"`
}

// CaptureInfo is what a packet capture adds to a connection event: where
// the capture was taken and what it saw on the wire.
type CaptureInfo struct {
	// Side is where the capture was taken: "client" or "server" ("" when
	// the TTLs do not tell).
	Side string `json:"side,omitempty"`
	SYN  int    `json:"syn,omitempty"` // SYN segments seen for this connection
	// ICMP names an ICMP error that answered the SYN, From its sender.
	ICMP string `json:"icmp,omitempty"`
	From string `json:"from,omitempty"`
	// Absent: no SYN arrived at all; the event is read from its absence
	// (a server-side capture after the server announced the port).
	Absent bool `json:"absent,omitempty"`
	// BlackHole: segments of Size bytes were sent Resent more times and
	// never acknowledged, and no ICMP fragmentation-needed came back.
	BlackHole bool `json:"black_hole,omitempty"`
	Resent    int  `json:"resent,omitempty"`
	Size      int  `json:"size,omitempty"`
}
