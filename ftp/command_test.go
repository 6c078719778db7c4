package ftp

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // "" for no error, else a part of the error's text
	}{
		{"plain", "LIST /a b/c", ""},
		{"UTF-8 name", "RETR café.txt", ""},
		{"password punctuation", "PASS p@ss:w/rd%", ""},
		{"invalid UTF-8 byte", "RETR \xe9t\xe9", ""},
		{"CR LF", "LIST a\r\nDELE x", "CR (%0D) at byte 6"},
		{"LF alone", "PASS a\nDELE x", "LF (%0A)"},
		{"CR alone", "PASS a\rb", "CR (%0D)"},
		{"NUL", "LIST a\x00", "NUL (%00)"},
		{"TAB", "LIST a\tb", "TAB (%09)"},
		{"ESC", "LIST \x1b]0;x\x07", "%1B"},
		{"DEL", "LIST a\x7f", "%7F"},
		{"C1 NEL", "LIST a\u0085b", "U+0085"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckText(tc.in)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckText(%q) = %v, want nil", tc.in, err)
			case tc.want != "" && !errors.Is(err, ErrControlChar):
				t.Errorf("CheckText(%q) = %v, want ErrControlChar", tc.in, err)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("CheckText(%q) = %q, want it to say %q", tc.in, err, tc.want)
			}
		})
	}
}
