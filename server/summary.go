package server

import (
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
)

// WriteSummary writes what an admin needs after start-up: where the server
// listens, what it serves, and the ports a firewall must let through, with
// rules ready to paste (what Rumpus's "Get Connected" window tells).
func (s *Server) WriteSummary(w io.Writer) {
	ctl := s.controlPort()
	fmt.Fprintf(w, "ftpdiag reference FTP server\n")
	for _, l := range s.summaryFacts(ctl) {
		fmt.Fprintf(w, "  %-14s %s\n", l[0], l[1])
	}
	fmt.Fprintf(w, "\nFirewall: let these through\n")
	fmt.Fprintf(w, "  TCP %-11s inbound   control connection\n", strconv.Itoa(ctl))
	imp := s.implicitPort()
	if imp != 0 {
		fmt.Fprintf(w, "  TCP %-11s inbound   implicit FTPS control connection\n", strconv.Itoa(imp))
	}
	lo, hi := s.PasvRange()
	if lo == -1 {
		fmt.Fprintf(w, "  (passive connections use any free port: set --pasv-ports to open a fixed range)\n")
	} else {
		fmt.Fprintf(w, "  TCP %-11s inbound   passive data connections\n", fmt.Sprintf("%d-%d", lo, hi))
	}
	if s.from20 {
		fmt.Fprintf(w, "  TCP %-11s outbound  active data connections (from port 20 to the port each client names)\n", "20")
	} else {
		fmt.Fprintf(w, "  TCP %-11s outbound  active data connections (from any port to the port each client names)\n", "any")
	}
	if s.tlsBase != nil {
		fmt.Fprintf(w, "  (under TLS no router's FTP helper can read PASV replies: behind NAT, forward the passive range and set --pasv-address)\n")
	}
	fmt.Fprintln(w)
	for _, r := range firewallRules(ctl, imp, lo, hi, s.families()) {
		fmt.Fprintf(w, "%s\n", r)
	}
	fmt.Fprintf(w, "\nCheck it from outside your network: ftpdiag probe ftp://USER@<public address>:%d/\n", ctl)
}

func (s *Server) controlPort() int {
	if ta, ok := s.Addr().(*net.TCPAddr); ok {
		return ta.Port
	}
	_, p, _ := net.SplitHostPort(s.cfg.Listen)
	n, _ := strconv.Atoi(p)
	return n
}

// summaryFacts are the label/value lines at the top of the summary.
func (s *Server) summaryFacts(ctl int) [][2]string {
	listen := s.cfg.Listen
	if a := s.Addr(); a != nil {
		listen = a.String()
	}
	facts := [][2]string{{"listening on", listen}, {"families", familiesFact(s.families(), listen)}}
	if host, _, _ := net.SplitHostPort(listen); host == "" || net.ParseIP(host).IsUnspecified() {
		facts = append(facts, [2]string{"addresses", strings.Join(localAddresses(), ", ")})
	}
	lo, hi := s.PasvRange()
	pasv := fmt.Sprintf("%d-%d", lo, hi)
	if lo == -1 {
		pasv = "any free port"
	}
	adv := "the address each client connected to"
	if s.cfg.PasvAddress != "" {
		adv = s.cfg.PasvAddress
	}
	if hasFamily(s.families(), "IPv6") {
		adv += "; IPv6 clients use EPSV, which names none"
	}
	facts = append(facts,
		[2]string{"passive ports", pasv + " (PASV replies name " + adv + ")"},
		[2]string{"active mode", s.note20},
	)
	facts = append(facts, s.tlsFacts(ctl)...)
	facts = append(facts,
		[2]string{"files", s.filesFact()},
		[2]string{"users", s.usersFact()},
		[2]string{"limits", fmt.Sprintf("%d connections, %d per address; idle timeout %s, data timeout %s",
			s.cfg.MaxConns, s.cfg.MaxPerAddr, s.cfg.IdleTimeout, s.cfg.DataTimeout)},
	)
	facts = append(facts, s.limitFacts()...)
	if s.cfg.TranscriptDir != "" {
		facts = append(facts, [2]string{"transcripts", s.transcriptFact()})
	}
	return facts
}

func (s *Server) filesFact() string {
	mode := "read-only"
	if s.cfg.Writable {
		mode = "writable, uploads are atomic" + s.uploadFact()
	}
	if s.cfg.Root == "" {
		return fmt.Sprintf("built-in demo tree (README.txt, test of %d bytes, pub/), %s", DemoTestSize, mode)
	}
	return s.cfg.Root + ", " + mode
}

func (s *Server) usersFact() string {
	users := s.currentUsers()
	names := make([]string, 0, len(users))
	for n := range users {
		names = append(names, n)
	}
	sort.Strings(names)
	if s.cfg.Anonymous {
		names = append(names, "anonymous (read-only)")
	}
	if len(names) == 0 {
		return "none: nobody can log in (use --user NAME:PASSWORD or --anonymous)"
	}
	return strings.Join(names, ", ")
}

// localAddresses lists this machine's unicast addresses, for a server that
// listens on all of them.
func localAddresses() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return []string{"(cannot list: " + err.Error() + ")"}
	}
	var out []string
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLinkLocalUnicast() {
			out = append(out, ipn.IP.String())
		}
	}
	return out
}

// families are the address families the control listener takes.
func (s *Server) families() []string {
	listen := s.cfg.Listen
	if a := s.Addr(); a != nil {
		listen = a.String()
	}
	if host, port, err := net.SplitHostPort(listen); err == nil && host == "" {
		listen = net.JoinHostPort("::", port)
	}
	return servedFamilies(listen)
}

// firewallRules are ready-to-paste rules for the four common front ends,
// for each family served: an inet table, ufw and firewalld cover both;
// iptables is IPv4's alone, ip6tables IPv6's. imp is the implicit-FTPS
// port, 0 without one.
func firewallRules(ctl, imp, lo, hi int, fams []string) []string {
	nftPorts, iptRange, ufwRange, fwdRange := strconv.Itoa(ctl), "", "", ""
	if imp != 0 {
		nftPorts += ", " + strconv.Itoa(imp)
		fwdRange = fmt.Sprintf(" --add-port=%d/tcp", imp)
	}
	if lo != -1 {
		nftPorts += fmt.Sprintf(", %d-%d", lo, hi)
		iptRange, ufwRange = fmt.Sprintf("%d:%d", lo, hi), fmt.Sprintf("%d:%d/tcp", lo, hi)
		fwdRange += fmt.Sprintf(" --add-port=%d-%d/tcp", lo, hi)
	}
	rules := []string{
		"nftables (table inet filter, chain input; inet covers IPv4 and IPv6):",
		fmt.Sprintf("  nft add rule inet filter input tcp dport { %s } accept", nftPorts),
	}
	for _, t := range []struct{ family, cmd string }{{"IPv4", "iptables"}, {"IPv6", "ip6tables"}} {
		if !hasFamily(fams, t.family) {
			continue
		}
		rules = append(rules, t.cmd+":", fmt.Sprintf("  %s -A INPUT -p tcp --dport %d -j ACCEPT", t.cmd, ctl))
		if imp != 0 {
			rules = append(rules, fmt.Sprintf("  %s -A INPUT -p tcp --dport %d -j ACCEPT", t.cmd, imp))
		}
		if iptRange != "" {
			rules = append(rules, fmt.Sprintf("  %s -A INPUT -p tcp --dport %s -j ACCEPT", t.cmd, iptRange))
		}
	}
	rules = append(rules, "ufw (both families, with IPV6=yes in /etc/default/ufw, the default):", fmt.Sprintf("  ufw allow %d/tcp", ctl))
	if imp != 0 {
		rules = append(rules, fmt.Sprintf("  ufw allow %d/tcp", imp))
	}
	if ufwRange != "" {
		rules = append(rules, "  ufw allow "+ufwRange)
	}
	rules = append(rules, "firewalld (both families):",
		fmt.Sprintf("  firewall-cmd --permanent --add-port=%d/tcp%s && firewall-cmd --reload", ctl, fwdRange))
	return rules
}
