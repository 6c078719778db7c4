package ftp

// The server's PORT and EPRT cases, as server/parse_test.go had them
// before the grammar moved here.

import (
	"errors"
	"net/netip"
	"testing"
)

func TestParsePORTServerCases(t *testing.T) {
	tests := []struct {
		name, arg, want string // want "" for an error
	}{
		{"plain", "10,0,0,2,78,32", "10.0.0.2:20000"},
		{"spaces", " 10, 0, 0, 2, 78, 32 ", "10.0.0.2:20000"},
		{"five fields", "10,0,0,2,78", ""},
		{"field over 255", "10,0,0,256,78,32", ""},
		{"negative", "10,0,0,-1,78,32", ""},
		{"letters", "a,b,c,d,e,f", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePORT(tt.arg)
			checkServerAddr(t, got, err, tt.want)
		})
	}
}

func TestParseEPRTServerCases(t *testing.T) {
	tests := []struct {
		name, arg, want string
		unsupported     bool
	}{
		{"IPv4", "|1|132.235.1.2|6275|", "132.235.1.2:6275", false},
		{"IPv6", "|2|1080::8:800:200C:417A|5282|", "[1080::8:800:200c:417a]:5282", false},
		{"other delimiter", "!1!10.0.0.2!20000!", "10.0.0.2:20000", false},
		{"IPv4 under protocol 2", "|2|10.0.0.2|20000|", "", false},
		{"IPv6 under protocol 1", "|1|::1|20000|", "", false},
		{"protocol 3", "|3|10.0.0.2|20000|", "", true},
		{"port 0", "|1|10.0.0.2|0|", "", false},
		{"port too big", "|1|10.0.0.2|65536|", "", false},
		{"missing delimiter", "|1|10.0.0.2|20000", "", false},
		{"not an address", "|1|example.com|20000|", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEPRT(tt.arg)
			checkServerAddr(t, got, err, tt.want)
			if u := errors.Is(err, ErrNetProtocol); u != tt.unsupported {
				t.Errorf("unsupported protocol: got %v, want %v", u, tt.unsupported)
			}
		})
	}
}

func checkServerAddr(t *testing.T, got netip.AddrPort, err error, want string) {
	t.Helper()
	if want == "" {
		if err == nil || !errors.Is(err, ErrSyntax) {
			t.Errorf("got %v, %v; want a syntax error", got, err)
		}
		return
	}
	if err != nil || got.String() != want {
		t.Errorf("got %v, %v; want %s", got, err, want)
	}
}

func TestUnspellServerCases(t *testing.T) {
	if got, want := Unspell("ba,a,a,c,hi,dc"), "10,0,0,2,78,32"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := Unspell("|b|ba.a.a.c|caaaa|"), "|1|10.0.0.2|20000|"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
