package foreign

import (
	"regexp"
	"strings"
	"time"
)

// vsftpd.log with log_ftp_protocol=YES (and xferlog_std_format=NO):
//
//	Sun Dec  6 04:58:12 2026 [pid 16842] CONNECT: Client "198.18.0.2"
//	Sun Dec  6 04:58:12 2026 [pid 16842] FTP command: Client "198.18.0.2", "USER anonymous"
//	Sun Dec  6 04:58:12 2026 [pid 16841] [ftp] OK LOGIN: Client "198.18.0.2", anon password "?"
//	Sun Dec  6 04:58:12 2026 [pid 16844] [ftp] FTP response: Client "198.18.0.2", "230 Login successful."
//
// A session is one process until login and another after it (privilege
// separation); the login line comes from a third, the privileged parent.
// vsftpd writes a reply's line end, and other control bytes, as '?'.
var (
	vsftpdRe     = regexp.MustCompile(`^(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}) \[pid (\d+)\] (?:\[([^\]]*)\] )?([A-Z][A-Za-z ]*): Client "([^"]*)"(.*)$`)
	vsftpdLayout = "Mon Jan _2 15:04:05 2006"
)

func vsftpdLine(line string) (rec, bool) {
	m := vsftpdRe.FindStringSubmatch(line)
	if m == nil {
		return rec{}, false
	}
	t, _ := time.Parse(vsftpdLayout, m[1])
	r := rec{t: t, key: m[2], user: m[3], client: clientAddr(m[5])}
	what, rest := m[4], m[6]
	switch what {
	case "CONNECT":
		r.kind = recConnect
	case "FTP command":
		r.kind, r.text = recCommand, vsftpdText(rest)
	case "FTP response":
		r.kind, r.text = recReply, strings.TrimSuffix(vsftpdText(rest), "??")
	case "OK LOGIN":
		r.kind, r.text = recLoginOK, what+rest
	default: // OK DOWNLOAD, FAIL LOGIN, FAIL DOWNLOAD, OK MKDIR ...
		r.kind, r.text = recNote, what+rest
	}
	return r, true
}

// vsftpdText is the text of `, "TEXT"`, the rest of a vsftpd line.
func vsftpdText(rest string) string {
	rest = strings.TrimPrefix(rest, ", ")
	if len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"' {
		return rest[1 : len(rest)-1]
	}
	return rest
}

// clientAddr drops the IPv4-mapped prefix a dual-stack listener reports.
func clientAddr(a string) string {
	a = strings.TrimSpace(a)
	if strings.HasPrefix(a, "::ffff:") && strings.Count(a, ".") == 3 {
		return a[len("::ffff:"):]
	}
	return a
}
