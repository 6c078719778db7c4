package ftp

import (
	"net/netip"
	"testing"
)

func TestClassOf(t *testing.T) {
	cases := []struct {
		addr  string
		class AddrClass
		word  string
	}{
		{"10.0.0.5", Private, "private"},
		{"172.16.0.1", Private, "private"},
		{"192.168.1.175", Private, "private"},
		{"fd00::1", Private, "private"},
		{"fc00::1", Private, "private"},
		{"::ffff:192.168.1.20", Private, "private"},
		{"100.64.0.1", Shared, "shared (carrier-grade NAT)"},
		{"100.127.255.254", Shared, "shared (carrier-grade NAT)"},
		{"127.0.0.1", Loopback, "loopback"},
		{"127.0.0.9", Loopback, "loopback"},
		{"::1", Loopback, "loopback"},
		{"169.254.1.1", LinkLocal, "link-local"},
		{"fe80::1", LinkLocal, "link-local"},
		{"0.1.2.3", ThisNetwork, "non-routable (0.0.0.0/8)"},
		{"0.0.0.0", ThisNetwork, "non-routable (0.0.0.0/8)"},
		{"198.18.1.2", Public, "public"},
		{"192.0.2.10", Public, "public"},
		{"203.0.113.7", Public, "public"},
		{"8.8.8.8", Public, "public"},
		{"100.128.0.1", Public, "public"},
		{"172.32.0.1", Public, "public"},
		{"2001:db8::1", Public, "public"},
		{"::", Public, "public"},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			a := netip.MustParseAddr(tc.addr)
			got := ClassOf(a)
			if got != tc.class || got.String() != tc.word || NonPublic(a) != (tc.class != Public) {
				t.Errorf("ClassOf(%s) = %v %q, NonPublic %v; want %v %q", tc.addr, int(got), got, NonPublic(a), int(tc.class), tc.word)
			}
		})
	}
}

func TestAddrClassStringUnknown(t *testing.T) {
	if got, want := AddrClass(42).String(), "AddrClass(42)"; got != want {
		t.Errorf("AddrClass(42).String() = %q, want %q", got, want)
	}
	if ClassOf(netip.Addr{}) != Public {
		t.Errorf("the zero Addr is %v, want public", ClassOf(netip.Addr{}))
	}
}
