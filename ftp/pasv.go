package ftp

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrBadPASV is wrapped by every ScanPASV/ParsePASV error: the 227 reply
// cannot be used. Findings quote the text after "unusable PASV reply: ",
// so the messages below are part of the golden files.
var ErrBadPASV = errors.New("unusable PASV reply")

// ErrBadEPSV is wrapped by every ParseEPSV error: the 229 reply cannot be
// used. It also matches errors.Is(err, ErrBadPASV), as EPSV errors did when
// they were ErrBadPASV themselves, so a caller asking "can the client use
// this passive reply?" needs one test for both.
var ErrBadEPSV error = &subError{msg: "unusable EPSV reply", parent: ErrBadPASV}

// subError is a sentinel that is also its parent for errors.Is.
type subError struct {
	msg    string
	parent error
}

func (e *subError) Error() string { return e.msg }
func (e *subError) Unwrap() error { return e.parent }

// ScanPASV reads the address and port a 227 reply names, without judging
// them: 0.0.0.0 and port 0 come back as they are, for a reader who wants to
// show what the server said. The first line with six numbers counts (a
// multi-line 227 is read whole). The six numbers
// may stand in parentheses, after "=", or bare, because RFC 959 leaves the
// text around them free; RFC 1123 4.1.2.6 tells clients to scan for them,
// and the first group of six comma-separated numbers is the one taken (a
// text that mentions another group later does not change the answer).
func ScanPASV(text string) (netip.AddrPort, error) {
	first := FirstLine(text)
	nums, ok := firstSixGroup(first)
	for _, line := range strings.Split(text, "\n")[1:] {
		if ok {
			break
		}
		// A multi-line 227 ("227-listen socket created", "227
		// (0,0,0,0,135,179)") is one reply: its numbers may be on a later line.
		nums, ok = firstSixGroup(line)
	}
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("%w: no h1,h2,h3,h4,p1,p2 in %q", ErrBadPASV, first)
	}
	var b [6]byte
	for i, s := range nums {
		n, err := strconv.ParseUint(s, 10, 8)
		if err != nil {
			return netip.AddrPort{}, fmt.Errorf("%w: %q is not a number from 0 to 255", ErrBadPASV, s)
		}
		b[i] = byte(n)
	}
	ip := netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
	return netip.AddrPortFrom(ip, uint16(b[4])<<8|uint16(b[5])), nil
}

// ParsePASV reads a 227 reply as ScanPASV does and refuses what no client
// can dial: port 0 and address 0.0.0.0. The result is always IPv4.
func ParsePASV(text string) (netip.AddrPort, error) {
	ap, err := ScanPASV(text)
	switch {
	case err != nil:
		return netip.AddrPort{}, err
	case ap.Port() == 0:
		return netip.AddrPort{}, fmt.Errorf("%w: port 0", ErrBadPASV)
	case ap.Addr().IsUnspecified():
		return netip.AddrPort{}, fmt.Errorf("%w: address 0.0.0.0", ErrBadPASV)
	}
	return ap, nil
}

// firstSixGroup finds the first run of digits and commas in line that
// splits into exactly six non-empty numbers. The reply code ("227") is such
// a run too, but of one number, so it never matches; seven numbers are no
// address, and are not cut down to six.
func firstSixGroup(line string) ([]string, bool) {
	for i := 0; i < len(line); {
		if !isDigit(line[i]) && line[i] != ',' {
			i++
			continue
		}
		j := i
		for j < len(line) && (isDigit(line[j]) || line[j] == ',') {
			j++
		}
		parts := strings.Split(line[i:j], ",")
		if len(parts) == 6 && !hasEmpty(parts) {
			return parts, true
		}
		i = j
	}
	return nil, false
}

func hasEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}

// FormatPASV writes the text of the 227 reply that hands out ap, as the
// server sends it after the code. ap must be IPv4 (see FormatPORT).
func FormatPASV(ap netip.AddrPort) string {
	return "Entering Passive Mode (" + FormatPORT(ap) + ")."
}

// ParseEPSV reads the port of a 229 reply (RFC 2428 section 3):
// "(<d><d><d><port><d>)", where <d> is one printable ASCII character
// (33 to 126, not a digit), the same all four times: usually "|", but
// "(!!!3003!)" is as valid. Only the first line counts, and the first
// parenthesis that opens such a group. The port is on the control
// connection's address, which the reply does not repeat.
func ParseEPSV(text string) (int, error) {
	first := FirstLine(text)
	for rest := first; ; {
		i := strings.IndexByte(rest, '(')
		if i < 0 {
			return 0, fmt.Errorf("%w: no (|||port|) in %q", ErrBadEPSV, first)
		}
		rest = rest[i+1:]
		if port, ok := epsvGroup(rest); ok {
			n, err := strconv.ParseUint(port, 10, 16)
			if err != nil || n == 0 {
				return 0, fmt.Errorf("%w: port %q", ErrBadEPSV, port)
			}
			return int(n), nil
		}
	}
}

// epsvGroup reads "<d><d><d>port<d>)" at the start of s and returns the
// port field unchecked, so a bad number is reported as a bad port rather
// than as a missing group.
func epsvGroup(s string) (string, bool) {
	if len(s) < 5 || !epsvDelim(s[0]) || s[1] != s[0] || s[2] != s[0] {
		return "", false
	}
	d := s[0]
	end := strings.IndexByte(s[3:], d)
	if end < 0 || 3+end+1 >= len(s) || s[3+end+1] != ')' {
		return "", false
	}
	return s[3 : 3+end], true
}

// epsvDelim: RFC 2428 allows any printable ASCII character as <d>; a digit
// would make the port unreadable, so it is not one.
func epsvDelim(c byte) bool { return c >= 33 && c <= 126 && !isDigit(c) }

// FormatEPSV writes the text of the 229 reply that hands out port, as the
// server sends it after the code.
func FormatEPSV(port int) string {
	return "Entering Extended Passive Mode (|||" + strconv.Itoa(port) + "|)"
}
