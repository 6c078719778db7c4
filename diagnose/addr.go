package diagnose

import (
	"net"
	"net/netip"
	"strconv"
)

// hostPort splits "host:port" into its address and port; ok is false
// when either part is missing or not numeric.
func hostPort(addr string) (netip.Addr, int, bool) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.Addr{}, 0, false
	}
	ip, err := netip.ParseAddr(h)
	port, perr := strconv.Atoi(p)
	if err != nil || perr != nil {
		return netip.Addr{}, 0, false
	}
	return ip.Unmap(), port, true
}
