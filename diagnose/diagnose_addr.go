package diagnose

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ErrBadPASV is wrapped by every ParsePASV error: the 227 reply cannot be used.
var ErrBadPASV = errors.New("unusable PASV reply")

// ParsePASV reads the address and port of a 227 reply. It accepts the
// numbers with or without parentheses, as RFC 959 leaves the text free, and
// refuses what no client can dial: port 0, a number over 255, address 0.0.0.0.
func ParsePASV(text string) (netip.AddrPort, error) {
	first, _, _ := strings.Cut(text, "\n")
	nums := digitGroups(first)
	if len(nums) != 6 {
		return netip.AddrPort{}, fmt.Errorf("%w: no h1,h2,h3,h4,p1,p2 in %q", ErrBadPASV, first)
	}
	var b [6]int
	for i, s := range nums {
		n, err := strconv.Atoi(s)
		if err != nil || n > 255 {
			return netip.AddrPort{}, fmt.Errorf("%w: %q is not a number from 0 to 255", ErrBadPASV, s)
		}
		b[i] = n
	}
	ip := netip.AddrFrom4([4]byte{byte(b[0]), byte(b[1]), byte(b[2]), byte(b[3])})
	port := b[4]<<8 | b[5]
	if port == 0 {
		return netip.AddrPort{}, fmt.Errorf("%w: port 0", ErrBadPASV)
	}
	if ip.IsUnspecified() {
		return netip.AddrPort{}, fmt.Errorf("%w: address 0.0.0.0", ErrBadPASV)
	}
	return netip.AddrPortFrom(ip, uint16(port)), nil
}

// digitGroups finds the comma-separated run of numbers in a 227 line, the
// last one when there are several ("227 Entering Passive Mode (h,h,h,h,p,p).").
func digitGroups(line string) []string {
	var best []string
	for _, f := range strings.FieldsFunc(line, func(r rune) bool {
		return r == ' ' || r == '(' || r == ')' || r == '='
	}) {
		f = strings.TrimRight(f, ".")
		parts := strings.Split(f, ",")
		if len(parts) == 6 && allDigits(parts) {
			best = parts
		}
	}
	return best
}

func allDigits(parts []string) bool {
	for _, p := range parts {
		if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// ParseEPSV reads the port of a 229 reply: "229 Entering Extended Passive
// Mode (|||6446|)".
func ParseEPSV(text string) (int, error) {
	first, _, _ := strings.Cut(text, "\n")
	open, close := strings.Index(first, "("), strings.LastIndex(first, ")")
	if open < 0 || close < open {
		return 0, fmt.Errorf("%w: no (|||port|) in %q", ErrBadPASV, first)
	}
	f := strings.Split(first[open+1:close], "|")
	if len(f) != 5 {
		return 0, fmt.Errorf("%w: no (|||port|) in %q", ErrBadPASV, first)
	}
	port, err := strconv.Atoi(f[3])
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("%w: port %q", ErrBadPASV, f[3])
	}
	return port, nil
}

// Private tells whether a PASV address is one no client outside the
// server's network can reach: RFC 1918, IPv6 unique-local, shared
// (100.64.0.0/10), loopback, link-local or 0.0.0.0/8, as DIAGNOSES.md
// lists them. Every other address counts as public.
func Private(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() ||
		shared.Contains(a) || thisNet.Contains(a)
}

var (
	shared  = netip.MustParsePrefix("100.64.0.0/10")
	thisNet = netip.MustParsePrefix("0.0.0.0/8")
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
