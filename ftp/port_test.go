package ftp

import (
	"errors"
	"net/netip"
	"testing"
)

func TestParsePORT(t *testing.T) {
	cases := []struct {
		name, arg string
		want      string // the address, or "" when the argument must be refused
		msg       string
	}{
		{"usual", "10,0,0,2,78,32", "10.0.0.2:20000", ""},
		{"spaces around", "  127,0,0,2,148,195 ", "127.0.0.2:38083", ""},
		{"spaces inside", "127, 0, 0, 2, 148, 195", "127.0.0.2:38083", ""},
		{"port 0 is the server's to refuse", "127,0,0,1,0,0", "127.0.0.1:0", ""},
		{"0.0.0.0 is the server's to refuse", "0,0,0,0,4,1", "0.0.0.0:1025", ""},
		{"five numbers", "127,0,0,1,4", "", "syntax error: PORT wants six numbers h1,h2,h3,h4,p1,p2"},
		{"seven numbers", "127,0,0,1,4,1,1", "", "syntax error: PORT wants six numbers h1,h2,h3,h4,p1,p2"},
		{"dotted address", "127.0.0.1:1025", "", "syntax error: PORT wants six numbers h1,h2,h3,h4,p1,p2"},
		{"octet 256", "127,0,0,1,256,1", "", "syntax error: PORT field 5 is not a number from 0 to 255"},
		{"sign", "+127,0,0,1,4,1", "", "syntax error: PORT field 1 is not a number from 0 to 255"},
		{"empty field", "127,,0,1,4,1", "", "syntax error: PORT field 2 is not a number from 0 to 255"},
		{"spelled digits", "bc,a,a,c,hi,dc", "", "syntax error: PORT field 1 is not a number from 0 to 255"},
		{"empty", "", "", "syntax error: PORT wants six numbers h1,h2,h3,h4,p1,p2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePORT(tc.arg)
			switch {
			case tc.want == "" && (!errors.Is(err, ErrSyntax) || err.Error() != tc.msg):
				t.Errorf("ParsePORT(%q) = %v, %v; want error %q", tc.arg, got, err, tc.msg)
			case tc.want != "" && (err != nil || got.String() != tc.want):
				t.Errorf("ParsePORT(%q) = %v, %v; want %s", tc.arg, got, err, tc.want)
			}
		})
	}
}

func TestFormatPORT(t *testing.T) {
	cases := []struct {
		name string
		ap   netip.AddrPort
		want string
	}{
		{"usual", netip.MustParseAddrPort("10.0.0.2:20000"), "10,0,0,2,78,32"},
		{"port 0", netip.MustParseAddrPort("127.0.0.1:0"), "127,0,0,1,0,0"},
		{"top port", netip.MustParseAddrPort("255.255.255.255:65535"), "255,255,255,255,255,255"},
		{"IPv4-mapped", netip.MustParseAddrPort("[::ffff:10.0.0.2]:20000"), "10,0,0,2,78,32"},
		{"IPv6 gives 0.0.0.0", netip.MustParseAddrPort("[2001:db8::1]:20000"), "0,0,0,0,78,32"},
		{"zero AddrPort", netip.AddrPort{}, "0,0,0,0,0,0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatPORT(tc.ap); got != tc.want {
				t.Errorf("FormatPORT(%v) = %q, want %q", tc.ap, got, tc.want)
			}
		})
	}
}

func TestParseEPRT(t *testing.T) {
	cases := []struct {
		name, arg string
		want      string // the address, or "" when the argument must be refused
		msg       string
		proto     bool // the error is ErrNetProtocol (522), not only ErrSyntax
	}{
		{"IPv4", "|1|10.0.0.2|2000|", "10.0.0.2:2000", "", false},
		{"IPv6", "|2|2001:db8::1|2000|", "[2001:db8::1]:2000", "", false},
		{"IPv6 loopback", "|2|::1|40001|", "[::1]:40001", "", false},
		{"other delimiter", "!1!127.0.0.2!39459!", "127.0.0.2:39459", "", false},
		{"spaces around", " |1|127.0.0.2|45679| ", "127.0.0.2:45679", "", false},
		{"protocol 3", "|3|10.0.0.2|2000|", "", `syntax error: EPRT protocol "3": network protocol not supported`, true},
		{"protocol empty", "||10.0.0.2|2000|", "", `syntax error: EPRT protocol "": network protocol not supported`, true},
		{"IPv6 under protocol 1", "|1|2001:db8::1|2000|", "", "syntax error: EPRT address does not match protocol 1", false},
		{"IPv4 under protocol 2", "|2|10.0.0.2|2000|", "", "syntax error: EPRT address does not match protocol 2", false},
		{"IPv4-mapped under protocol 2", "|2|::ffff:10.0.0.2|2000|", "", "syntax error: EPRT address does not match protocol 2", false},
		{"IPv4-mapped hex under protocol 2", "|2|::ffff:a00:2|2000|", "", "syntax error: EPRT address does not match protocol 2", false},
		{"IPv4-mapped under protocol 1", "|1|::ffff:10.0.0.2|2000|", "", "syntax error: EPRT address does not match protocol 1", false},
		{"zone", "|2|fe80::1%eth0|2000|", "", `syntax error: EPRT address "fe80::1%eth0" is not an IP address`, false},
		{"host name", "|1|example.com|2000|", "", `syntax error: EPRT address "example.com" is not an IP address`, false},
		{"leading zero octet", "|1|010.0.0.2|2000|", "", `syntax error: EPRT address "010.0.0.2" is not an IP address`, false},
		{"port 0", "|1|10.0.0.2|0|", "", `syntax error: EPRT port "0" is not a number from 1 to 65535`, false},
		{"port 65536", "|1|10.0.0.2|65536|", "", `syntax error: EPRT port "65536" is not a number from 1 to 65535`, false},
		{"three delimiters", "|1|10.0.0.2|2000", "", "syntax error: EPRT wants four delimiters, as |1|10.0.0.2|2000|", false},
		{"five delimiters", "|1|10.0.0.2|2000||", "", "syntax error: EPRT wants four delimiters, as |1|10.0.0.2|2000|", false},
		{"PORT's form", "10,0,0,2,7,208", "", "syntax error: EPRT wants four delimiters, as |1|10.0.0.2|2000|", false},
		{"control delimiter", "\x01" + "1\x0110.0.0.2\x012000\x01", "", "syntax error: EPRT wants <d>proto<d>address<d>port<d>", false},
		{"too short", "|1|||", "", "syntax error: EPRT wants <d>proto<d>address<d>port<d>", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEPRT(tc.arg)
			switch {
			case tc.want == "" && (!errors.Is(err, ErrSyntax) || errors.Is(err, ErrNetProtocol) != tc.proto || err.Error() != tc.msg):
				t.Errorf("ParseEPRT(%q) = %v, %v; want error %q (ErrNetProtocol %v)", tc.arg, got, err, tc.msg, tc.proto)
			case tc.want != "" && (err != nil || got.String() != tc.want):
				t.Errorf("ParseEPRT(%q) = %v, %v; want %s", tc.arg, got, err, tc.want)
			}
		})
	}
}

func TestFormatEPRT(t *testing.T) {
	cases := []struct {
		name string
		ap   netip.AddrPort
		want string
	}{
		{"IPv4", netip.MustParseAddrPort("10.0.0.2:2000"), "|1|10.0.0.2|2000|"},
		{"IPv6", netip.MustParseAddrPort("[2001:db8::1]:2000"), "|2|2001:db8::1|2000|"},
		{"IPv4-mapped is IPv4", netip.MustParseAddrPort("[::ffff:10.0.0.2]:2000"), "|1|10.0.0.2|2000|"},
		{"zero AddrPort", netip.AddrPort{}, "|1|invalid IP|0|"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatEPRT(tc.ap); got != tc.want {
				t.Errorf("FormatEPRT(%v) = %q, want %q", tc.ap, got, tc.want)
			}
		})
	}
}
