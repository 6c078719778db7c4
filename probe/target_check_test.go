package probe

import (
	"errors"
	"strings"
	"testing"
)

// TestParseTargetNearlyRight: URLs whose host is missing or misplaced are
// refused, and no error quotes the password; the forms that are right,
// with or without ftp://, are read as the host they name.
func TestParseTargetNearlyRight(t *testing.T) {
	const pw = "S3cr3tPW"
	bad := []struct{ name, raw string }{
		{"three slashes", "ftp:///u:" + pw + "@host/"},
		{"one slash", "ftp:/u:" + pw + "@host/"},
		{"no slash", "ftp:u:" + pw + "@host/"},
		{"scheme and host, no slashes", "ftp:host"},
		{"slashes without the colon", "ftp//host"},
		{"slashes without the colon, with a user", "ftp//u:" + pw + "@host/"},
		{"password with a slash", "ftp://u:" + pw + "/x@host/"},
		{"four slashes", "ftp:////host/"},
		{"no host after the user", "ftp://u:" + pw + "@/"},
		{"no host after the user, bare", "u:" + pw + "@"},
		{"only a port", ":21"},
		{"unclosed IPv6 bracket", "[::1:21"},
		{"a colon and no port", "host:"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := ParseTarget(tc.raw)
			if !errors.Is(err, ErrBadURL) {
				t.Fatalf("ParseTarget(%q) = host %q, %v; want ErrBadURL", tc.raw, tg.Host, err)
			}
			if strings.Contains(err.Error(), pw) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
	good := []struct{ raw, host string }{
		{"ftp://u:" + pw + "@host/", "host"},
		{"ftp://host:2121/dir", "host"},
		{"host", "host"},
		{"host:21", "host"},
		{"u@host:21/x", "host"},
		{"[::1]:2121", "::1"},
		{"ftp://u:S3cr3t%2FPW@host/", "host"},
		{"ftp", "ftp"}, // a host named ftp, on a network that has one
	}
	for _, tc := range good {
		t.Run("accepts "+tc.raw, func(t *testing.T) {
			tg, err := ParseTarget(tc.raw)
			if err != nil || tg.Host != tc.host {
				t.Errorf("ParseTarget(%q) = host %q, %v; want %q", tc.raw, tg.Host, err, tc.host)
			}
		})
	}
}
