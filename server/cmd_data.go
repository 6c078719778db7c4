package server

import (
	"errors"
	"net"
	"strings"
)

func (s *session) cmdPASV(string) {
	switch {
	case s.srv.cfg.Faults.RefusePASV:
		s.reply(502, "PASV not implemented")
		return
	case s.epsvAll:
		s.reply(503, "PASV not allowed after EPSV ALL")
		return
	}
	ip := s.advertisedIP()
	if ip == nil {
		s.reply(425, "PASV cannot name an IPv6 address: use EPSV")
		return
	}
	p, err := s.openPassive()
	if err != nil {
		s.reply(425, "Cannot open a passive port: %v", err)
		return
	}
	port := p.port + s.srv.cfg.Faults.AdvertisePortOffset
	s.reply(227, "Entering Passive Mode (%s).", FormatPORT(ip, port))
	p.begin(s)
}

// advertisedIP is the IPv4 address put in 227 replies: the fault's, else
// --pasv-address, else the address the client reached us on.
func (s *session) advertisedIP() net.IP {
	for _, a := range []string{s.srv.cfg.Faults.AdvertiseAddress, s.srv.cfg.PasvAddress} {
		if ip := net.ParseIP(a); ip != nil {
			return ip.To4()
		}
	}
	return s.local.IP.To4()
}

func (s *session) cmdEPSV(arg string) {
	arg = strings.TrimSpace(arg)
	switch {
	case s.srv.cfg.Faults.RefuseEPSV:
		s.reply(502, "EPSV not implemented")
		return
	case strings.EqualFold(arg, "ALL"):
		s.epsvAll = true
		s.reply(200, "EPSV ALL ok: only EPSV from now on")
		return
	case arg != "" && arg != s.protoNumber():
		s.reply(522, "Network protocol not supported, use (%s)", s.protoNumber())
		return
	}
	p, err := s.openPassive()
	if err != nil {
		s.reply(425, "Cannot open a passive port: %v", err)
		return
	}
	s.reply(229, "Entering Extended Passive Mode (|||%d|)", p.port+s.srv.cfg.Faults.AdvertisePortOffset)
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
	s.setActive("PORT", arg, ParsePORT)
}

func (s *session) cmdEPRT(arg string) {
	s.setActive("EPRT", arg, ParseEPRT)
}

// setActive checks a PORT/EPRT argument and plans an active connection.
// Only the client's own address and a port from 1024 are accepted: anything
// else would let a client use this server to attack a third host (the FTP
// bounce attack), or a privileged port of its own host.
func (s *session) setActive(verb, arg string, parse func(string) (*net.TCPAddr, error)) {
	addr, err := parse(arg)
	s.check.observe(arg, addr) // SITE PORTCHECK compares what arrived
	switch {
	case s.srv.cfg.Faults.RefusePORT:
		s.reply(500, "%s refused", verb)
	case s.epsvAll:
		s.reply(503, "%s not allowed after EPSV ALL", verb)
	case errors.Is(err, errProtoUnsupported):
		s.reply(522, "Network protocol not supported, use (1,2)")
	case err != nil:
		s.reply(501, "%v", err)
	case !addr.IP.Equal(s.remote.IP):
		// 500 as vsftpd and pure-ftpd answer it.
		s.reply(500, "Illegal %s: I will connect only to %s, not %s", verb, s.remote.IP, addr.IP)
	case addr.Port < 1024:
		s.reply(500, "Illegal %s: port %d is below 1024", verb, addr.Port)
	default:
		s.dropData()
		s.data = &dataPlan{active: addr}
		s.reply(200, "%s command successful; next transfer connects to %s", verb, addr)
	}
}
