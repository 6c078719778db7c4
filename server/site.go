package server

import (
	"ftpdiag/ftp"
	"net/netip"
	"strconv"
	"strings"
)

// cmdSITE dispatches the diagnostic extensions of docs/EXTENSIONS.md.
func (s *session) cmdSITE(arg string) {
	sub, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
	switch strings.ToUpper(sub) {
	case "WHOAMI":
		s.reply(ftp.CommandOK, "%s %d", s.remote.IP, s.remote.Port)
	case "PORTCHECK":
		s.sitePortcheck(strings.TrimSpace(rest))
	case "SWEEP":
		s.siteSweep(strings.TrimSpace(rest))
	case "STATS":
		s.siteStats() // diagnosis.go
	case "HELP":
		s.reply(ftp.HelpMessage, "SITE WHOAMI, SITE PORTCHECK [spelled-arg], SITE SWEEP [seconds], SITE STATS")
	default:
		s.reply(ftp.ParamNotImplemented, "SITE %s not understood (WHOAMI, PORTCHECK, SWEEP are)", sub)
	}
}

// portCheck holds SITE PORTCHECK's state: the spelled argument armed, then
// the comparison with the next PORT/EPRT.
type portCheck struct {
	armed    bool
	sent     string // the spelled argument, decoded to digits
	result   string // "same ARG" or "rewritten SENT RECEIVED", once compared
	compared bool
}

// observe compares the argument of a PORT/EPRT that just arrived with the
// armed one. Parsed addresses are compared where both parse, so spacing
// differences are not called a rewrite.
func (c *portCheck) observe(arg string, got netip.AddrPort, gotErr error) {
	if !c.armed {
		return
	}
	c.armed, c.compared = false, true
	arg = strings.TrimSpace(arg)
	same := arg == c.sent
	if want, err := parseEither(c.sent); err == nil && gotErr == nil {
		same = want == got
	}
	if same {
		c.result = "same " + arg
		return
	}
	c.result = "rewritten " + c.sent + " " + arg
}

func parseEither(arg string) (netip.AddrPort, error) {
	if strings.Contains(arg, ",") {
		return ftp.ParsePORT(arg)
	}
	return ftp.ParseEPRT(arg)
}

func (s *session) sitePortcheck(arg string) {
	if arg != "" {
		s.check = portCheck{armed: true, sent: ftp.Unspell(arg)}
		s.reply(ftp.CommandOK, "PORTCHECK armed")
		return
	}
	if !s.check.compared {
		s.reply(ftp.BadSequence, "PORTCHECK: arm it with SITE PORTCHECK <spelled PORT argument>, then send PORT")
		return
	}
	result := s.check.result
	s.check = portCheck{}
	s.reply(ftp.CommandOK, "PORTCHECK %s", result)
}

// sweepSeconds reads SWEEP's duration: 1 to 10 seconds, default 5.
func sweepSeconds(arg string) (int, bool) {
	if arg == "" {
		return defaultSweepSeconds, true
	}
	n, err := strconv.Atoi(arg)
	return n, err == nil && n >= 1 && n <= maxSweepSeconds
}
