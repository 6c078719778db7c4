package ftp

import "strings"

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
