package transcript

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask stands in for every password ftpdiag has seen.
const Mask = "xxxxxxxx"

// Redactor replaces known secrets, and the password part of any URL, by Mask.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string
}

// NewRedactor returns a Redactor that knows no secrets yet; it still removes
// passwords from URLs.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add registers secrets. Empty strings are ignored, and so are very short
// ones, since masking every "a" in a transcript would hide more than it protects
// (a one-letter password is still removed from PASS lines and URLs).
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) < 2 || s == Mask {
			continue
		}
		r.secrets = append(r.secrets, s)
		if esc := url.QueryEscape(s); esc != s {
			r.secrets = append(r.secrets, esc, url.PathEscape(s))
		}
	}
	// Longest first, so a secret that contains another is masked whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// Redact returns s with URL passwords and known secrets masked.
func (r *Redactor) Redact(s string) string {
	if s == "" {
		return s
	}
	s = RedactURLs(s)
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, sec := range r.secrets {
		s = maskFold(s, sec)
	}
	return s
}

// maskFold masks sec in s in any case of its ASCII letters: renderers
// change case (a verdict's label is printed in capitals), and "0000000a"
// left in a text would read as the secret "0000000A" once upper-cased.
// Other letters are matched as they are.
func maskFold(s, sec string) string {
	if !isASCII(sec) {
		return strings.ReplaceAll(s, sec, Mask)
	}
	lower, want := asciiLower(s), asciiLower(sec)
	if !strings.Contains(lower, want) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, want)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(Mask)
		s, lower = s[i+len(sec):], lower[i+len(sec):]
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiLower lower-cases ASCII letters only, so that byte offsets stay
// those of the original.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// userinfo matches the user:password@ part of a URL anywhere in a text;
// the one pattern both for masking URLs and for learning their passwords.
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]*):([^@\s/]*)@`)

// URLPasswords finds the passwords of the URLs written in s, each also in
// its percent-decoded form where that differs (ftp://john:S3cr3t%50W@ is
// typed S3cr3tPW elsewhere), so a redactor can mask both.
func URLPasswords(s string) []string {
	if !strings.Contains(s, "://") {
		return nil
	}
	var found []string
	for _, m := range userinfo.FindAllStringSubmatch(s, -1) {
		if m[2] == "" {
			continue
		}
		found = append(found, m[2])
		if dec, err := url.PathUnescape(m[2]); err == nil && dec != m[2] {
			found = append(found, dec)
		}
	}
	return found
}

// RedactURLs removes the password from every URL in s, keeping the user:
// "ftp://john:secret@host/" becomes "ftp://john@host/".
func RedactURLs(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return userinfo.ReplaceAllString(s, "$1@")
}

// RedactCommand masks the argument of a PASS (or ACCT) command line.
func RedactCommand(line string) string {
	verb, _, hasArg := strings.Cut(strings.TrimLeft(line, " "), " ")
	switch strings.ToUpper(verb) {
	case "PASS", "ACCT":
		if hasArg {
			return strings.ToUpper(verb) + " " + Mask
		}
	}
	return line
}
