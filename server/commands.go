package server

import (
	"sort"
	"strings"
)

// command is one row of the command table.
type command struct {
	Fn         func(s *session, arg string)
	NeedsLogin bool // 530 before login
	NeedsArg   bool // 501 without an argument
	Writes     bool // needs --writable and a named (not anonymous) user
	// DuringTransfer runs at once, while a transfer is running; other
	// commands wait for it to end.
	DuringTransfer bool
	Help           string
}

// commands is the command table; filled in init because HELP reads it.
var commands map[string]*command

func init() {
	commands = map[string]*command{
		// Session and login (cmd_auth.go).
		"USER": {Fn: (*session).cmdUSER, NeedsArg: true, Help: "USER name"},
		"PASS": {Fn: (*session).cmdPASS, Help: "PASS password"},
		"QUIT": {Fn: (*session).cmdQUIT, Help: "QUIT"},
		// TLS (cmd_tls.go).
		"AUTH": {Fn: (*session).cmdAUTH, NeedsArg: true, Help: "AUTH TLS"},
		"PBSZ": {Fn: (*session).cmdPBSZ, NeedsArg: true, Help: "PBSZ 0"},
		"PROT": {Fn: (*session).cmdPROT, NeedsArg: true, Help: "PROT P|C"},
		"CCC":  {Fn: (*session).cmdCCC, Help: "CCC (refused)"},
		// Information and settings (cmd_info.go).
		"NOOP": {Fn: (*session).cmdNOOP, Help: "NOOP"},
		"SYST": {Fn: (*session).cmdSYST, Help: "SYST"},
		"FEAT": {Fn: (*session).cmdFEAT, Help: "FEAT"},
		"OPTS": {Fn: (*session).cmdOPTS, NeedsArg: true, Help: "OPTS UTF8 ON"},
		"HELP": {Fn: (*session).cmdHELP, Help: "HELP [command]"},
		"STAT": {Fn: (*session).cmdSTAT, NeedsLogin: true, DuringTransfer: true, Help: "STAT [path]"}, // RFC 959: status during a transfer
		"TYPE": {Fn: (*session).cmdTYPE, NeedsLogin: true, NeedsArg: true, Help: "TYPE A|I"},
		"MODE": {Fn: (*session).cmdMODE, NeedsLogin: true, NeedsArg: true, Help: "MODE S"},
		"STRU": {Fn: (*session).cmdSTRU, NeedsLogin: true, NeedsArg: true, Help: "STRU F"},
		"SITE": {Fn: (*session).cmdSITE, NeedsLogin: true, NeedsArg: true, Help: "SITE WHOAMI|PORTCHECK|SWEEP"},
		// Directories and file facts (cmd_fs.go).
		"PWD":  {Fn: (*session).cmdPWD, NeedsLogin: true, Help: "PWD"},
		"XPWD": {Fn: (*session).cmdPWD, NeedsLogin: true, Help: "XPWD"},
		"CWD":  {Fn: (*session).cmdCWD, NeedsLogin: true, NeedsArg: true, Help: "CWD path"},
		"CDUP": {Fn: (*session).cmdCDUP, NeedsLogin: true, Help: "CDUP"},
		"SIZE": {Fn: (*session).cmdSIZE, NeedsLogin: true, NeedsArg: true, Help: "SIZE file"},
		"MDTM": {Fn: (*session).cmdMDTM, NeedsLogin: true, NeedsArg: true, Help: "MDTM file"},
		"MLST": {Fn: (*session).cmdMLST, NeedsLogin: true, Help: "MLST [path]"},
		// Data connections (cmd_data.go).
		"PASV": {Fn: (*session).cmdPASV, NeedsLogin: true, Help: "PASV"},
		"EPSV": {Fn: (*session).cmdEPSV, NeedsLogin: true, Help: "EPSV [1|2|ALL]"},
		"PORT": {Fn: (*session).cmdPORT, NeedsLogin: true, NeedsArg: true, Help: "PORT h1,h2,h3,h4,p1,p2"},
		"EPRT": {Fn: (*session).cmdEPRT, NeedsLogin: true, NeedsArg: true, Help: "EPRT |proto|addr|port|"},
		// Transfers (cmd_transfer.go).
		"LIST": {Fn: (*session).cmdLIST, NeedsLogin: true, Help: "LIST [path]"},
		"NLST": {Fn: (*session).cmdNLST, NeedsLogin: true, Help: "NLST [path]"},
		"MLSD": {Fn: (*session).cmdMLSD, NeedsLogin: true, Help: "MLSD [path]"},
		"RETR": {Fn: (*session).cmdRETR, NeedsLogin: true, NeedsArg: true, Help: "RETR file"},
		"REST": {Fn: (*session).cmdREST, NeedsLogin: true, NeedsArg: true, Help: "REST offset"},
		"ABOR": {Fn: (*session).cmdABOR, DuringTransfer: true, Help: "ABOR"},
		"STOR": {Fn: (*session).cmdSTOR, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "STOR file"},
		"APPE": {Fn: (*session).cmdAPPE, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "APPE file"},
		// Changes to the tree (cmd_write.go).
		"DELE": {Fn: (*session).cmdDELE, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "DELE file"},
		"MKD":  {Fn: (*session).cmdMKD, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "MKD dir"},
		"XMKD": {Fn: (*session).cmdMKD, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "XMKD dir"},
		"RMD":  {Fn: (*session).cmdRMD, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "RMD dir"},
		"XRMD": {Fn: (*session).cmdRMD, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "XRMD dir"},
		"RNFR": {Fn: (*session).cmdRNFR, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "RNFR from"},
		"RNTO": {Fn: (*session).cmdRNTO, NeedsLogin: true, NeedsArg: true, Writes: true, Help: "RNTO to"},
	}
}

// verbs lists the command table's verbs in order, for HELP.
func verbs() []string {
	out := make([]string, 0, len(commands))
	for v := range commands {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// helpLines lays the verbs out eight to a line, as HELP replies usually do.
func helpLines() []string {
	vs := verbs()
	var lines []string
	for i := 0; i < len(vs); i += 8 {
		end := min(i+8, len(vs))
		lines = append(lines, " "+strings.Join(vs[i:end], " "))
	}
	return lines
}
