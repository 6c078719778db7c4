package diagnose

import (
	"fmt"
	"net/netip"

	"ftpdiag/result"
)

// CodeSeenInCapture is what a packet capture shows beyond a client's log:
// where a data connection was stopped, or that large packets vanish.
const CodeSeenInCapture = "data.seen-in-capture"

// Readings of a capture, as Args.How spells them.
const (
	seenRejected   = "rejected"    // an ICMP error named the box
	seenAtServer   = "at-server"   // SYNs arrived at the server, unanswered
	seenUpstream   = "upstream"    // no SYN arrived at the server
	seenLeftClient = "left-client" // SYNs left the client, unanswered, no ICMP
	seenBlackHole  = "black-hole"  // large segments resent, never acknowledged
)

var captureCatalogue = []Entry{
	{Code: CodeSeenInCapture, Severity: result.Info, Title: "What the packet capture shows about the data connection",
		Titled: func(a Args) string {
			switch a.How {
			case seenRejected:
				return fmt.Sprintf("The capture names the box that rejects port %d: %s", a.Port, a.HopAddr)
			case seenAtServer:
				return fmt.Sprintf("Connection attempts to port %d reach the server and get no answer", a.Port)
			case seenUpstream:
				return fmt.Sprintf("No connection attempt to port %d reaches the server", a.Port)
			case seenLeftClient:
				return fmt.Sprintf("Connection attempts to port %d leave the client and get no answer", a.Port)
			case seenBlackHole:
				return "Large packets of the transfer vanish on the way: a path-MTU black hole"
			}
			return "What the packet capture shows about the data connection"
		},
		Admin: func(a Args) []string {
			switch a.How {
			case seenRejected:
				return []string{fmt.Sprintf("Open TCP %d (and the whole passive range) on %s: it answers the connection attempts with ICMP %s.", a.Port, a.HopAddr, a.Verb)}
			case seenAtServer:
				return []string{fmt.Sprintf("The server's own firewall drops them: accept TCP %d (and the whole passive range) in its input chain (nft list ruleset, iptables -S INPUT), and check the FTP server listens on its passive range.", a.Port)}
			case seenUpstream:
				return []string{fmt.Sprintf("Open TCP %d (and the whole passive range) on what stands before the server: the router's forward rules and port forwarding, a cloud security group, a hosting firewall.", a.Port)}
			case seenBlackHole:
				return []string{"Let ICMP fragmentation-needed (IPv6: packet-too-big) through every firewall on the path, or clamp the TCP MSS on the router (nft: tcp flags syn tcp option maxseg size set rt mtu), or lower the MTU of the tunnel or link that is smaller."}
			}
			return []string{fmt.Sprintf("Something on the way, or the server's firewall, drops TCP %d without a word: a capture on the server's side tells which (do the SYNs arrive there?).", a.Port)}
		},
		Client: func(a Args) []string {
			if a.How == seenLeftClient || a.How == seenAtServer {
				return []string{"The attempts leave your machine: your own firewall is not what stops them."}
			}
			return nil
		}},
}

// seenInCapture reads what a capture adds to the data connections' events
// (event.capture): the first reading of the most telling kind.
//
//	data.seen-in-capture   data-connect with capture info: unreachable with an
//	                       ICMP sender; timeout with SYNs seen on the server's
//	                       side, none arriving there (absent), or SYNs seen on
//	                       the client's side; data-close stalled as a black hole
func (d *diagnosis) seenInCapture() {
	for i, e := range d.entries {
		ev := e.Event
		if ev == nil || ev.Capture == nil {
			continue
		}
		if f, ok := captureFact(ev); ok {
			f.Lines = []int{i}
			d.add(f)
			return
		}
	}
}

func captureFact(ev *result.EventInfo) (Fact, bool) {
	c := ev.Capture
	port := 0
	if ap, err := netip.ParseAddrPort(ev.Addr); err == nil {
		port = int(ap.Port())
	}
	f := Fact{Code: CodeSeenInCapture, Ports: []int{port}}
	f.Port = port
	switch {
	case ev.Op == result.OpDataClose && ev.Outcome == result.Stalled && c.BlackHole:
		f.How, f.Ports = seenBlackHole, nil
		f.Detail = fmt.Sprintf("The capture shows segments of %d bytes sent %d more times and never acknowledged, while the control connection's small packets passed, and no ICMP fragmentation-needed came back: a router on the path drops packets too large for it without saying so.", c.Size, c.Resent)
	case ev.Op != result.OpDataConnect && ev.Op != result.OpDataAccept:
		return f, false
	case ev.Outcome == result.Unreachable && c.From != "":
		f.How, f.HopAddr, f.Verb = seenRejected, hopAddr(c.From), icmpName(c.ICMP)
		f.Detail = fmt.Sprintf("ICMP %s from %s answered the SYN to port %d: that box rejects the data connection, and a rejection that says so names it exactly.", f.Verb, f.HopAddr, port)
	case ev.Outcome != result.Timeout:
		return f, false
	case c.Absent && c.Side == "server":
		f.How = seenUpstream
		f.Detail = fmt.Sprintf("The capture was taken on the server: it announced port %d, and no SYN to it arrived. The client's attempts are dropped before they reach the server: by a firewall or router on the way, or a security group in front of it.", port)
	case c.Side == "server" && c.SYN > 0:
		f.How = seenAtServer
		f.Detail = fmt.Sprintf("The capture was taken on the server: %d SYN to port %d arrived there and got no answer. The server's own firewall drops them.", c.SYN, port)
	case c.Side == "client" && c.SYN > 0:
		f.How = seenLeftClient
		f.Detail = fmt.Sprintf("The capture was taken on the client: %d SYN to port %d left it, and neither an answer nor an ICMP error came back. They are dropped silently on the way or by the server's firewall; the client's own firewall let them out.", c.SYN, port)
	default:
		return f, false
	}
	return f, true
}
