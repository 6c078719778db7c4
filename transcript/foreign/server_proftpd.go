package foreign

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ProFTPD's ExtendedLog with ALL commands, in the default LogFormat
// ("%h %l %u %t \"%r\" %s %b"):
//
//	198.18.0.2 UNKNOWN john [06/Dec/2026:04:58:34 +0000] "PASV" 227 -
//
// or in "%m %r %s" (no address, no time: sessions are told apart only by
// their USER commands):
//
//	PASV PASV 227
//
// It logs each command with its final reply code, not the reply's text,
// and neither the connection nor its end.
var (
	proftpdDefault = regexp.MustCompile(`^(\S+) \S+ (\S+) \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "(.*)" (\d{3}|-) \S+$`)
	proftpdShort   = regexp.MustCompile(`^([A-Z][A-Z_]{2,15}) ([A-Z][A-Z_]{2,15}\b.*) (\d{3}|-)$`)
)

const proftpdLayout = "02/Jan/2006:15:04:05 -0700"

func proftpdLine(line string) (rec, bool) {
	if m := proftpdDefault.FindStringSubmatch(line); m != nil {
		t, _ := time.Parse(proftpdLayout, m[3])
		user := m[2]
		if user == "-" {
			user = ""
		}
		return proftpdRec(rec{t: t, key: clientAddr(m[1]), client: clientAddr(m[1]), user: user}, m[4], m[5]), true
	}
	if m := proftpdShort.FindStringSubmatch(line); m != nil && strings.HasPrefix(m[2], m[1]) {
		return proftpdRec(rec{}, m[2], m[3]), true
	}
	return rec{}, false
}

// proftpdRec reads one command line. ProFTPD logs some commands twice: as
// its handler's name with the reply code ("OPTS_UTF8 ON" 200), then as
// sent without one ("OPTS UTF8 ON" -); the first is the command, the second
// a note.
func proftpdRec(r rec, request, status string) rec {
	if status == "-" {
		r.kind, r.text = recNote, request+" (logged again without a reply code)"
		return r
	}
	verb, rest, _ := strings.Cut(request, " ")
	if name, sub, ok := strings.Cut(verb, "_"); ok {
		request = strings.TrimSpace(name + " " + sub + " " + rest)
	}
	r.kind, r.text = recCommand, request
	r.code, _ = strconv.Atoi(status)
	return r
}
