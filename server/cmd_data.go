package server

import (
	"errors"
	"ftpdiag/ftp"
	"net"
	"net/netip"
	"strings"
)

func (s *session) cmdPASV(string) {
	switch {
	case s.srv.cfg.Faults.RefusePASV:
		s.reply(ftp.NotImplemented, "PASV not implemented")
		return
	case s.epsvAll:
		s.reply(ftp.BadSequence, "PASV not allowed after EPSV ALL")
		return
	}
	ip := s.advertisedIP()
	if !ip.IsValid() {
		s.reply(ftp.CantOpenData, "PASV cannot name an IPv6 address: use EPSV")
		return
	}
	p, err := s.openPassive()
	if err != nil {
		s.reply(ftp.CantOpenData, "Cannot open a passive port: %v", err)
		return
	}
	port := p.port + s.srv.cfg.Faults.AdvertisePortOffset
	s.reply(ftp.EnteringPassive, "%s", ftp.FormatPASV(netip.AddrPortFrom(ip, uint16(port))))
	p.begin(s)
}

// advertisedIP is the IPv4 address put in 227 replies: the fault's, else
// --pasv-address, else the address the client reached us on; not valid
// when that is an IPv6 address. A client that reached us over loopback is
// on this machine, where a public --pasv-address may not lead back (no NAT
// hairpin): it gets the loopback address. A loopback --pasv-address (a
// test's 127.0.0.9) is advertised to it as given.
func (s *session) advertisedIP() netip.Addr {
	local := s.local.AddrPort().Addr()
	pasv := s.srv.cfg.PasvAddress
	if ip, err := netip.ParseAddr(pasv); err == nil && local.Unmap().IsLoopback() && !ip.Unmap().IsLoopback() {
		pasv = ""
	}
	for _, a := range []string{s.srv.cfg.Faults.AdvertiseAddress, pasv} {
		if ip, err := netip.ParseAddr(a); err == nil {
			return v4(ip)
		}
	}
	return v4(local)
}

// v4 is a as an IPv4 address, or the zero Addr when it is IPv6.
func v4(a netip.Addr) netip.Addr {
	if a = a.Unmap(); a.Is4() {
		return a
	}
	return netip.Addr{}
}

func (s *session) cmdEPSV(arg string) {
	arg = strings.TrimSpace(arg)
	switch {
	case s.srv.cfg.Faults.RefuseEPSV:
		s.reply(ftp.NotImplemented, "EPSV not implemented")
		return
	case strings.EqualFold(arg, "ALL"):
		s.epsvAll = true
		s.reply(ftp.CommandOK, "EPSV ALL ok: only EPSV from now on")
		return
	case arg != "" && arg != s.protoNumber():
		s.reply(ftp.BadNetProtocol, "Network protocol not supported, use (%s)", s.protoNumber())
		return
	}
	p, err := s.openPassive()
	if err != nil {
		s.reply(ftp.CantOpenData, "Cannot open a passive port: %v", err)
		return
	}
	s.reply(ftp.EnteringExtPassive, "%s", ftp.FormatEPSV(p.port+s.srv.cfg.Faults.AdvertisePortOffset))
	p.begin(s)
}

// protoNumber is RFC 2428's number for the control connection's family.
func (s *session) protoNumber() string {
	if s.local.IP.To4() != nil {
		return "1"
	}
	return "2"
}

func (s *session) cmdPORT(arg string) {
	s.setActive("PORT", arg, ftp.ParsePORT)
}

func (s *session) cmdEPRT(arg string) {
	s.setActive("EPRT", arg, ftp.ParseEPRT)
}

// setActive checks a PORT/EPRT argument and plans an active connection.
// Only the client's own address and a port from 1024 are accepted: anything
// else would let a client use this server to attack a third host (the FTP
// bounce attack), or a privileged port of its own host.
func (s *session) setActive(verb, arg string, parse func(string) (netip.AddrPort, error)) {
	ap, err := parse(arg)
	addr := net.TCPAddrFromAddrPort(ap)
	s.check.observe(arg, ap, err) // SITE PORTCHECK compares what arrived
	switch {
	case s.srv.cfg.Faults.RefusePORT:
		s.reply(ftp.SyntaxError, "%s refused", verb)
	case s.epsvAll:
		s.reply(ftp.BadSequence, "%s not allowed after EPSV ALL", verb)
	case errors.Is(err, ftp.ErrNetProtocol):
		s.reply(ftp.BadNetProtocol, "Network protocol not supported, use (1,2)")
	case err != nil:
		s.reply(ftp.ArgSyntax, "%v", err)
	case ap.Addr() != s.remote.AddrPort().Addr().Unmap():
		// 500 as vsftpd and pure-ftpd answer it.
		s.reply(ftp.SyntaxError, "Illegal %s: I will connect only to %s, not %s", verb, s.remote.IP, addr.IP)
	case addr.Port < 1024:
		s.reply(ftp.SyntaxError, "Illegal %s: port %d is below 1024", verb, addr.Port)
	default:
		s.dropData()
		s.data = &dataPlan{active: addr}
		s.reply(ftp.CommandOK, "%s command successful; next transfer connects to %s", verb, addr)
	}
}
