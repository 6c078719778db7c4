package ftp

import (
	"slices"
	"strings"
)

// answers are the replies a command may get, from RFC 959 section 5.4
// (RFC 2428 for EPSV), for the commands whose replies servers do not vary:
// a reply outside its command's list answers something else, such as a
// late reply to an earlier command (Twisted answers a PASV whose data
// connection never came with 550, ten seconds later). 421 (closing) may
// answer anything. Commands not listed here are never judged: their
// replies vary too much between servers.
var answers = map[string][]Code{
	"PASV": {EnteringPassive, SyntaxError, ArgSyntax, NotImplemented, NotLoggedIn},
	"EPSV": {EnteringExtPassive, SyntaxError, ArgSyntax, NotImplemented, BadNetProtocol, NotLoggedIn, CommandOK},
	"QUIT": {ServiceClosing, SyntaxError},
	"NOOP": {CommandOK, SyntaxError},
	"SYST": {SystemType, SyntaxError, ArgSyntax, NotImplemented, NotLoggedIn},
	"TYPE": {CommandOK, SyntaxError, ArgSyntax, ParamNotImplemented, NotLoggedIn},
	"PWD":  {PathCreated, SyntaxError, ArgSyntax, NotImplemented, FileUnavailable, NotLoggedIn},
}

// Answers tells whether code may answer the command verb. It is true for
// commands it has no list for, and for 421.
func Answers(verb string, code Code) bool {
	if code == ServiceNotAvailable {
		return true
	}
	list, ok := answers[strings.ToUpper(verb)]
	return !ok || slices.Contains(list, code)
}
