package diagnose

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// add records a finding of code, or merges lines and ports into the one
// already there: one finding per code, its detail from the first sighting.
func (d *diagnosis) add(code, detail string, hints, client []string, ports []int, lines ...int) *result.Finding {
	if f, ok := d.found[code]; ok {
		if len(f.Lines) < maxLines || code == CodePassivePartial {
			f.Lines = mergeInts(f.Lines, lines)
		}
		f.Ports = mergeInts(f.Ports, ports)
		return f
	}
	c, _ := Lookup(code)
	f := &result.Finding{Code: code, Severity: c.Severity, Title: c.Title, Detail: detail,
		Hints: hints, ClientHints: client, Ports: mergeInts(nil, ports), Lines: mergeInts(nil, lines)}
	if f.Hints == nil {
		f.Hints = []string{}
	}
	d.found[code] = f
	d.order = append(d.order, code)
	return f
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
	CodeControlBusy: true, CodeLoginRejected: true, CodeLoginTLSRequired: true,
}

// findings settles what needed the whole transcript, then keeps root
// causes only, in the catalogue's order.
func (d *diagnosis) findings() []result.Finding {
	d.settle()
	blocked := d.dropEchoes()
	out := []result.Finding{}
	for _, c := range Catalogue {
		f, ok := d.found[c.Code]
		if !ok || blocked && !gate[c.Code] && c.Code != CodeReplySlow {
			continue
		}
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
	}
	d.passiveDials()
	if d.eprtBad != nil && d.anyPort && !d.portBad {
		delete(d.found, CodePortRefused) // EPRT unknown, PORT works: nothing to fix
	}
	if d.slowest > 0 {
		d.add(CodeReplySlow, fmt.Sprintf("The server took %s to %s (a client's default patience is 20 to 30 s).", transcript.Human(d.slowest), d.slowWhat),
			[]string{"If this is reverse DNS on the server, turn it off (pure-ftpd -H, vsftpd reverse_lookup_enable=NO, ProFTPD UseReverseDNS off).",
				"Deliberate login delays (pure-ftpd) are normal; nothing to do unless users complain."}, nil, nil, d.slowLine)
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
	for code := range d.found {
		if gate[code] && !strings.HasPrefix(code, "login.") && !d.loggedIn {
			// No FTP server answered: a login refusal is an echo of that.
			delete(d.found, CodeLoginRejected)
			delete(d.found, CodeLoginTLSRequired)
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
		if f.outcome == transcript.Connected {
			ok = append(ok, f)
		} else {
			bad = append(bad, f)
		}
	}
	if len(bad) == 0 {
		return
	}
	for _, f := range bad {
		if f.private && !d.sessions[d.entries[f.line].Session].ctrl.IsValid() {
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
		case transcript.Refused, transcript.Reset:
			d.passiveRefused(f)
		default:
			d.passiveFailed(f)
		}
	}
	if len(partial) > 0 {
		d.passivePartial(ok, partial)
	}
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

// firewallHints are the rules an admin pastes to open the passive ports.
func (d *diagnosis) firewallHints() []string {
	lo, hi := 0, 0
	if len(d.ports) > 0 {
		lo, hi = slices.Min(d.ports), slices.Max(d.ports)
	}
	if lo == 0 {
		return []string{"Open the server's passive port range (vsftpd pasv_min_port/pasv_max_port, pure-ftpd -p) for inbound TCP on every firewall in front of it, and forward it on the router."}
	}
	nft, ipt := fmt.Sprintf("%d-%d", lo, hi), fmt.Sprintf("%d:%d", lo, hi)
	if lo == hi {
		nft, ipt = fmt.Sprint(lo), fmt.Sprint(lo)
	}
	return []string{
		fmt.Sprintf("Allow inbound TCP %s on the server's firewall: nft add rule inet filter input tcp dport %s accept (or iptables -A INPUT -p tcp --dport %s -j ACCEPT).", nft, nft, ipt),
		fmt.Sprintf("If the server is behind a router or cloud security group, forward/allow TCP %s to it as well, and make the FTP server's passive range match exactly.", nft),
	}
}

var passiveClientHints = []string{
	"Nothing on your side can open these ports; send this report to the server's administrator.",
	"Until it is fixed, try active mode (FileZilla: Site Manager > Transfer Settings > Active; curl -P -; lftp: set ftp:passive-mode off) if your own network lets the server connect back.",
}

func addrPorts(fs []*dataFact) ([]int, []int) {
	var ports, lines []int
	for _, f := range fs {
		ports, lines = append(ports, f.port), append(lines, f.line)
	}
	return ports, lines
}

func (d *diagnosis) passiveFailed(f *dataFact) {
	d.add(CodePassiveTimeout, fmt.Sprintf("Login works, but connecting to %s (from the server's passive reply) got no answer in %s: a firewall drops the passive port range.", f.addr, transcript.Human(f.dur)),
		d.firewallHints(), passiveClientHints, []int{f.port}, f.line)
}

func (d *diagnosis) passiveRefused(f *dataFact) {
	d.add(CodePassiveRefused, fmt.Sprintf("Login works, but connecting to %s (from the server's passive reply) was refused: a firewall rejects the port, or the router does not forward it, or nothing listens there.", f.addr),
		append(d.firewallHints(), "Check that the address and ports the server advertises (vsftpd pasv_address, pure-ftpd -P) are the ones forwarded to it."),
		passiveClientHints, []int{f.port}, f.line)
}

func (d *diagnosis) passivePartial(ok, bad []*dataFact) {
	okPorts, _ := addrPorts(ok)
	badPorts, lines := addrPorts(bad)
	d.add(CodePassivePartial, fmt.Sprintf("Of the passive ports tried, %s answered and %s did not: only part of %s gets through, so transfers fail at random.",
		portList(okPorts), portList(badPorts), d.rangeText()),
		append([]string{"Make the firewall's or router's open range exactly the FTP server's passive range (vsftpd pasv_min_port/pasv_max_port, pure-ftpd -p)."}, d.firewallHints()...),
		[]string{"Retrying may work when the server happens to pick an open port; the fix is on the server's side."}, badPorts, lines...)
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
	d.add(CodePasvPrivate, fmt.Sprintf("The server's passive reply names the private address %s, and the client's connection to it failed: the server is behind NAT without its public address configured.", f.addr),
		pasvAddressHints, []string{"Use a client that ignores the PASV address (FileZilla, curl 7.74 or later, lftp), or EPSV."}, []int{f.port}, f.pasvLine, f.line)
}

var pasvAddressHints = []string{
	"Configure the server to advertise its public address in PASV replies (vsftpd pasv_address=..., pure-ftpd -P ..., ProFTPD MasqueradeAddress, IIS: FTP Firewall Support > External IP).",
}

func (d *diagnosis) pasvPrivate(s *session, i int, ap netip.AddrPort) {
	d.add(CodePasvPrivate, fmt.Sprintf("The server's passive reply names %s, a private address, while the control connection reached %s: the server is behind NAT without its public address configured. Common clients (FileZilla, curl 7.74 or later, lftp, and ftpdiag) connect to %s instead; clients that follow the reply fail.", ap, s.ctrl, s.ctrl),
		pasvAddressHints, []string{"Use a client that ignores the PASV address (FileZilla, curl 7.74 or later, lftp) or EPSV."}, []int{int(ap.Port())}, i)
}

func (d *diagnosis) pasvForeign(s *session, i int, ap netip.AddrPort) {
	d.add(CodePasvForeign, fmt.Sprintf("The server's passive reply names %s, a public address other than %s that the control connection reached. Common clients connect to %s instead; only a client told to trust the reply (ftpdiag --trust-pasv-address) follows it.", ap, s.ctrl, s.ctrl),
		append([]string{"If this address is right (a load balancer, a second interface), clients must be told to trust it; otherwise fix the advertised address."}, pasvAddressHints...),
		[]string{"If you trust this server, let the client follow the PASV address (curl --ftp-skip-pasv-ip off; ftpdiag --trust-pasv-address)."}, []int{int(ap.Port())}, i)
}

func (d *diagnosis) pasvBad(i int, e transcript.Entry, err error) {
	d.add(CodePasvBadReply, fmt.Sprintf("The reply %q to PASV cannot be used: %v.", firstLine(e.Text), unwrapText(err)),
		[]string{"The server (or a router's FTP ALG rewriting it) sends a broken 227 reply; check the server's passive address and port settings, and turn off the router's FTP helper."},
		[]string{"Try EPSV (most clients do first) or active mode."}, nil, i)
}

func (d *diagnosis) pasvUnsupported(i int, e transcript.Entry) {
	d.add(CodePasvUnsupported, fmt.Sprintf("The server answered PASV with %q.", firstLine(e.Text)),
		[]string{"Enable passive mode (vsftpd pasv_enable=YES); most clients and every browser need it."},
		[]string{"Use EPSV or active mode if your network allows it."}, nil, i)
}

func (d *diagnosis) epsvUnsupported(i int, e transcript.Entry) {
	d.add(CodeEPSVUnsupported, fmt.Sprintf("The server answered EPSV with %q; clients fall back to PASV, which needs the right address behind NAT.", firstLine(e.Text)),
		[]string{"Nothing is broken; servers that support EPSV (RFC 2428) work better through NAT and with IPv6."}, nil, nil, i)
}

func unwrapText(err error) string {
	s := err.Error()
	if p := ErrBadPASV.Error() + ": "; len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
