package report

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"ftpdiag/transcript"
)

// replyMeaning explains the reply codes whose text alone does not tell a
// reader what went wrong or who should act. Codes whose text says it all
// (200, 226, 230 ...) are left alone.
var replyMeaning = map[int]string{
	421: "421: the server refuses or ends the session (too many users, shutting down, idle too long)",
	425: "425: the server could not open or use the data connection",
	426: "426: the data connection was opened, then closed or aborted before the transfer ended",
	450: "450: the file is busy or unavailable for now; trying again later may work",
	451: "451: the server hit a local error while acting on the command",
	500: "500: the server does not know this command, or will not accept its argument",
	501: "501: the server does not accept the command's argument",
	502: "502: the server knows this command but does not implement it",
	503: "503: commands in the wrong order (for example PASS without USER)",
	504: "504: the server does not support this command with this argument",
	522: "522: the server does not support this network protocol in EPRT/EPSV, or demands TLS session reuse",
	530: "530: not logged in: the user name or password is refused, or login needs TLS first",
	532: "532: the server wants an account (ACCT) for this",
	534: "534: the server refuses this for security policy (often: it requires TLS)",
	550: "550: the file or directory does not exist, or this user may not access it",
	552: "552: the user's storage quota is used up",
	553: "553: the file name is not allowed",
}

// notFTP explains a line from the server that is no FTP reply at all.
const notFTP = "not an FTP reply: every FTP reply starts with a three-digit code"

// slowReply is how long a reply may take before its note says so: well
// above a network's round trip, and below pure-ftpd's deliberate 3.5s login
// delay, which a reader should see explained.
const slowReply = 2 * time.Second

// annotation is a note the renderer adds under a transcript entry. key is the
// fact it carries, so a note the probe already wrote is not said twice.
type annotation struct {
	text string
	key  string
}

// annotateEntry explains entry i of entries: decoded PASV/EPSV/PORT arguments,
// private addresses and what was dialled instead, unusual reply codes, and
// what a data connection's outcome usually means.
func annotateEntry(entries []transcript.Entry, i int) []annotation {
	e := entries[i]
	var out []annotation
	switch e.Kind {
	case transcript.Reply:
		out = append(out, annotateSlow(entries, i)...)
		switch e.Code {
		case 0:
			out = append(out, annotation{text: notFTP, key: notFTP})
		case 213:
			out = append(out, annotateSize(entries, i)...)
		case 227:
			out = append(out, annotatePASV(entries, i)...)
		case 229:
			out = append(out, annotateEPSV(entries, i)...)
		}
		if m, ok := replyMeaning[e.Code]; ok {
			out = append(out, annotation{text: m, key: m})
		}
	case transcript.Command:
		out = append(out, annotatePORT(e.Text)...)
	case transcript.Event:
		out = append(out, annotateEvent(e)...)
	}
	return dropKnown(entries, i, out)
}

// dropKnown removes annotations whose fact a note following entry i
// already states.
func dropKnown(entries []transcript.Entry, i int, as []annotation) []annotation {
	var known []string
	for j := i + 1; j < len(entries); j++ {
		if entries[j].Session != entries[i].Session {
			continue
		}
		if entries[j].Kind != transcript.Note {
			break
		}
		known = append(known, entries[j].Text)
	}
	var out []annotation
	for _, a := range as {
		said := false
		for _, k := range known {
			said = said || strings.Contains(k, a.key)
		}
		if !said {
			out = append(out, a)
		}
	}
	return out
}

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
		return []annotation{{text: t, key: "dialled " + e.Event.Addr}}
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

// annotateEvent says what a failed data connection usually means; the event
// line itself already gives the address and the time.
func annotateEvent(e transcript.Entry) []annotation {
	if e.Event == nil {
		return nil
	}
	var t string
	switch {
	case e.Event.Op == transcript.OpDataConnect && e.Event.Outcome == transcript.Timeout:
		t = "no answer at all: a firewall on the way silently drops connections to this port"
	case e.Event.Op == transcript.OpDataConnect && e.Event.Outcome == transcript.Refused:
		t = "answered with a reset: nothing listens on this port, or a firewall rejects it"
	case e.Event.Op == transcript.OpDataAccept && e.Event.Outcome == transcript.Timeout:
		t = "the server never connected back: something between it and the client blocks inbound connections"
	case e.Event.Op == transcript.OpConnect && e.Event.Outcome == transcript.Timeout:
		t = "no answer at all: a firewall drops the connection, or the address is wrong or down"
	case e.Event.Op == transcript.OpConnect && e.Event.Outcome == transcript.Refused:
		t = "answered with a reset: nothing listens on this port, or a firewall rejects it"
	default:
		return nil
	}
	return []annotation{{text: t, key: t}}
}

// annotateSlow notes a reply that came slowly after its command (or after
// the connection, for a greeting). Replies to transfers are left alone: a
// long download is not a slow server.
func annotateSlow(entries []transcript.Entry, i int) []annotation {
	for j := i - 1; j >= 0; j-- {
		prev := entries[j]
		if prev.Session != entries[i].Session {
			continue
		}
		isConnect := prev.Kind == transcript.Event && prev.Event != nil && prev.Event.Op == transcript.OpConnect
		if prev.Kind == transcript.Reply || (prev.Kind != transcript.Command && !isConnect) {
			return nil
		}
		if prev.Kind == transcript.Command && transferVerb(prev.Text) {
			return nil
		}
		d := entries[i].T - prev.T
		if d < slowReply {
			return nil
		}
		t := "the server took " + transcript.Human(d) + " to answer"
		return []annotation{{text: t, key: "took " + transcript.Human(d)}}
	}
	return nil
}

func transferVerb(line string) bool {
	verb, _, _ := strings.Cut(line, " ")
	switch strings.ToUpper(verb) {
	case "LIST", "NLST", "MLSD", "RETR", "STOR", "APPE", "STOU":
		return true
	}
	return false
}

// annotateSize reads the 213 reply to SIZE, which a reader compares with
// the bytes the data connection then carried.
func annotateSize(entries []transcript.Entry, i int) []annotation {
	for j := i - 1; j >= 0; j-- {
		prev := entries[j]
		if prev.Session != entries[i].Session {
			continue
		}
		verb, file, _ := strings.Cut(prev.Text, " ")
		if prev.Kind != transcript.Command || !strings.EqualFold(verb, "SIZE") {
			return nil
		}
		f := strings.Fields(strings.TrimPrefix(entries[i].Text, "213"))
		if len(f) != 1 {
			return nil
		}
		t := fmt.Sprintf("the server announces %s bytes for %s", f[0], file)
		return []annotation{{text: t, key: f[0] + " bytes"}}
	}
	return nil
}
