package ftp

import (
	"errors"
	"net/netip"
	"testing"
)

func TestParsePASVCases(t *testing.T) {
	cases := []struct {
		name, text string
		want       string // "" when the reply must be refused
	}{
		{"usual", "227 Entering Passive Mode (192,168,1,175,11,187).", "192.168.1.175:3003"},
		{"no parentheses", "227 Entering Passive Mode 10,0,0,1,4,1", "10.0.0.1:1025"},
		{"IIS style =", "227 Entering Passive Mode =127,0,0,1,12,34", "127.0.0.1:3106"},
		{"garbage", "227 Entering Passive Mode (banana).", ""},
		{"port 0", "227 Entering Passive Mode (127,0,0,1,0,0).", ""},
		{"port 65536", "227 Entering Passive Mode (127,0,0,1,256,0).", ""},
		{"address 0.0.0.0", "227 Entering Passive Mode (0,0,0,0,11,187).", ""},
		{"five numbers", "227 Entering Passive Mode (127,0,0,1,11).", ""},
		{"seven numbers", "227 Entering Passive Mode (127,0,0,1,1,11,187).", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePASV(tc.text)
			switch {
			case tc.want == "" && !errors.Is(err, ErrBadPASV):
				t.Errorf("ParsePASV(%q) = %v, %v; want ErrBadPASV", tc.text, got, err)
			case tc.want != "" && (err != nil || got.String() != tc.want):
				t.Errorf("ParsePASV(%q) = %v, %v; want %s", tc.text, got, err, tc.want)
			}
		})
	}
}

func TestParseEPSVCases(t *testing.T) {
	cases := []struct {
		name, text string
		want       int
	}{
		{"usual", "229 Entering Extended Passive Mode (|||6446|)", 6446},
		{"port 0", "229 Entering Extended Passive Mode (|||0|)", 0},
		{"garbage", "229 Entering Extended Passive Mode", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEPSV(tc.text)
			if got != tc.want || (tc.want == 0) != (err != nil) {
				t.Errorf("ParseEPSV(%q) = %d, %v; want %d", tc.text, got, err, tc.want)
			}
		})
	}
}

func TestNonPublicCases(t *testing.T) {
	cases := []struct {
		addr string
		want bool
	}{
		{"10.0.0.5", true}, {"172.16.0.1", true}, {"192.168.1.175", true}, {"100.64.0.1", true},
		{"127.0.0.1", true}, {"169.254.1.1", true}, {"0.1.2.3", true}, {"fd00::1", true},
		{"198.18.1.2", false}, {"192.0.2.10", false}, {"203.0.113.7", false}, {"8.8.8.8", false},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			if got := NonPublic(netip.MustParseAddr(tc.addr)); got != tc.want {
				t.Errorf("NonPublic(%s) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
}
