package render

import (
	"fmt"
	"ftpdiag/result"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable returns a copy of res fit for a terminal, a wiki or a mail: a
// server controls its reply texts, and a hostile one could otherwise send
// escape sequences that retitle, clear or rewrite the reader's terminal, or
// bidirectional overrides that make a line read differently from what it
// says. Such characters are shown as \x1b or \u202e instead. The JSON format
// needs none of this: encoding/json escapes them itself.
func printable(res *result.Result) *result.Result {
	out := *res
	out.Target.URL = visible(res.Target.URL, false)
	out.Target.Host = visible(res.Target.Host, false)
	out.Target.User = visible(res.Target.User, false)
	out.Findings = make([]result.Finding, len(res.Findings))
	for i, f := range res.Findings {
		f.Title, f.Detail = visible(f.Title, false), visible(f.Detail, false)
		f.Hints, f.ClientHints = visibleAll(f.Hints), visibleAll(f.ClientHints)
		out.Findings[i] = f
	}
	out.Checks = make([]result.Check, len(res.Checks))
	for i, c := range res.Checks {
		c.Name, c.Detail = visible(c.Name, false), visible(c.Detail, false)
		out.Checks[i] = c
	}
	if res.Network != nil {
		n := *res.Network
		n.LocalAddr, n.SeenAddr = visible(n.LocalAddr, false), visible(n.SeenAddr, false)
		n.Modes = visibleAll(n.Modes)
		out.Network = &n
	}
	out.Transcript = append(out.Transcript[:0:0], res.Transcript...)
	for i, e := range out.Transcript {
		e.Text = visible(e.Text, true)
		if e.Event != nil {
			ev := *e.Event
			ev.Addr, ev.Local, ev.Err = visible(ev.Addr, false), visible(ev.Local, false), visible(ev.Err, false)
			e.Event = &ev
		}
		out.Transcript[i] = e
	}
	return &out
}

// visibleAll keeps line breaks: hints use them to set commands apart.
func visibleAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = visible(s, true)
	}
	return out
}

// visible spells out control characters, bidirectional controls and bytes
// that are not UTF-8. Tabs stay, and line breaks where keepNewlines.
func visible(s string, keepNewlines bool) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r, keepNewlines) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r, keepNewlines) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r, keepNewlines):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func unsafeRune(r rune, keepNewlines bool) bool {
	if r == '\t' || (r == '\n' && keepNewlines) {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
