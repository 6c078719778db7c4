package transcript

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Visible spells out control characters, bidirectional controls and bytes
// that are not UTF-8, as \x1b, \u202e or \xff: everything the network sent
// passes through here on its way to a terminal or a file a person will cat,
// since a hostile peer could otherwise retitle, clear or rewrite the
// reader's terminal, or make a line read differently from what it says.
// Tabs stay, and line breaks where keepNewlines. The result contains none
// of those characters, so applying Visible twice changes nothing more.
func Visible(s string, keepNewlines bool) string {
	if isVisible(s, keepNewlines) {
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

// isVisible is the fast path: most lines need no change.
func isVisible(s string, keepNewlines bool) bool {
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r, keepNewlines) {
			return false
		}
	}
	return true
}

func unsafeRune(r rune, keepNewlines bool) bool {
	if r == '\t' || (r == '\n' && keepNewlines) {
		return false
	}
	// U+2028 and U+2029 break lines in editors, browsers and JavaScript
	// although they are no control characters.
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}
