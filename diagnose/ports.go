package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// sweepReply reads the range an ftpdiag server's SITE SWEEP opened
// ("200-SWEEP 3000-3024 open for 5s token ..."): the server's whole
// passive range, known rather than sampled.
func (d *diagnosis) sweepReply(i int, e result.Entry) {
	if e.Code >= 400 {
		d.add(Fact{Code: CodeSweepRefused, Lines: []int{i},
			Detail: fmt.Sprintf("The server refused SITE SWEEP with %q, so not every port of its passive range was tried; what the passive checks show comes from the ports PASV handed out.", ftp.FirstLine(e.Text))})
		return
	}
	if e.Code != ftp.CommandOK {
		return
	}
	for _, l := range strings.Split(e.Text, "\n") {
		f := strings.Fields(strings.TrimLeft(l, "0123456789- "))
		if len(f) < 2 || f[0] != "SWEEP" {
			continue
		}
		var lo, hi int
		if n, _ := fmt.Sscanf(f[1], "%d-%d", &lo, &hi); n == 2 && lo > 0 && lo <= hi && hi <= 65535 {
			d.known = ftp.PortRun{Lo: lo, Hi: hi}
		}
	}
}

// featReply reads the passive range an ftpdiag server announces in FEAT
// ("FTPDIAG-PASV-RANGE 3000-3024"): its whole range, known rather than
// sampled, unless a sweep already said it.
func (d *diagnosis) featReply(e result.Entry) {
	if e.Code != ftp.SystemStatus || d.known.Hi > 0 {
		return
	}
	if r, ok := ftp.ParsePasvRangeFeat(e.Text); ok {
		d.known = r
	}
}

// blockedRuns are the ports the dials show blocked, as runs: consecutive
// blocked ports among those tried, unbroken by one that answered. A sweep
// tries every port, so its runs are exact; PASV samples a few, so a run
// spans the untried ports between two blocked ones ("at least").
func (d *diagnosis) blockedRuns() []ftp.PortRun {
	tried := map[int]bool{} // port: blocked
	for _, f := range d.dials {
		if f.port > 0 {
			tried[f.port] = tried[f.port] || f.outcome != result.Connected
		}
	}
	ports := make([]int, 0, len(tried))
	for p := range tried {
		ports = append(ports, p)
	}
	slices.Sort(ports)
	var runs []ftp.PortRun
	open := false // the last port tried answered
	for _, p := range ports {
		switch {
		case !tried[p]:
			open = true
		case len(runs) > 0 && !open:
			runs[len(runs)-1].Hi = p
		default:
			runs, open = append(runs, ftp.PortRun{Lo: p, Hi: p}), false
		}
	}
	return runs
}

// seenRun is the span of the passive ports seen: handed out in PASV/EPSV
// replies or dialled.
func (d *diagnosis) seenRun() ftp.PortRun {
	ps := slices.Clone(d.ports)
	for _, f := range d.dials {
		if f.port > 0 {
			ps = append(ps, f.port)
		}
	}
	if len(ps) == 0 {
		return ftp.PortRun{}
	}
	return ftp.PortRun{Lo: slices.Min(ps), Hi: slices.Max(ps)}
}

// portArgs are the firewall hint's facts: the blocked runs, and the range
// they belong to, known or only seen.
func (d *diagnosis) portArgs(a Args) Args {
	a.Blocked = d.blockedRuns()
	a.Known = d.known
	a.SeenRun = d.seenRun()
	return a
}

// blockedRules writes the firewall rules and the lead of the hint for
// blocked runs: "Allow inbound TCP 3013-3024 (...)".
func blockedRules(a Args) (lead, nft, ipt string) {
	what := ftp.JoinRuns(a.Blocked)
	nft = what
	if len(a.Blocked) > 1 {
		nft = "{ " + what + " }"
	}
	iptables := "iptables"
	if a.IPv6 {
		iptables = "ip6tables"
	}
	colon := strings.ReplaceAll(strings.ReplaceAll(what, "-", ":"), ", ", ",")
	ipt = fmt.Sprintf("%s -A INPUT -p tcp --dport %s -j ACCEPT", iptables, colon)
	if len(a.Blocked) > 1 {
		ipt = fmt.Sprintf("%s -A INPUT -p tcp -m multiport --dports %s -j ACCEPT", iptables, colon)
	}
	switch {
	case a.Known.Lo > 0:
		lead = fmt.Sprintf("Allow inbound TCP %s, the blocked part of the server's passive range %s (every port of it was tried)", what, a.Known)
	case len(a.Blocked) == 1 && a.Blocked[0] == a.SeenRun:
		lead = fmt.Sprintf("Allow inbound TCP at least %s, every passive port the server handed out (its whole range was not seen)", what)
	default:
		lead = fmt.Sprintf("Allow inbound TCP at least %s of the range the server hands out (%s seen)", what, a.SeenRun)
	}
	return lead, nft, ipt
}
