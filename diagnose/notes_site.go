package diagnose

import (
	"fmt"
	"strings"

	"ftpdiag/ftp"
)

// Notes for ftpdiag's own SITE commands (docs/EXTENSIONS.md), which no
// reader knows from other FTP transcripts.

// annotateSITE explains SITE PORTCHECK's spelled-out argument.
func annotateSITE(line string) []annotation {
	f := strings.Fields(line)
	if len(f) != 3 || !strings.EqualFold(f[0], "SITE") || !strings.EqualFold(f[1], "PORTCHECK") {
		return nil
	}
	digits := ftp.Unspell(f[2])
	t := fmt.Sprintf("announces the next PORT/EPRT argument, %s, spelled in letters so that no router rewrites it", digits)
	return []annotation{{text: t, key: "spelled in letters"}}
}

// annotateSITEReply explains the answers to SITE WHOAMI and SITE PORTCHECK.
func annotateSITEReply(ix *sessionIndex, i int) []annotation {
	f := strings.Fields(strings.TrimPrefix(ix.entries[i].Text, "200"))
	cmd := strings.ToUpper(strings.Join(strings.Fields(ix.commandBefore(i)), " "))
	var t string
	switch {
	case cmd == "SITE WHOAMI" && len(f) == 2:
		t = fmt.Sprintf("the server sees the client as %s port %s", f[0], f[1])
	case cmd == "SITE PORTCHECK" && len(f) == 3 && f[1] == "same":
		t = "PORT arrived as sent: no router on the way rewrote it"
	case cmd == "SITE PORTCHECK" && len(f) == 4 && f[1] == "rewritten":
		t = fmt.Sprintf("a router on the way rewrote PORT: the client sent %s, the server received %s", portArg(f[2]), portArg(f[3]))
	default:
		return nil
	}
	return []annotation{{text: t, key: t}}
}

// portArg writes a PORT argument (h1,h2,h3,h4,p1,p2) as address:port, and
// anything else (an EPRT argument) as it is.
func portArg(arg string) string {
	ap, err := ftp.ParsePORT(arg)
	if err != nil || strings.TrimSpace(arg) != arg {
		return arg
	}
	return ap.String()
}
