package server

import (
	"fmt"
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

func (s *session) cmdNOOP(string) { s.reply(200, "NOOP ok") }

func (s *session) cmdSYST(string) { s.reply(215, "UNIX Type: L8") }

func (s *session) cmdFEAT(string) {
	lines := featLines
	if s.srv.tlsBase != nil {
		lines = append(append([]string(nil), tlsFeatLines...), featLines...)
	}
	s.replyMulti(211, "Extensions supported:", lines, "End")
}

func (s *session) cmdOPTS(arg string) {
	opt, val, _ := strings.Cut(strings.TrimSpace(arg), " ")
	switch strings.ToUpper(opt) {
	case "UTF8", "UTF-8":
		if v := strings.ToUpper(strings.TrimSpace(val)); v == "ON" || v == "" {
			s.reply(200, "UTF8 mode on (file names are always UTF-8 here)")
			return
		}
		s.reply(504, "UTF8 cannot be switched off")
	case "MLST":
		s.reply(200, "MLST OPTS type;size;modify;perm;")
	default:
		s.reply(501, "OPTS %s not understood", opt)
	}
}

func (s *session) cmdHELP(arg string) {
	if v := strings.ToUpper(strings.TrimSpace(arg)); v != "" {
		if c := commands[v]; c != nil {
			s.reply(214, "Syntax: %s", c.Help)
			return
		}
		s.reply(502, "Unknown command %s", v)
		return
	}
	s.replyMulti(214, "The following commands are recognized:", helpLines(), "Help OK")
}

// cmdSTAT without argument tells the session's state; with a path it lists
// it over the control connection (RFC 959), which needs no data connection.
func (s *session) cmdSTAT(arg string) {
	if strings.TrimSpace(arg) == "" {
		s.replyMulti(211, "ftpdiag FTP server status:", s.statusLines(), "End of status")
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
	s.replyMulti(213, "Status of "+virt+":", lines, "End of status")
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
		s.reply(200, "Type set to A (ASCII)")
	case "I", "L 8":
		s.ascii = false
		s.reply(200, "Type set to I (Image)")
	default:
		s.reply(504, "TYPE %s not supported (A and I are)", strings.TrimSpace(arg))
	}
}

func (s *session) cmdMODE(arg string) {
	if strings.EqualFold(strings.TrimSpace(arg), "S") {
		s.reply(200, "Mode set to S (Stream)")
		return
	}
	s.reply(504, "MODE %s not supported (only S)", strings.TrimSpace(arg))
}

func (s *session) cmdSTRU(arg string) {
	if strings.EqualFold(strings.TrimSpace(arg), "F") {
		s.reply(200, "Structure set to F (File)")
		return
	}
	s.reply(504, "STRU %s not supported (only F)", strings.TrimSpace(arg))
}
