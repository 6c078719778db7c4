package ftp

import (
	"fmt"
	"strings"
)

// SITE PORTCHECK (docs/EXTENSIONS.md) carries a PORT argument with its
// digits spelled as letters, 0 as a through 9 as j: a router's FTP helper
// rewrites the digits of a PORT line, and this form it does not recognise.

// Spell writes the digits of s as letters.
func Spell(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return 'a' + (r - '0')
		}
		return r
	}, s)
}

// Unspell turns spelled digits back into digits; every other character is
// kept as it is.
func Unspell(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'j' {
			return '0' + (r - 'a')
		}
		return r
	}, s)
}

// PasvRangeFeat is the FEAT line in which an ftpdiag server announces its
// whole passive range (docs/EXTENSIONS.md), so a client can name the range
// to open from one PASV reply, not only from a sweep.
const PasvRangeFeat = "FTPDIAG-PASV-RANGE"

// FormatPasvRangeFeat is the FEAT line for the range lo-hi.
func FormatPasvRangeFeat(lo, hi int) string {
	return fmt.Sprintf(" %s %d-%d", PasvRangeFeat, lo, hi)
}

// ParsePasvRangeFeat finds the range in a FEAT reply.
func ParsePasvRangeFeat(reply string) (PortRun, bool) {
	for _, l := range strings.Split(reply, "\n") {
		f := strings.Fields(strings.TrimLeft(l, "0123456789- "))
		if len(f) != 2 || !strings.EqualFold(f[0], PasvRangeFeat) {
			continue
		}
		var lo, hi int
		if n, _ := fmt.Sscanf(f[1], "%d-%d", &lo, &hi); n == 2 && lo > 0 && lo <= hi && hi <= 65535 {
			return PortRun{Lo: lo, Hi: hi}, true
		}
	}
	return PortRun{}, false
}
