package server

import (
	"errors"
	"fmt"
	"net"
	"strconv"
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

// ParsePORT reads RFC 959's h1,h2,h3,h4,p1,p2 into an IPv4 address and port.
func ParsePORT(arg string) (*net.TCPAddr, error) {
	parts := strings.Split(strings.TrimSpace(arg), ",")
	if len(parts) != 6 {
		return nil, fmt.Errorf("%w: PORT wants six numbers h1,h2,h3,h4,p1,p2", ErrSyntax)
	}
	var b [6]byte
	for i, p := range parts {
		n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 8)
		if err != nil {
			return nil, fmt.Errorf("%w: PORT field %d is not a number from 0 to 255", ErrSyntax, i+1)
		}
		b[i] = byte(n)
	}
	ip := net.IPv4(b[0], b[1], b[2], b[3])
	return &net.TCPAddr{IP: ip, Port: int(b[4])<<8 | int(b[5])}, nil
}

// FormatPORT writes an IPv4 address and port the way PORT and 227 do.
func FormatPORT(ip net.IP, port int) string {
	v4 := ip.To4()
	if v4 == nil {
		v4 = net.IPv4zero.To4()
	}
	return fmt.Sprintf("%d,%d,%d,%d,%d,%d", v4[0], v4[1], v4[2], v4[3], port>>8, port&0xff)
}

// ParseEPRT reads RFC 2428's <d>proto<d>address<d>port<d>, where <d> is any
// printable ASCII character (usually "|") and proto is 1 (IPv4) or 2 (IPv6).
func ParseEPRT(arg string) (*net.TCPAddr, error) {
	arg = strings.TrimSpace(arg)
	if len(arg) < 7 || arg[0] < 33 || arg[0] > 126 {
		return nil, fmt.Errorf("%w: EPRT wants <d>proto<d>address<d>port<d>", ErrSyntax)
	}
	fields := strings.Split(arg, string(arg[0]))
	if len(fields) != 5 || fields[0] != "" || fields[4] != "" {
		return nil, fmt.Errorf("%w: EPRT wants four delimiters, as |1|10.0.0.2|2000|", ErrSyntax)
	}
	if fields[1] != "1" && fields[1] != "2" {
		return nil, fmt.Errorf("%w: EPRT protocol %q: %w", ErrSyntax, fields[1], errProtoUnsupported)
	}
	ip := net.ParseIP(fields[2])
	switch {
	case ip == nil:
		return nil, fmt.Errorf("%w: EPRT address %q is not an IP address", ErrSyntax, fields[2])
	case fields[1] == "1" && ip.To4() == nil, fields[1] == "2" && (ip.To4() != nil || strings.Contains(fields[2], ".")):
		return nil, fmt.Errorf("%w: EPRT address does not match protocol %s", ErrSyntax, fields[1])
	}
	port, err := strconv.ParseUint(fields[3], 10, 16)
	if err != nil || port == 0 {
		return nil, fmt.Errorf("%w: EPRT port %q is not a number from 1 to 65535", ErrSyntax, fields[3])
	}
	return &net.TCPAddr{IP: ip, Port: int(port)}, nil
}

// errProtoUnsupported marks an EPRT/EPSV network protocol other than 1 or 2
// (answered 522, which names the ones we know).
var errProtoUnsupported = errors.New("network protocol not supported")

// DecodeSpelled turns SITE PORTCHECK's spelled digits (a..j for 0..9) back
// into digits; every other character is kept as it is.
func DecodeSpelled(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'j' {
			b[i] = '0' + (c - 'a')
		}
	}
	return string(b)
}
