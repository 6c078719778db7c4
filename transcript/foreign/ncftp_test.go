package foreign

import (
	"slices"
	"strings"
	"testing"

	"ftpdiag/result"
)

// ncftpHead is how NcFTP's session starts at its prompt with debug on.
const ncftpHead = "spawn ncftp\r\nNcFTP 3.2.6 (Dec 04, 2016) by Mike Gleason (http://www.NcFTP.com/contact/).\r\n" +
	"ncftp> debug\r\nncftp> open -u john -p Tr0ub4dor&3 -P 2121 192.0.2.7\r\n> open -u john -p Tr0ub4dor&3 -P 2121 192.0.2.7\r\n\r\n" +
	"Resolving 192.0.2.7...      \rConnecting to 192.0.2.7...     \rLibNcFTP 3.2.6 (November 12, 2016) compiled for linux-x86_64-glibc2.33\r\n"

// TestNcftpEvents: what the NcFTP reader makes of its lines about
// connections, each printed twice by NcFTP and read once.
func TestNcftpEvents(t *testing.T) {
	greeted := ncftpHead + "220: (vsFTPd 3.0.3)\r\nConnected to 192.0.2.7.\r\nCmd: USER john\r\n230: Login successful.\r\n"
	cases := []struct {
		name string
		log  string
		want []ev
	}{
		{"control refused, and the redial", ncftpHead +
			"Could not connect to 192.0.2.7: Connection refused.\r\nCould not connect to 192.0.2.7: Connection refused.\r\n" +
			"Sleeping 2 seconds.\r\nRedialing (try 1)...     \rCould not connect to 192.0.2.7: Connection refused.\r\n" +
			"Could not connect to 192.0.2.7: Connection refused.\r\n",
			[]ev{{result.OpConnect, "192.0.2.7:2121", result.Refused, 0, ""},
				{result.OpConnect, "192.0.2.7:2121", result.Refused, 0, ""}}},
		{"passive data connection opened", greeted +
			"Cmd: PASV\r\n227: Entering Passive Mode (192,0,2,7,11,187).\r\nConnected to 192.0.2.7:3003 for PASV.\r\n" +
			"Cmd: LIST\r\n150: Here comes the directory listing.\r\n226: Directory send OK.\r\n",
			[]ev{{result.OpConnect, "192.0.2.7:2121", result.Connected, 0, ""},
				{result.OpDataConnect, "192.0.2.7:3003", result.Connected, 0, ""}}},
		{"passive data connection refused", greeted +
			"Cmd: PASV\r\n227: Entering Passive Mode (192,0,2,7,11,184).\r\nconnect to 192.0.2.7:3000 failed: Connection refused.\r\n" +
			"connect to 192.0.2.7:3000 failed: Connection refused.\r\nRetrying PASV mode (2 tries left).\r\n",
			[]ev{{result.OpConnect, "192.0.2.7:2121", result.Connected, 0, ""},
				{result.OpDataConnect, "192.0.2.7:3000", result.Refused, 0, ""}}},
		{"passive data connection timed out", greeted +
			"Cmd: PASV\r\n227: Entering Passive Mode (192,0,2,7,11,186).\r\nData connection timed out.\r\nData connection timed out.\r\n" +
			"Retrying PASV mode (2 tries left).\r\nCmd: PASV\r\n227: Entering Passive Mode (192,0,2,7,11,184).\r\nData connection timed out.\r\n",
			[]ev{{result.OpConnect, "192.0.2.7:2121", result.Connected, 0, ""},
				{result.OpDataConnect, "192.0.2.7:3002", result.Timeout, 0, ""},
				{result.OpDataConnect, "192.0.2.7:3000", result.Timeout, 0, ""}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse([]byte(tc.log), "")
			if err != nil {
				t.Fatal(err)
			}
			if l.Format != Ncftp {
				t.Errorf("read as %s, want ncftp", l.Format)
			}
			if got := events(l.Entries); !slices.Equal(got, tc.want) {
				t.Errorf("events %v, want %v", got, tc.want)
			}
		})
	}
}

// TestNcftpLines: the banner of another protocol, the password typed at
// the prompt, and the port of the open command.
func TestNcftpLines(t *testing.T) {
	log := strings.ReplaceAll(ncftpHead, "-u john -p Tr0ub4dor&3 ", "") +
		"Invalid reply: \"SSH-2.0-OpenSSH_9.2p1\"\r\nInvalid reply: \"SSH-2.0-OpenSSH_9.2p1\"\r\n" +
		"Could not open host 192.0.2.7: invalid reply from server.\r\n"
	l, err := Parse([]byte(log), "")
	if err != nil {
		t.Fatal(err)
	}
	replies := replyTexts(l)
	if !slices.Equal(replies, []string{"SSH-2.0-OpenSSH_9.2p1"}) {
		t.Errorf("replies %q, want the SSH banner once", replies)
	}
	if l.Target.Host != "192.0.2.7" || l.Target.Port != 2121 {
		t.Errorf("target %+v, want 192.0.2.7 port 2121 (open -P)", l.Target)
	}

	l, err = Parse([]byte(ncftpHead+"220: Hi\r\nCmd: USER john\r\n331: Password\r\nCmd: PASS xxxxxxxx\r\n530: Login incorrect.\r\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Secrets, []string{"Tr0ub4dor&3"}) {
		t.Errorf("secrets %q, want the password typed with open -p", l.Secrets)
	}
}

// replyTexts are the texts of a log's replies, in order.
func replyTexts(l *Log) []string {
	var out []string
	for _, e := range l.Entries {
		if e.Kind == result.Reply {
			out = append(out, e.Text)
		}
	}
	return out
}
