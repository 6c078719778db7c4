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
