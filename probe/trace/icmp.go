package trace

import "fmt"

// ICMP message names, as the transcript and the findings spell them.
const (
	TimeExceeded    = "time-exceeded"
	AdminProhibited = "admin-prohibited"
	PortUnreachable = "port-unreachable"
	HostUnreachable = "host-unreachable"
	NetUnreachable  = "net-unreachable"
)

// icmp4 names an ICMPv4 message (RFC 792, RFC 1812 for the codes 9, 10, 13).
func icmp4(typ, code uint8) (Answer, string) {
	const timeExceeded, destUnreach = 11, 3
	switch typ {
	case timeExceeded:
		return Expired, TimeExceeded
	case destUnreach:
		switch code {
		case 0, 6:
			return Unreachable, NetUnreachable
		case 1, 7:
			return Unreachable, HostUnreachable
		case 3:
			return Unreachable, PortUnreachable
		case 9, 10, 13:
			return Unreachable, AdminProhibited
		}
		return Unreachable, fmt.Sprintf("unreachable-code-%d", code)
	}
	return Unreachable, fmt.Sprintf("icmp-type-%d-code-%d", typ, code)
}

// icmp6 names an ICMPv6 message (RFC 4443).
func icmp6(typ, code uint8) (Answer, string) {
	const destUnreach, timeExceeded = 1, 3
	switch typ {
	case timeExceeded:
		return Expired, TimeExceeded
	case destUnreach:
		switch code {
		case 0:
			return Unreachable, NetUnreachable
		case 1, 5, 6:
			return Unreachable, AdminProhibited
		case 3:
			return Unreachable, HostUnreachable
		case 4:
			return Unreachable, PortUnreachable
		}
		return Unreachable, fmt.Sprintf("unreachable-code-%d", code)
	}
	return Unreachable, fmt.Sprintf("icmp6-type-%d-code-%d", typ, code)
}
