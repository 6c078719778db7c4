package ftp

import (
	"net/netip"
	"strconv"
)

// AddrClass is the kind of address a PASV reply or a PORT command names,
// with the classes of DIAGNOSES.md (pasv.private-address): every class but
// Public is one that a client outside the server's network cannot reach,
// which is the commonest reason a listing hangs after a 227 reply.
type AddrClass int

const (
	// Public: any address not in a class below, so the zero AddrClass
	// claims nothing. The documentation ranges (192.0.2.0/24, 198.18.0.0/15
	// ...) count as public: they stand for public hosts in tests and examples.
	Public AddrClass = iota
	// Private: RFC 1918 (10/8, 172.16/12, 192.168/16) and IPv6 unique-local
	// fc00::/7, the addresses behind a NAT.
	Private
	// Shared: 100.64.0.0/10 (RFC 6598), a carrier's NAT.
	Shared
	// Loopback: 127.0.0.0/8 and ::1, the server's own host.
	Loopback
	// LinkLocal: 169.254.0.0/16 and fe80::/10, one network segment.
	LinkLocal
	// ThisNetwork: 0.0.0.0/8, 0.0.0.0 among them, which a server names when
	// it puts its listening socket's unspecified address in a 227 reply.
	ThisNetwork
)

var (
	sharedNAT   = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
)

// ClassOf tells the class of a. An IPv4-mapped IPv6 address is judged as
// its IPv4 address, since that is where a client would connect. The IPv6
// unspecified address (::) and the zero Addr are Public, as the diagnosis
// always judged them; no 227 reply can carry ::, and callers refuse an
// unspecified address before they ask for its class.
func ClassOf(a netip.Addr) AddrClass {
	a = a.Unmap()
	switch {
	case a.IsPrivate():
		return Private
	case a.IsLoopback():
		return Loopback
	case a.IsLinkLocalUnicast():
		return LinkLocal
	case sharedNAT.Contains(a):
		return Shared
	case thisNetwork.Contains(a):
		return ThisNetwork
	}
	return Public
}

// String names the class the way notes under a transcript say it ("10.0.0.5
// is a private address"); the words are in golden files.
func (c AddrClass) String() string {
	switch c {
	case Private:
		return "private"
	case Shared:
		return "shared (carrier-grade NAT)"
	case Loopback:
		return "loopback"
	case LinkLocal:
		return "link-local"
	case ThisNetwork:
		return "non-routable (0.0.0.0/8)"
	case Public:
		return "public"
	}
	return "AddrClass(" + strconv.Itoa(int(c)) + ")"
}

// NonPublic tells whether a is an address no client outside the server's
// network can reach: every class but Public.
func NonPublic(a netip.Addr) bool { return ClassOf(a) != Public }
