package server

import (
	"fmt"
	"ftpdiag/ftp"
	"slices"
	"strings"
)

// featLines is the FEAT reply's body (RFC 2389: each line starts with a space).
var featLines = []string{
	" EPRT",
	" EPSV",
	" MDTM",
	" MLST type*;size*;modify*;perm*;",
	" PASV",
	" REST STREAM",
	" SIZE",
	" TVFS",
	" UTF8",
	" SITE FTPDIAG WHOAMI;PORTCHECK;SWEEP",
}

func (s *session) cmdNOOP(string) { s.reply(ftp.CommandOK, "NOOP ok") }

func (s *session) cmdSYST(string) { s.reply(ftp.SystemType, "UNIX Type: L8") }

func (s *session) cmdFEAT(string) {
	lines := featLines
	if s.srv.tlsBase != nil {
		lines = append(append([]string(nil), tlsFeatLines...), featLines...)
	}
	if c := s.srv.cfg; c.PasvMin > 0 && c.PasvMax >= c.PasvMin {
		lines = append(slices.Clip(lines), ftp.FormatPasvRangeFeat(c.PasvMin, c.PasvMax))
	}
	s.replyMulti(ftp.SystemStatus, "Extensions supported:", lines, "End")
}

func (s *session) cmdOPTS(arg string) {
	opt, val, _ := strings.Cut(strings.TrimSpace(arg), " ")
	switch strings.ToUpper(opt) {
	case "UTF8", "UTF-8":
		if v := strings.ToUpper(strings.TrimSpace(val)); v == "ON" || v == "" {
			s.reply(ftp.CommandOK, "UTF8 mode on (file names are always UTF-8 here)")
			return
		}
		s.reply(ftp.ParamNotImplemented, "UTF8 cannot be switched off")
	case "MLST":
		s.reply(ftp.CommandOK, "MLST OPTS type;size;modify;perm;")
	default:
		s.reply(ftp.ArgSyntax, "OPTS %s not understood", opt)
	}
}

func (s *session) cmdHELP(arg string) {
	if v := strings.ToUpper(strings.TrimSpace(arg)); v != "" {
		if c := commands[v]; c != nil {
			s.reply(ftp.HelpMessage, "Syntax: %s", c.Help)
			return
		}
		s.reply(ftp.NotImplemented, "Unknown command %s", v)
		return
	}
	s.replyMulti(ftp.HelpMessage, "The following commands are recognized:", helpLines(), "Help OK")
}

// cmdSTAT without argument tells the session's state; with a path it lists
// it over the control connection (RFC 959), which needs no data connection.
func (s *session) cmdSTAT(arg string) {
	if strings.TrimSpace(arg) == "" {
		s.replyMulti(ftp.SystemStatus, "ftpdiag FTP server status:", s.statusLines(), "End of status")
		return
	}
	virt, lines, err := s.listing(arg, formatLIST)
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	for i, l := range lines {
		lines[i] = " " + l
	}
	s.replyMulti(ftp.FileStatus, "Status of "+virt+":", lines, "End of status")
}

func (s *session) statusLines() []string {
	mode := "BINARY"
	if s.ascii {
		mode = "ASCII"
	}
	lines := []string{
		fmt.Sprintf(" Connected from %s to %s", s.remote, s.local),
		fmt.Sprintf(" Logged in as %s", s.user),
		fmt.Sprintf(" TYPE: %s, STRUcture: File, MODE: Stream", mode),
		fmt.Sprintf(" Idle timeout %s, data timeout %s", s.srv.cfg.IdleTimeout, s.srv.cfg.DataTimeout),
	}
	if s.transferRunning() {
		lines = append(lines, " A transfer is in progress")
	}
	return lines
}

func (s *session) cmdTYPE(arg string) {
	switch strings.ToUpper(strings.Join(strings.Fields(arg), " ")) {
	case "A", "A N":
		s.ascii = true
		s.reply(ftp.CommandOK, "Type set to A (ASCII)")
	case "I", "L 8":
		s.ascii = false
		s.reply(ftp.CommandOK, "Type set to I (Image)")
	default:
		s.reply(ftp.ParamNotImplemented, "TYPE %s not supported (A and I are)", strings.TrimSpace(arg))
	}
}

func (s *session) cmdMODE(arg string) {
	if strings.EqualFold(strings.TrimSpace(arg), "S") {
		s.reply(ftp.CommandOK, "Mode set to S (Stream)")
		return
	}
	s.reply(ftp.ParamNotImplemented, "MODE %s not supported (only S)", strings.TrimSpace(arg))
}

func (s *session) cmdSTRU(arg string) {
	if strings.EqualFold(strings.TrimSpace(arg), "F") {
		s.reply(ftp.CommandOK, "Structure set to F (File)")
		return
	}
	s.reply(ftp.ParamNotImplemented, "STRU %s not supported (only F)", strings.TrimSpace(arg))
}
