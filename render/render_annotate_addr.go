package render

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"ftpdiag/transcript"
)

// Notes that decode the addresses of PASV, EPSV, PORT and EPRT, the lines a
// reader of an FTP transcript most often has to work out by hand.

// pasvArgs finds the six numbers of a 227 reply, wherever the server put
// them (RFC 959 does not fix the text around them; some omit the parentheses).
var pasvArgs = regexp.MustCompile(`(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})`)

func annotatePASV(entries []transcript.Entry, i int) []annotation {
	m := pasvArgs.FindStringSubmatch(entries[i].Text)
	if m == nil {
		return []annotation{{text: "this 227 reply holds no address and port that a client can use", key: "no address"}}
	}
	n := make([]int, 6)
	for k := range n {
		n[k], _ = strconv.Atoi(m[k+1])
	}
	host := fmt.Sprintf("%d.%d.%d.%d", n[0], n[1], n[2], n[3])
	port := n[4]*256 + n[5]
	decoded := fmt.Sprintf("= %d", port)
	out := []annotation{{
		text: fmt.Sprintf("the server listens on %s port %d*256+%d = %d", host, n[4], n[5], port),
		key:  decoded,
	}}
	if kind := nonPublicKind(host); kind != "" && controlHost(entries, i) != host {
		t := fmt.Sprintf("%s is a %s address: a client outside the server's network cannot reach it", host, kind)
		out = append(out, annotation{text: t, key: host + " is a"})
	}
	return append(out, dialledInstead(entries, i, host, port)...)
}

// controlHost is the address the session's control connection reached, or
// "" when the transcript does not say (a foreign log).
func controlHost(entries []transcript.Entry, i int) string {
	for j := i - 1; j >= 0; j-- {
		e := entries[j]
		if e.Session == entries[i].Session && e.Kind == transcript.Event && e.Event != nil && e.Event.Op == transcript.OpConnect {
			h, _, _ := net.SplitHostPort(e.Event.Addr)
			return h
		}
	}
	return ""
}

// epsvPort finds the port of a 229 reply: "(|||3003|)", any delimiter.
var epsvPort = regexp.MustCompile(`\((.)(.)(.)(\d{1,5})(.)\)`)

func annotateEPSV(entries []transcript.Entry, i int) []annotation {
	m := epsvPort.FindStringSubmatch(entries[i].Text)
	if m == nil {
		return []annotation{{text: "this 229 reply holds no port that a client can use", key: "no port"}}
	}
	t := fmt.Sprintf("the server listens on port %s, at the address of the control connection", m[4])
	return []annotation{{text: t, key: "port " + m[4]}}
}

// dialledInstead reports where the client dialled after a 227 reply, when
// that is not the address the reply named (a client working around a
// private address), or that it dialled nothing.
func dialledInstead(entries []transcript.Entry, i int, host string, port int) []annotation {
	for j := i + 1; j < len(entries); j++ {
		e := entries[j]
		if e.Session != entries[i].Session {
			continue
		}
		if e.Kind == transcript.Reply && (e.Code == 227 || e.Code == 229) {
			break
		}
		if e.Kind != transcript.Event || e.Event == nil || e.Event.Op != transcript.OpDataConnect {
			continue
		}
		h, _, err := net.SplitHostPort(e.Event.Addr)
		if err != nil || h == host {
			return nil
		}
		t := fmt.Sprintf("so the client dialled %s instead (the control connection's address), as common clients do", e.Event.Addr)
		// A note naming the dialled address (the probe's own) says it already.
		return []annotation{{text: t, key: e.Event.Addr}}
	}
	t := fmt.Sprintf("the client did not dial %s:%d", host, port)
	return []annotation{{text: t, key: "did not dial"}}
}

// nonPublicKind names the kind of a non-public address, or "" for a public one,
// with the contract's classes (pasv.private-address).
func nonPublicKind(host string) string {
	a, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	a = a.Unmap()
	switch {
	case a.IsPrivate():
		return "private"
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case sharedNAT.Contains(a):
		return "shared (carrier-grade NAT)"
	case thisNetwork.Contains(a):
		return "non-routable (0.0.0.0/8)"
	}
	return ""
}

var (
	sharedNAT   = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
)

// annotatePORT decodes the address a PORT or EPRT command asks the server
// to connect back to.
func annotatePORT(line string) []annotation {
	verb, arg, _ := strings.Cut(line, " ")
	var host string
	var port int
	switch strings.ToUpper(verb) {
	case "PORT":
		m := pasvArgs.FindStringSubmatch(arg)
		if m == nil {
			return nil
		}
		hi, _ := strconv.Atoi(m[5])
		lo, _ := strconv.Atoi(m[6])
		host, port = strings.Join(m[1:5], "."), hi*256+lo
		t := fmt.Sprintf("asks the server to connect to %s port %d*256+%d = %d", host, hi, lo, port)
		return []annotation{{text: t, key: fmt.Sprintf("= %d", port)}}
	case "EPRT":
		if arg == "" {
			return nil
		}
		f := strings.Split(arg, arg[:1])
		if len(f) < 5 {
			return nil
		}
		t := fmt.Sprintf("asks the server to connect to %s port %s", f[2], f[3])
		return []annotation{{text: t, key: "port " + f[3]}}
	}
	return nil
}
