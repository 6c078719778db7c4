package server

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax is wrapped by every parser error: the client's argument is bad (501).
var ErrSyntax = errors.New("syntax error")

// Telnet bytes a client may put on the control connection (RFC 959 says
// the control connection follows the Telnet protocol): ABOR is often sent
// after IAC IP IAC DM ("Synch"), and they must not become part of the verb.
const (
	telnetIAC  = 255
	telnetWILL = 251 // WILL, WONT, DO, DONT (251-254) carry one option byte
	telnetSE   = 240 // the lowest two-byte command
)

// maxVerb bounds a verb's length: FTP verbs have 3 or 4 letters, and a
// longer word of letters is still answered "502 unknown" rather than "500".
const maxVerb = 16

// ParseCommand splits one command line (without its CRLF) into an upper-case
// verb and its argument. Telnet sequences are removed first. The argument
// keeps inner spaces (file names may have them); for the verb only ASCII
// letters are accepted, so garbage bytes never reach the command table.
func ParseCommand(line string) (verb, arg string, err error) {
	line = stripTelnet(line)
	line = strings.TrimRight(line, "\r\n")
	verb, arg, _ = strings.Cut(line, " ")
	if verb == "" || len(verb) > maxVerb {
		return "", "", fmt.Errorf("%w: no command verb", ErrSyntax)
	}
	for i := 0; i < len(verb); i++ {
		c := verb[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return "", "", fmt.Errorf("%w: verb is not letters", ErrSyntax)
		}
	}
	return strings.ToUpper(verb), arg, nil
}

// stripTelnet removes IAC sequences (and a doubled IAC, which means one
// 0xFF byte: kept, since a file name may hold it).
func stripTelnet(s string) string {
	if strings.IndexByte(s, telnetIAC) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != telnetIAC {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			break
		}
		next := s[i+1]
		switch {
		case next == telnetIAC:
			b.WriteByte(telnetIAC)
			i++
		case next >= telnetWILL:
			i += 2
		case next >= telnetSE:
			i++
		}
	}
	return b.String()
}
