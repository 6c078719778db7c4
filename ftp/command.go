package ftp

import (
	"errors"
	"fmt"
)

// ErrControlChar is wrapped by every refusal of text that would go onto a
// control connection holding a control character. FTP ends a command at
// CRLF (RFC 959, 4.1.3), so a CR or LF inside an argument is a second
// command the user never asked for ("a\r\nDELE victim.txt"); the other
// controls (NUL, ESC, DEL, C1) have no place in a command either, and curl
// refuses them all in a URL for the same reason.
var ErrControlChar = errors.New("control character")

// CheckText returns an error wrapping ErrControlChar when s holds a C0
// control (CR, LF, NUL, TAB ...), DEL, or a C1 control (U+0080 to U+009F,
// where s is UTF-8). The error names the character, never quotes s, which
// may be a password.
func CheckText(s string) error {
	for i, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return fmt.Errorf("%w %s at byte %d", ErrControlChar, ControlName(r), i)
		}
	}
	return nil
}

// ControlName names a control character as a reader of a URL knows it:
// "CR (%0D)", "LF (%0A)", "U+0085".
func ControlName(r rune) string {
	switch r {
	case '\r':
		return "CR (%0D)"
	case '\n':
		return "LF (%0A)"
	case 0:
		return "NUL (%00)"
	case '\t':
		return "TAB (%09)"
	}
	if r < 0x80 {
		return fmt.Sprintf("%%%02X", r)
	}
	return fmt.Sprintf("U+%04X", r)
}
