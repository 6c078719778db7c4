package foreign

import (
	"regexp"
	"strings"
	"time"
)

// pure-ftpd's syslog lines, as syslog files keep them or as /dev/log gets
// them; -d logs the commands, -d -d the replies too:
//
//	Dec  6 05:09:15 host pure-ftpd: (?@198.18.0.2) [INFO] New connection from 198.18.0.2
//	Dec  6 05:09:15 host pure-ftpd[812]: (?@198.18.0.2) [DEBUG] Command [pasv] []
//	2026-12-06T05:09:15.123+00:00 host pure-ftpd[812]: (john@198.18.0.2) [DEBUG] 227 Entering Passive Mode (...)
//
// A process id, where the syslog daemon keeps it, names the session (one
// process each); without it only the client's address does.
var pureRe = regexp.MustCompile(`^(?:<\d+>)?(?:(\w{3} [ \d]\d \d\d:\d\d:\d\d)|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)))(?: \S+)? pure-ftpd(?:\[(\d+)\])?: \((.*)@([^@)]*)\) \[([A-Z]+)\] (.*)$`)

var pureCommand = regexp.MustCompile(`^Command \[([a-z]+)\] \[(.*)\]$`)

func pureLine(line string) (rec, bool) {
	m := pureRe.FindStringSubmatch(line)
	if m == nil {
		return rec{}, false
	}
	r := rec{client: clientAddr(m[5]), user: m[4], key: m[3]}
	if r.key == "" {
		r.key = r.client
	}
	if m[1] != "" {
		r.t, _ = time.Parse("Jan _2 15:04:05", m[1])
	} else {
		r.t, _ = time.Parse(time.RFC3339Nano, m[2])
	}
	level, msg := m[6], m[7]
	switch {
	case strings.HasPrefix(msg, "New connection from "):
		r.kind = recConnect
	case msg == "Logout." || strings.HasPrefix(msg, "Timeout"):
		r.kind, r.text = recClose, "control connection closed ("+msg+")"
	case level == "DEBUG" && pureCommand.MatchString(msg):
		c := pureCommand.FindStringSubmatch(msg)
		r.kind, r.text = recCommand, strings.TrimSpace(strings.ToUpper(c[1])+" "+c[2])
	case level == "DEBUG" && len(msg) >= 3 && msg[0] >= '1' && msg[0] <= '5':
		r.kind, r.text = recReply, msg
	default:
		r.kind, r.text = recNote, "["+level+"] "+msg
	}
	return r, true
}
