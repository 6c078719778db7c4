//go:build linux

package trace

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"
)

// TestDialTTLLoopback: on loopback the target is hop 1; a listening port
// connects, a closed one is reset, and neither is mistaken for an ICMP
// answer.
func TestDialTTLLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	open := ln.Addr().(*net.TCPAddr).AddrPort()
	closed := freePort(t)
	ln6, err6 := net.Listen("tcp", "[::1]:0")
	tests := []struct {
		name string
		dst  netip.AddrPort
		want Answer
	}{
		{"open port", open, Connected},
		{"closed port", closed, Reset},
	}
	if err6 == nil {
		defer ln6.Close()
		tests = append(tests, struct {
			name string
			dst  netip.AddrPort
			want Answer
		}{"open port over IPv6", ln6.Addr().(*net.TCPAddr).AddrPort(), Connected})
	}
	defer ln.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := dialTTL(context.Background(), tc.dst, 1, time.Second)
			if h.Answer != tc.want || h.From != tc.dst.Addr() || h.ICMP != "" {
				t.Errorf("got %+v, want %s from %s", h, tc.want, tc.dst.Addr())
			}
		})
	}
}

// TestDialTTLCancelled: a cancelled probe sends nothing and waits for
// nothing.
func TestDialTTLCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := dialTTL(ctx, ln.Addr().(*net.TCPAddr).AddrPort(), 1, 5*time.Second)
	if h.Answer != Failed {
		t.Errorf("got %+v, want failed", h)
	}
}

func freePort(t *testing.T) netip.AddrPort {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ap := ln.Addr().(*net.TCPAddr).AddrPort()
	ln.Close()
	return ap
}
