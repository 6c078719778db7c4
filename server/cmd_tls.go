package server

import (
	"ftpdiag/ftp"
	"strings"
)

// tlsFeatLines are added to FEAT when TLS is configured (RFC 4217 section 6).
var tlsFeatLines = []string{" AUTH TLS", " PBSZ", " PROT"}

// cmdAUTH: AUTH TLS (RFC 4217), and AUTH SSL, which older clients send
// for the same thing. Without a certificate the server speaks plain FTP;
// the RequireTLS fault plays a server that insists on TLS but cannot do it.
func (s *session) cmdAUTH(arg string) {
	mech := strings.ToUpper(strings.TrimSpace(arg))
	switch {
	case s.srv.tlsBase == nil && s.srv.cfg.Faults.RequireTLS:
		s.reply(ftp.ParamNotImplemented, "AUTH %s not available", mech)
	case s.srv.tlsBase == nil:
		s.reply(ftp.NotImplemented, "AUTH not supported: this server speaks plain FTP only (start it with --tls-cert or --tls-self-signed)")
	case mech != "TLS" && mech != "TLS-C" && mech != "SSL":
		s.reply(ftp.ParamNotImplemented, "AUTH %s not supported: use AUTH TLS", mech)
	case s.tls.on:
		s.reply(ftp.BadSequence, "The control connection is already protected by TLS")
	case s.r.Buffered() > 0:
		// Bytes already read past the command belong to no one: the
		// handshake must start after the 234, which they did not wait for.
		s.reply(ftp.BadSequence, "Send the TLS handshake only after the 234 reply")
	default:
		if !s.reply(ftp.AuthOK, "AUTH %s ok, start the TLS handshake", mech) {
			return
		}
		// RFC 4217 section 4: a new security state starts from scratch.
		s.user, s.loggedIn, s.anon = "", false, false
		s.dropData()
		if !s.startTLS() {
			s.quit = true
		}
	}
}

// cmdPBSZ: TLS has no buffer size to agree on, so RFC 4217 wants PBSZ 0;
// any other size is answered with PBSZ=0, as it allows.
func (s *session) cmdPBSZ(arg string) {
	if !s.tls.on {
		s.reply(ftp.BadSequence, "PBSZ needs a TLS control connection: send AUTH TLS first")
		return
	}
	s.tls.pbsz = true
	if strings.TrimSpace(arg) != "0" {
		s.reply(ftp.CommandOK, "PBSZ=0")
		return
	}
	s.reply(ftp.CommandOK, "PBSZ 0 ok")
}

// cmdPROT sets the data channel's protection: C (clear) or P (private);
// S and E are not offered by TLS (536).
func (s *session) cmdPROT(arg string) {
	level := strings.ToUpper(strings.TrimSpace(arg))
	switch {
	case !s.tls.on:
		s.reply(ftp.BadSequence, "PROT needs a TLS control connection: send AUTH TLS first")
	case !s.tls.pbsz:
		s.reply(ftp.BadSequence, "PROT needs PBSZ 0 first (RFC 4217)")
	case level == "P":
		s.tls.protP = true
		s.reply(ftp.CommandOK, "PROT P ok: data connections are protected by TLS")
	case level == "C" && s.srv.cfg.RequireTLS:
		s.tls.protP = false
		s.reply(ftp.CommandOK, "PROT C ok, but this server refuses unprotected transfers (521): use PROT P")
	case level == "C":
		s.tls.protP = false
		s.reply(ftp.CommandOK, "PROT C ok: data connections are not protected")
	case level == "S" || level == "E":
		s.reply(ftp.ProtLevelUnsupported, "PROT %s not supported by TLS: use PROT P or C", level)
	default:
		s.reply(ftp.ParamNotImplemented, "PROT %s not understood: use PROT P or C", level)
	}
}

// cmdCCC is refused (RFC 4217 section 12: 534 for policy): a control
// connection back in clear text could be read by a router's FTP helper,
// which is the point of CCC, but it could also be forged by anyone on the
// path, and which one it is cannot be told apart here. Where a router must
// see PASV replies, set --pasv-address and forward the passive range.
func (s *session) cmdCCC(string) {
	if !s.tls.on {
		s.reply(ftp.BadSequence, "CCC needs a TLS control connection")
		return
	}
	s.reply(ftp.PolicyDenied, "CCC refused by policy: the control connection stays encrypted (set --pasv-address and forward the passive ports instead)")
}

// tlsRequiredForLogin answers 530 to a plain-text login when TLS is
// required; true when it did.
func (s *session) tlsRequiredForLogin() bool {
	if !s.srv.cfg.RequireTLS || s.tls.on {
		return false
	}
	s.reply(ftp.NotLoggedIn, "Plain-text login refused: use AUTH TLS first (explicit FTPS), or ftps:// where the implicit port is open")
	return true
}
