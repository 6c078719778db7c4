package server

import (
	"errors"
	"net"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name, line, verb, arg string
		wantErr               bool
	}{
		{"verb only", "PWD", "PWD", "", false},
		{"lower case", "retr test", "RETR", "test", false},
		{"argument with spaces", "STOR my file.txt", "STOR", "my file.txt", false},
		{"CRLF kept off", "NOOP\r\n", "NOOP", "", false},
		{"telnet synch before ABOR", "\xff\xf4\xff\xf2ABOR", "ABOR", "", false},
		{"telnet DO option", "\xff\xfd\x01NOOP", "NOOP", "", false},
		{"doubled IAC in a name", "RETR a\xff\xffb", "RETR", "a\xffb", false},
		{"empty", "", "", "", true},
		{"binary", "\x00\x01\x02", "", "", true},
		{"digits", "123 abc", "", "", true},
		{"too long a verb", strings.Repeat("A", 17), "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verb, arg, err := ParseCommand(tt.line)
			if (err != nil) != tt.wantErr || verb != tt.verb || arg != tt.arg {
				t.Errorf("ParseCommand(%q) = %q, %q, %v; want %q, %q, error %v", tt.line, verb, arg, err, tt.verb, tt.arg, tt.wantErr)
			}
		})
	}
}

func TestParsePORT(t *testing.T) {
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
			checkAddr(t, got, err, tt.want)
		})
	}
}

func TestParseEPRT(t *testing.T) {
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
			checkAddr(t, got, err, tt.want)
			if u := errors.Is(err, errProtoUnsupported); u != tt.unsupported {
				t.Errorf("unsupported protocol: got %v, want %v", u, tt.unsupported)
			}
		})
	}
}

func checkAddr(t *testing.T, got *net.TCPAddr, err error, want string) {
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

func TestDecodeSpelled(t *testing.T) {
	if got, want := DecodeSpelled("ba,a,a,c,hi,dc"), "10,0,0,2,78,32"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := DecodeSpelled("|b|ba.a.a.c|caaaa|"), "|1|10.0.0.2|20000|"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPortRanges(t *testing.T) {
	got := strings.Join(portRanges([]int{3000, 3002, 3003, 3004, 3010}), " ")
	if want := "3000 3002-3004 3010"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzParseCommand: never panics; a verb is upper-case letters only.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"USER john", "\xff\xf4\xff\xf2ABOR", "RETR a\xff\xffb", "\xff", "", "PORT 1,2,3,4,5,6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		verb, _, err := ParseCommand(line)
		if err != nil {
			return
		}
		if verb == "" || len(verb) > maxVerb || strings.ToUpper(verb) != verb {
			t.Fatalf("ParseCommand(%q): verb %q", line, verb)
		}
		for _, c := range verb {
			if c < 'A' || c > 'Z' {
				t.Fatalf("ParseCommand(%q): verb %q holds %q", line, verb, c)
			}
		}
	})
}

// FuzzParsePORT: never panics; what parses formats back to the same address.
func FuzzParsePORT(f *testing.F) {
	for _, s := range []string{"10,0,0,2,78,32", "255,255,255,255,255,255", "1,2,3", " 1, 2,3,4,5,6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		a, err := ParsePORT(arg)
		if err != nil {
			return
		}
		b, err := ParsePORT(FormatPORT(a.IP, a.Port))
		if err != nil || !b.IP.Equal(a.IP) || b.Port != a.Port || a.Port < 0 || a.Port > 65535 {
			t.Fatalf("ParsePORT(%q) = %v; round trip %v, %v", arg, a, b, err)
		}
	})
}

// FuzzParseEPRT: never panics; what parses has a valid port and an
// address of the family its protocol names.
func FuzzParseEPRT(f *testing.F) {
	for _, s := range []string{"|1|132.235.1.2|6275|", "|2|1080::8:800:200C:417A|5282|", "!1!1.2.3.4!1!", "|3|x|1|", "||||"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		a, err := ParseEPRT(arg)
		if err != nil {
			return
		}
		if a.Port < 1 || a.Port > 65535 || a.IP == nil {
			t.Fatalf("ParseEPRT(%q) = %v", arg, a)
		}
	})
}

func TestParseUsers(t *testing.T) {
	tests := []struct {
		name, file string
		want       map[string]string
		wantErr    bool
	}{
		{"users and comments", "# ftp users\njohn:secret\n\n  ann:pa:ss  \n", map[string]string{"john": "secret", "ann": "pa:ss"}, false},
		{"no colon", "john\n", nil, true},
		{"empty password", "john:\n", nil, true},
		{"space in name", "jo hn:x\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUsers(strings.NewReader(tt.file))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrBadUser) {
				t.Errorf("error %v does not wrap ErrBadUser", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("user %s: got %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
