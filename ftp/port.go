package ftp

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrSyntax is wrapped by every ParsePORT/ParseEPRT error: the client's
// argument is bad, which a server answers with 501 and the error's text.
// The texts below go on the wire, so they are written for a client's user.
var ErrSyntax = errors.New("syntax error")

// ErrNetProtocol marks an EPRT network protocol other than 1 (IPv4) or
// 2 (IPv6). It comes wrapped together with ErrSyntax, and a server tests it
// first: RFC 2428 wants 522 naming the protocols it knows, not 501.
var ErrNetProtocol = errors.New("network protocol not supported")

// RFC 2428's network protocol numbers (the IANA address families).
const (
	netIPv4 = "1"
	netIPv6 = "2"
)

// ParsePORT reads RFC 959's h1,h2,h3,h4,p1,p2 into an IPv4 address and
// port. Spaces around the argument and around each number are allowed (some
// clients send them). It does not judge the address or port: 0.0.0.0 and
// port 0 parse, because refusing them, and any address but the client's
// own, is the server's policy (the FTP bounce attack), not syntax.
func ParsePORT(arg string) (netip.AddrPort, error) {
	parts := strings.Split(strings.TrimSpace(arg), ",")
	if len(parts) != 6 {
		return netip.AddrPort{}, fmt.Errorf("%w: PORT wants six numbers h1,h2,h3,h4,p1,p2", ErrSyntax)
	}
	var b [6]byte
	for i, p := range parts {
		n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 8)
		if err != nil {
			return netip.AddrPort{}, fmt.Errorf("%w: PORT field %d is not a number from 0 to 255", ErrSyntax, i+1)
		}
		b[i] = byte(n)
	}
	ip := netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
	return netip.AddrPortFrom(ip, uint16(b[4])<<8|uint16(b[5])), nil
}

// FormatPORT writes ap as h1,h2,h3,h4,p1,p2, the argument of PORT and the
// numbers of a 227 reply. An IPv4-mapped IPv6 address is written as its
// IPv4 address. Any other IPv6 address, and the zero AddrPort, cannot be
// written in this form and give 0,0,0,0 with the port: never a panic, and
// ParsePASV refuses that reply, so the mistake shows on the wire instead of
// sending the client to a wrong host. Callers answer PASV from IPv6 with 425.
func FormatPORT(ap netip.AddrPort) string {
	a := ap.Addr().Unmap()
	var v4 [4]byte
	if a.Is4() {
		v4 = a.As4()
	}
	p := ap.Port()
	return fmt.Sprintf("%d,%d,%d,%d,%d,%d", v4[0], v4[1], v4[2], v4[3], p>>8, p&0xff)
}

// ParseEPRT reads RFC 2428's <d>proto<d>address<d>port<d>, where <d> is any
// printable ASCII character (usually "|"), proto 1 with a dotted IPv4
// address or proto 2 with an IPv6 one, and port from 1 to 65535. An IPv6
// address in IPv4 form (::ffff:1.2.3.4) is refused under proto 2, as is an
// address with a zone: both name an IPv4 host or a local interface, not a
// host the server can be asked to connect to.
func ParseEPRT(arg string) (netip.AddrPort, error) {
	arg = strings.TrimSpace(arg)
	if len(arg) < 7 || arg[0] < 33 || arg[0] > 126 {
		return netip.AddrPort{}, fmt.Errorf("%w: EPRT wants <d>proto<d>address<d>port<d>", ErrSyntax)
	}
	f := strings.Split(arg, arg[:1])
	if len(f) != 5 || f[0] != "" || f[4] != "" {
		return netip.AddrPort{}, fmt.Errorf("%w: EPRT wants four delimiters, as |1|10.0.0.2|2000|", ErrSyntax)
	}
	if f[1] != netIPv4 && f[1] != netIPv6 {
		return netip.AddrPort{}, fmt.Errorf("%w: EPRT protocol %q: %w", ErrSyntax, f[1], ErrNetProtocol)
	}
	ip, err := eprtAddr(f[1], f[2])
	if err != nil {
		return netip.AddrPort{}, err
	}
	port, err := strconv.ParseUint(f[3], 10, 16)
	if err != nil || port == 0 {
		return netip.AddrPort{}, fmt.Errorf("%w: EPRT port %q is not a number from 1 to 65535", ErrSyntax, f[3])
	}
	return netip.AddrPortFrom(ip, uint16(port)), nil
}

// eprtAddr reads EPRT's address field and checks it against the protocol.
func eprtAddr(proto, s string) (netip.Addr, error) {
	ip, err := netip.ParseAddr(s)
	switch {
	case err != nil || ip.Zone() != "":
		return netip.Addr{}, fmt.Errorf("%w: EPRT address %q is not an IP address", ErrSyntax, s)
	case proto == netIPv4 && !ip.Is4(), proto == netIPv6 && (!ip.Is6() || ip.Is4In6()):
		return netip.Addr{}, fmt.Errorf("%w: EPRT address does not match protocol %s", ErrSyntax, proto)
	}
	return ip, nil
}

// FormatEPRT writes ap as EPRT's argument with "|" delimiters:
// "|1|10.0.0.2|2000|" or "|2|2001:db8::1|2000|". An IPv4-mapped address is
// written as IPv4 under protocol 1, the form ParseEPRT accepts for it; the
// zero AddrPort gives "|1|invalid IP|0|", which ParseEPRT refuses.
func FormatEPRT(ap netip.AddrPort) string {
	a := ap.Addr().Unmap()
	proto := netIPv4
	if a.Is6() {
		proto = netIPv6
	}
	return "|" + proto + "|" + a.String() + "|" + strconv.Itoa(int(ap.Port())) + "|"
}
