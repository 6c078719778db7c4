package ftp

import (
	"errors"
	"net/netip"
	"testing"
)

func TestParsePASV(t *testing.T) {
	cases := []struct {
		name, text string
		want       string // the address, or "" when the reply must be refused
		msg        string // the error's text when refused
	}{
		{"usual", "227 Entering Passive Mode (192,168,1,175,11,187).", "192.168.1.175:3003", ""},
		{"text only, no code", "Entering Passive Mode (10,0,0,5,11,187).", "10.0.0.5:3003", ""},
		{"no parentheses", "227 Entering Passive Mode 10,0,0,1,4,1", "10.0.0.1:1025", ""},
		{"IIS style =", "227 Entering Passive Mode =127,0,0,1,12,34", "127.0.0.1:3106", ""},
		{"leading zeros", "227 Entering Passive Mode (010,000,000,001,004,001)", "10.0.0.1:1025", ""},
		{"only the first line counts", "227-Entering Passive Mode (10,0,0,1,4,1)\n227 (10,0,0,2,4,1)", "10.0.0.1:1025", ""},
		{"CR kept off the message", "227 Entering Passive Mode (banana).\r", "",
			`unusable PASV reply: no h1,h2,h3,h4,p1,p2 in "227 Entering Passive Mode (banana)."`},
		// The three disagreements of issue 11, settled.
		{"octet 300 is a bad reply", "227 Entering Passive Mode (1,2,3,4,300,1)", "",
			`unusable PASV reply: "300" is not a number from 0 to 255`},
		{"two groups: the first counts", "227 Entering Passive Mode (10,0,0,1,4,1) was (10,0,0,2,4,2)", "10.0.0.1:1025", ""},
		{"first group bad, second good: still bad", "227 Entering Passive Mode (10,0,0,1,400,1) or (10,0,0,2,4,2)", "",
			`unusable PASV reply: "400" is not a number from 0 to 255`},
		{"garbage", "227 Entering Passive Mode (banana).", "",
			`unusable PASV reply: no h1,h2,h3,h4,p1,p2 in "227 Entering Passive Mode (banana)."`},
		{"port 0", "227 Entering Passive Mode (192,0,2,10,0,0).", "", "unusable PASV reply: port 0"},
		{"port 65536", "227 Entering Passive Mode (127,0,0,1,256,0).", "",
			`unusable PASV reply: "256" is not a number from 0 to 255`},
		{"address 0.0.0.0", "227 Entering Passive Mode (0,0,0,0,11,187).", "", "unusable PASV reply: address 0.0.0.0"},
		{"five numbers", "227 Entering Passive Mode (127,0,0,1,11).", "",
			`unusable PASV reply: no h1,h2,h3,h4,p1,p2 in "227 Entering Passive Mode (127,0,0,1,11)."`},
		{"seven numbers", "227 Entering Passive Mode (127,0,0,1,1,11,187).", "",
			`unusable PASV reply: no h1,h2,h3,h4,p1,p2 in "227 Entering Passive Mode (127,0,0,1,1,11,187)."`},
		{"empty number", "227 Entering Passive Mode (127,0,,1,11,187).", "",
			`unusable PASV reply: no h1,h2,h3,h4,p1,p2 in "227 Entering Passive Mode (127,0,,1,11,187)."`},
		{"spaces inside", "227 Entering Passive Mode (127, 0, 0, 1, 11, 187).", "",
			`unusable PASV reply: no h1,h2,h3,h4,p1,p2 in "227 Entering Passive Mode (127, 0, 0, 1, 11, 187)."`},
		{"empty", "", "", `unusable PASV reply: no h1,h2,h3,h4,p1,p2 in ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePASV(tc.text)
			switch {
			case tc.want == "" && (!errors.Is(err, ErrBadPASV) || err.Error() != tc.msg):
				t.Errorf("ParsePASV(%q) = %v, %v; want error %q", tc.text, got, err, tc.msg)
			case tc.want != "" && (err != nil || got.String() != tc.want):
				t.Errorf("ParsePASV(%q) = %v, %v; want %s", tc.text, got, err, tc.want)
			}
		})
	}
}

// TestScanPASV: what a reader shows of a reply the diagnosis refuses.
func TestScanPASV(t *testing.T) {
	cases := []struct {
		name, text, want string
		ok               bool
	}{
		{"port 0 is read", "227 Entering Passive Mode (192,0,2,10,0,0).", "192.0.2.10:0", true},
		{"0.0.0.0 is read", "227 Entering Passive Mode (0,0,0,0,11,187).", "0.0.0.0:3003", true},
		{"octet 300 is not", "227 Entering Passive Mode (1,2,3,4,300,1)", "", false},
		{"garbage is not", "227 Entering Passive Mode (banana).", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ScanPASV(tc.text)
			if (err == nil) != tc.ok || (tc.ok && got.String() != tc.want) || (!tc.ok && !errors.Is(err, ErrBadPASV)) {
				t.Errorf("ScanPASV(%q) = %v, %v; want %q ok=%v", tc.text, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestFormatPASV(t *testing.T) {
	cases := []struct{ name, ap, want string }{
		{"usual", "127.0.0.1:3003", "Entering Passive Mode (127,0,0,1,11,187)."},
		{"high port", "192.0.2.80:40004", "Entering Passive Mode (192,0,2,80,156,68)."},
		{"IPv4-mapped", "[::ffff:10.0.0.5]:3003", "Entering Passive Mode (10,0,0,5,11,187)."},
		{"IPv6 cannot be said", "[2001:db8::1]:3003", "Entering Passive Mode (0,0,0,0,11,187)."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatPASV(netip.MustParseAddrPort(tc.ap)); got != tc.want {
				t.Errorf("FormatPASV(%s) = %q, want %q", tc.ap, got, tc.want)
			}
		})
	}
}

func TestParseEPSV(t *testing.T) {
	cases := []struct {
		name, text string
		want       int    // 0 when the reply must be refused
		msg        string // the error's text when refused
	}{
		{"usual", "229 Entering Extended Passive Mode (|||6446|)", 6446, ""},
		{"pipes, the disagreement's case", "229 Entering Extended Passive Mode (|||3003|)", 3003, ""},
		{"bangs are as valid", "229 Entering Extended Passive Mode (!!!3003!)", 3003, ""},
		{"tildes", "229 ok (~~~65535~)", 65535, ""},
		{"closing parenthesis as delimiter", "229 ok ()))3003))", 3003, ""},
		{"text after the group", "229 Entering Extended Passive Mode (|||3003|).", 3003, ""},
		{"a parenthesis before the group", "229 Entering (extended) passive mode (|||3003|)", 3003, ""},
		{"only the first line counts", "229-Entering (|||3003|)\n229 (|||3004|)", 3003, ""},
		{"mixed delimiters", "229 Entering Extended Passive Mode (|!|3003|)", 0,
			`unusable EPSV reply: no (|||port|) in "229 Entering Extended Passive Mode (|!|3003|)"`},
		{"third delimiter differs", "229 Entering Extended Passive Mode (||!3003|)", 0,
			`unusable EPSV reply: no (|||port|) in "229 Entering Extended Passive Mode (||!3003|)"`},
		{"last delimiter differs", "229 Entering Extended Passive Mode (|||3003!)", 0,
			`unusable EPSV reply: no (|||port|) in "229 Entering Extended Passive Mode (|||3003!)"`},
		{"digit delimiter", "229 Entering Extended Passive Mode (11130031)", 0,
			`unusable EPSV reply: no (|||port|) in "229 Entering Extended Passive Mode (11130031)"`},
		{"space delimiter", "229 Entering Extended Passive Mode (   3003 )", 0,
			`unusable EPSV reply: no (|||port|) in "229 Entering Extended Passive Mode (   3003 )"`},
		{"no closing parenthesis", "229 Entering Extended Passive Mode (|||3003|", 0,
			`unusable EPSV reply: no (|||port|) in "229 Entering Extended Passive Mode (|||3003|"`},
		{"port 0", "229 Entering Extended Passive Mode (|||0|)", 0, `unusable EPSV reply: port "0"`},
		{"port 65536", "229 Entering Extended Passive Mode (|||65536|)", 0, `unusable EPSV reply: port "65536"`},
		{"empty port", "229 Entering Extended Passive Mode (||||)", 0, `unusable EPSV reply: port ""`},
		{"signed port", "229 Entering Extended Passive Mode (|||+3003|)", 0, `unusable EPSV reply: port "+3003"`},
		{"garbage", "229 Entering Extended Passive Mode", 0,
			`unusable EPSV reply: no (|||port|) in "229 Entering Extended Passive Mode"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEPSV(tc.text)
			switch {
			case tc.want == 0 && (!errors.Is(err, ErrBadEPSV) || !errors.Is(err, ErrBadPASV) || err.Error() != tc.msg):
				t.Errorf("ParseEPSV(%q) = %d, %v; want error %q (ErrBadEPSV and ErrBadPASV)", tc.text, got, err, tc.msg)
			case tc.want != 0 && (err != nil || got != tc.want):
				t.Errorf("ParseEPSV(%q) = %d, %v; want %d", tc.text, got, err, tc.want)
			}
		})
	}
}

func TestFormatEPSV(t *testing.T) {
	if got, want := FormatEPSV(3003), "Entering Extended Passive Mode (|||3003|)"; got != want {
		t.Errorf("FormatEPSV(3003) = %q, want %q", got, want)
	}
}

// TestErrBadEPSVIsNotPlainPASV: the sentinel is its own error too, so a
// caller can tell a bad 229 from a bad 227.
func TestErrBadEPSVIsNotPlainPASV(t *testing.T) {
	_, err := ParsePASV("227 (banana)")
	if errors.Is(err, ErrBadEPSV) {
		t.Errorf("a PASV error %v matches ErrBadEPSV", err)
	}
}
