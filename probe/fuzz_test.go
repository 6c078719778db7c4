package probe

import (
	"strings"
	"testing"
)

// FuzzParseTarget reads the URL a user types: never a panic; a target it
// accepts has a host and a port from 1 to 65535; and an error never quotes
// what stood between the user's colon and the last @ (the password), when
// that is a word no message holds by itself.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{
		"ftp://john:S3cr3tPW@198.18.0.1:2121/dir/file", "ftp://[::1]:21/", "host", "host:21", "u@host",
		"ftp:///u:S3cr3tPW@host/", "ftp:/u:S3cr3tPW@host/", "ftp:host", "ftp//host", "ftp://u:S3cr3t%50W@host/",
		"ftp://u:pa/ss99w0rd@host/", "ftps://host/", "ftp://host:99999/", "[::1", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tg, err := ParseTarget(raw)
		if err == nil {
			if tg.Host == "" || tg.Port < 1 || tg.Port > 65535 {
				t.Fatalf("ParseTarget(%q) = %+v", raw, tg)
			}
			return
		}
		if pw := passwordPart(raw); pw != "" && strings.Contains(err.Error(), pw) {
			t.Fatalf("ParseTarget(%q): the error shows %q: %v", raw, pw, err)
		}
	})
}

// passwordPart is what stands between the first colon after the scheme's
// slashes (or the start) and the last @: the password as a user meant it,
// when it is six or more letters and digits with a digit among them (no
// message of ParseTarget holds such a word).
func passwordPart(raw string) string {
	rest := raw
	if _, after, ok := strings.Cut(raw, "//"); ok {
		rest = after
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return ""
	}
	_, pw, ok := strings.Cut(rest[:at], ":")
	if !ok || len(pw) < 6 || strings.Trim(pw, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" || strings.Trim(pw, "0123456789") == pw {
		return ""
	}
	return pw
}
