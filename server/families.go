package server

import (
	"net"
	"net/netip"
)

// Address families: a name with an A and an AAAA record is two servers to
// its users, and most clients try IPv6 first. Go's listener on a wildcard
// address other than 0.0.0.0 (":21", "[::]:21") is one dual-stack socket
// taking both; the start-up summary says which the server takes, and its
// firewall rules cover each.

// servedFamilies are the families the control listener takes, IPv6 first.
func servedFamilies(addr string) []string {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil
	}
	ip := ap.Addr()
	switch {
	case ip.Is4() || ip.Is4In6():
		return []string{"IPv4"}
	case ip.IsUnspecified() && dualStack():
		return []string{"IPv6", "IPv4"}
	}
	return []string{"IPv6"}
}

// dualStack tells whether this machine lets an IPv6 wildcard socket take
// IPv4 connections too, which it does unless IPv6 is off.
func dualStack() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// familiesFact is the summary's line on the families served.
func familiesFact(fams []string, listen string) string {
	switch len(fams) {
	case 2:
		return "IPv6 and IPv4 (one dual-stack socket): give the name an AAAA and an A record, and open both firewalls"
	case 1:
		if fams[0] == "IPv4" {
			return "IPv4 only (--listen " + listen + "); --listen :PORT serves IPv6 too"
		}
		return "IPv6 only (--listen " + listen + "); --listen :PORT serves IPv4 too"
	}
	return "unknown"
}

func hasFamily(fams []string, f string) bool {
	for _, x := range fams {
		if x == f {
			return true
		}
	}
	return false
}
