package server

import (
	"errors"
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
