package diagnose

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// add records a finding, or merges lines and ports into the one already
// there: one finding per code, its detail and hints from the first sighting.
func (d *diagnosis) add(fact Fact) *result.Finding {
	d.sawIn(fact.Code, fact.Lines)
	if f, ok := d.found[fact.Code]; ok {
		if len(f.Lines) < maxLines || fact.Code == CodePassivePartial {
			f.Lines = mergeInts(f.Lines, fact.Lines)
		}
		f.Ports = mergeInts(f.Ports, fact.Ports)
		return f
	}
	fact.Ports, fact.Lines = mergeInts(nil, fact.Ports), mergeInts(nil, fact.Lines)
	f := Make(fact)
	d.found[fact.Code] = &f
	d.order = append(d.order, fact.Code)
	return &f
}

// maxLines is how many transcript lines a finding cites: the same fact
// seen in every session says no more the eighth time than the fourth.
// A partly blocked range cites every blocked port's attempt.
const maxLines = 4

func mergeInts(a, b []int) []int {
	for _, n := range b {
		if !slices.Contains(a, n) {
			a = append(a, n)
		}
	}
	slices.Sort(a)
	return a
}

// gate codes stop everything downstream: without a control connection and a
// login nothing else was really tested.
var gate = map[string]bool{
	CodeDNSFailed: true, CodeControlRefused: true, CodeControlTimeout: true,
	CodeControlUnreachable: true, CodeControlNoGreeting: true, CodeControlNotFTP: true,
	CodeControlBusy: true, CodeControlGreetingError: true, CodeLoginRejected: true, CodeLoginLockedOut: true, CodeLoginTLSRequired: true,
	CodeTLSHandshake: true,
}

// findings settles what needed the whole transcript, then keeps root
// causes only, in the catalogue's order.
func (d *diagnosis) findings() []result.Finding {
	d.settle()
	blocked := d.dropEchoes()
	out := []result.Finding{}
	for _, c := range Catalogue {
		f, ok := d.found[c.Code]
		// An AUTH refused comes before the login: a login that fails
		// after it does not make it an echo.
		if !ok || blocked && !gate[c.Code] && c.Code != CodeReplySlow && c.Code != CodeTLSUnsupported {
			continue
		}
		d.byFamily(f)
		out = append(out, *f)
	}
	return out
}

// settle makes the findings that needed the whole transcript.
func (d *diagnosis) settle() {
	ids := make([]int, 0, len(d.sessions))
	for id := range d.sessions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		d.settleRefusal(d.sessions[id])
		d.settleDataTLS(d.sessions[id])
	}
	d.passiveDials()
	d.settleStalls()
	d.settleExhausted()
	d.traceHops()
	d.seenInCapture()
	if d.authOK {
		delete(d.found, CodeTLSUnsupported) // one AUTH refused, another accepted: encrypted
	}
	d.settleTLSUnsupported()
	d.settleStalled()
	d.settleTLS()
	if d.eprtBad != nil && d.anyPort && !d.portBad {
		delete(d.found, CodePortRefused) // EPRT unknown, PORT works: nothing to fix
	}
	if d.slowest > 0 {
		d.add(Fact{Code: CodeReplySlow, Lines: []int{d.slowLine},
			Detail: fmt.Sprintf("The server took %s to %s (a client's default patience is 20 to 30 s).", transcript.Human(d.slowest), d.slowWhat)})
	}
}

// dropEchoes removes findings another one explains, and tells whether a
// gate failure blocked everything downstream. A session that logged in
// tested what comes after: a refusal of one connection among several (a
// per-address limit) blocks nothing.
func (d *diagnosis) dropEchoes() bool {
	blocked := false
	for code := range d.found {
		blocked = blocked || gate[code] && !d.loggedIn
	}
	if _, ok := d.found[CodeLoginTLSRequired]; ok {
		delete(d.found, CodeLoginRejected)
	}
	d.dropWorldEchoes()
	if _, ok := d.found[CodeTLSDataHandshake]; ok {
		// A transfer cut while its data connection's handshake never ended
		// is that failure seen again, not the probe's own limit.
		delete(d.found, CodeTransferTruncated)
	}
	for code := range d.found {
		if gate[code] && !strings.HasPrefix(code, "login.") && !d.loggedIn {
			// No FTP server answered: a login refusal is an echo of that,
			// unless it came over the other address family.
			for _, login := range []string{CodeLoginRejected, CodeLoginTLSRequired} {
				if d.echoIn(code, login) {
					delete(d.found, login)
				}
			}
		}
	}
	if _, ok := d.found[CodePassivePartial]; ok {
		delete(d.found, CodePassiveTimeout)
		delete(d.found, CodePassiveRefused)
	}
	return blocked
}

// passiveDials turns every passive data-connect into the one finding that
// says the most: all failed one way, or some through and some not.
func (d *diagnosis) passiveDials() {
	var ok, bad []*dataFact
	for _, f := range d.dials {
		if unspecifiedDial(f) {
			continue // the 227 naming 0.0.0.0 is the finding
		}
		if f.outcome == result.Connected {
			ok = append(ok, f)
		} else {
			bad = append(bad, f)
		}
	}
	if len(bad) == 0 {
		return
	}
	for _, f := range bad {
		// A loopback address with no control address known is the client's
		// own machine, as likely as not the server's too: no NAT shows.
		if ip, _, _ := hostPort(f.addr); f.private && !ip.IsLoopback() && !d.sessions[d.entries[f.line].Session].ctrl.IsValid() {
			d.pasvPrivateFollowed(f)
		}
	}
	// A range is blocked in part when ports of one address answer and
	// others of the same address do not; a second address that never
	// answers (a trusted PASV address) is a failure of its own.
	okHosts := map[string]bool{}
	for _, f := range ok {
		okHosts[dialHost(f.addr)] = true
	}
	var partial []*dataFact
	for _, f := range bad {
		if okHosts[dialHost(f.addr)] {
			partial = append(partial, f)
			continue
		}
		switch f.outcome {
		case result.Refused, result.Reset:
			d.passiveRefused(f)
		default:
			d.passiveFailed(f)
		}
	}
	if len(partial) > 0 {
		d.passivePartial(ok, partial)
	}
}

// dataAddr names a data connection's address in a detail; a log cut
// after the passive reply shows the failure but not the address.
func dataAddr(addr string) string {
	if addr == "" {
		return "the data port (its address is not in the log)"
	}
	return addr + " (from the server's passive reply)"
}

func dialHost(addr string) string {
	ip, _, _ := hostPort(addr)
	return ip.String()
}

// rangeText says which ports the server handed out: "3000-3024", "3003".
func (d *diagnosis) rangeText() string {
	if len(d.ports) == 0 {
		return "its passive port range"
	}
	lo, hi := slices.Min(d.ports), slices.Max(d.ports)
	if lo == hi {
		return fmt.Sprintf("port %d", lo)
	}
	return fmt.Sprintf("ports %d-%d (as seen in its passive replies)", lo, hi)
}

// passiveArgs are the passive ports seen, for the firewall rules in hints.
func (d *diagnosis) passiveArgs() Args {
	if len(d.ports) == 0 {
		return Args{}
	}
	return Args{Lo: slices.Min(d.ports), Hi: slices.Max(d.ports)}
}

// passiveArgsAt are passiveArgs for a data connection at line, naming
// ip6tables where it went over IPv6.
func (d *diagnosis) passiveArgsAt(line int) Args {
	a := d.passiveArgs()
	a.IPv6 = d.lineFamily([]int{line}) == result.FamilyIPv6
	return d.portArgs(a)
}

func addrPorts(fs []*dataFact) ([]int, []int) {
	var ports, lines []int
	for _, f := range fs {
		ports, lines = append(ports, f.port), append(lines, f.line)
	}
	return ports, lines
}

func (d *diagnosis) passiveFailed(f *dataFact) {
	d.add(Fact{Code: CodePassiveTimeout, Args: d.passiveArgsAt(f.line), Ports: []int{f.port}, Lines: []int{f.line},
		Detail: d.loginWorks(fmt.Sprintf("connecting to %s got no answer in %s: a firewall drops the passive port range.", dataAddr(f.addr), transcript.Human(f.dur)))})
}

func (d *diagnosis) passiveRefused(f *dataFact) {
	d.add(Fact{Code: CodePassiveRefused, Args: d.passiveArgsAt(f.line), Ports: []int{f.port}, Lines: []int{f.line},
		Detail: d.loginWorks(fmt.Sprintf("connecting to %s was refused: a firewall rejects the port, or the router does not forward it, or nothing listens there.", dataAddr(f.addr)))})
}

func (d *diagnosis) passivePartial(ok, bad []*dataFact) {
	okPorts, _ := addrPorts(ok)
	badPorts, lines := addrPorts(bad)
	d.add(Fact{Code: CodePassivePartial, Args: d.passiveArgsAt(lines[0]), Ports: badPorts, Lines: lines,
		Detail: fmt.Sprintf("Of the passive ports tried, %s answered and %s did not: only part of %s gets through, so transfers fail at random.",
			portList(okPorts), portList(badPorts), d.rangeText())})
}

func portList(ports []int) string {
	ports = mergeInts(nil, ports)
	s := ""
	for i, p := range ports {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(p)
	}
	if len(ports) == 1 {
		return "port " + s
	}
	return "ports " + s
}

func (d *diagnosis) pasvPrivateFollowed(f *dataFact) {
	d.add(Fact{Code: CodePasvPrivate, Args: Args{Followed: true}, Ports: []int{f.port}, Lines: []int{f.pasvLine, f.line},
		Detail: fmt.Sprintf("The server's passive reply names the private address %s, and the client's connection to it failed: the server is behind NAT without its public address configured.", f.addr)})
}

func (d *diagnosis) pasvPrivate(s *session, i int, ap netip.AddrPort) {
	d.add(Fact{Code: CodePasvPrivate, Ports: []int{int(ap.Port())}, Lines: []int{i},
		Detail: fmt.Sprintf("The server's passive reply names %s, a private address, while the control connection reached %s: the server is behind NAT without its public address configured. Common clients (FileZilla, curl 7.74 or later, lftp, and ftpdiag) connect to %s instead; clients that follow the reply fail.", ap, s.ctrl, s.ctrl)})
}

func (d *diagnosis) pasvForeign(s *session, i int, ap netip.AddrPort) {
	d.add(Fact{Code: CodePasvForeign, Ports: []int{int(ap.Port())}, Lines: []int{i},
		Detail: fmt.Sprintf("The server's passive reply names %s, a public address other than %s that the control connection reached. Common clients connect to %s instead; only a client told to trust the reply (ftpdiag --trust-pasv-address) follows it.", ap, s.ctrl, s.ctrl)})
}

func (d *diagnosis) pasvBad(i int, e result.Entry, err error) {
	d.add(Fact{Code: CodePasvBadReply, Lines: []int{i},
		Detail: fmt.Sprintf("The reply %q to PASV cannot be used: %v.", ftp.FirstLine(e.Text), unwrapText(err))})
}

func (d *diagnosis) pasvUnsupported(i int, e result.Entry) {
	d.add(Fact{Code: CodePasvUnsupported, Lines: []int{i},
		Detail: fmt.Sprintf("The server answered PASV with %q.", ftp.FirstLine(e.Text))})
}

func (d *diagnosis) epsvUnsupported(s *session, i int, e result.Entry) {
	detail := fmt.Sprintf("The server answered EPSV with %q; clients fall back to PASV, which needs the right address behind NAT.", ftp.FirstLine(e.Text))
	if s.family == result.FamilyIPv6 {
		detail = fmt.Sprintf("The server answered EPSV with %q over IPv6, where PASV cannot name the server's address: clients connected over IPv6 have no passive mode, and cannot list or download.", ftp.FirstLine(e.Text))
	}
	d.add(Fact{Code: CodeEPSVUnsupported, Lines: []int{i}, Detail: detail, Args: Args{IPv6: s.family == result.FamilyIPv6}})
}

func unwrapText(err error) string {
	s := err.Error()
	if p := ftp.ErrBadPASV.Error() + ": "; len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
