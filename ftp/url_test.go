package ftp

import "testing"

func TestURL(t *testing.T) {
	cases := []struct {
		name, user, host string
		port             int
		path, want       string
	}{
		{"user and port", "john", "198.18.1.2", 21, "/", "ftp://john@198.18.1.2:21/"},
		{"no user, no port", "", "ftp.example.net", 0, "/", "ftp://ftp.example.net/"},
		{"IPv6 with port", "", "2001:db8::21", 2121, "/pub", "ftp://[2001:db8::21]:2121/pub"},
		{"IPv6 without port", "john", "2001:db8::21", 0, "/", "ftp://john@[2001:db8::21]/"},
		{"user needing escapes", "a b@c", "h", 0, "/", "ftp://a%20b%40c@h/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := URL("ftp", tc.user, tc.host, tc.port, tc.path); got != tc.want {
				t.Errorf("URL = %q, want %q", got, tc.want)
			}
		})
	}
}
