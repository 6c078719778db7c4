package foreign

import (
	"slices"
	"testing"

	"ftpdiag/result"
)

// TestWgetEvents: what the wget reader makes of wget's lines about its
// connections, as wget -d writes them (see testdata/logs/wget-*.log).
func TestWgetEvents(t *testing.T) {
	cases := []struct {
		name string
		log  string
		want []ev
	}{
		{"listing through a passive data connection",
			"Connecting to 192.0.2.7:2121... connected.\nCreated socket 4.\n220 Hi\n--> USER anonymous\n\n230 In\n" +
				"==> PASV ... \n--> PASV\n\n227 Entering Passive Mode (192,0,2,7,11,187).\ntrying to connect to 192.0.2.7 port 3003\n" +
				"Created socket 5.\ndone.    ==> RETR hello.txt ... \n--> RETR hello.txt\n\n150 Opening\ndone.\n226 Done\n",
			[]ev{{result.OpConnect, "192.0.2.7:2121", result.Connected, 0, ""},
				{result.OpDataConnect, "192.0.2.7:3003", result.Connected, 0, ""}}},
		{"control refused, its outcome a line later",
			"Connecting to 192.0.2.7:21... Closed fd 4\nfailed: Connection refused.\nReleasing 0x000055670bf6ba40 (new refcount 0).\n",
			[]ev{{result.OpConnect, "192.0.2.7:21", result.Refused, 0, ""}}},
		{"control through a name",
			"Connecting to ftp.example.com (ftp.example.com)|192.0.2.8|:21... connected.\n220 Hi\n",
			[]ev{{result.OpConnect, "192.0.2.8:21", result.Connected, 0, ""}}},
		{"data refused",
			"Connecting to 192.0.2.7:2121... connected.\n220 Hi\n--> PASV\n\n227 Entering Passive Mode (192,0,2,7,11,184).\n" +
				"trying to connect to 192.0.2.7 port 3000\nClosed fd 5\nClosed fd 4\ncouldn't connect to 192.0.2.7 port 3000: Connection refused\n",
			[]ev{{result.OpConnect, "192.0.2.7:2121", result.Connected, 0, ""},
				{result.OpDataConnect, "192.0.2.7:3000", result.Refused, 0, ""}}},
		{"data timeout, without -d",
			"Connecting to 192.0.2.7:21... connected.\nLogging in as anonymous ... Logged in!\n" +
				"==> PASV ... couldn't connect to 192.0.2.7 port 3002: Connection timed out\n",
			[]ev{{result.OpConnect, "192.0.2.7:21", result.Connected, 0, ""},
				{result.OpDataConnect, "192.0.2.7:3002", result.Timeout, 0, ""}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse([]byte(tc.log), Wget)
			if err != nil {
				t.Fatal(err)
			}
			if got := events(l.Entries); !slices.Equal(got, tc.want) {
				t.Errorf("events %v, want %v", got, tc.want)
			}
		})
	}
}

// TestWgetLines: replies, commands and banners among wget's debug lines.
func TestWgetLines(t *testing.T) {
	log := "--2026-12-06 07:29:53--  ftp://john:*password*@192.0.2.7:2121/hello.txt\n" +
		"Connecting to 192.0.2.7:2121... connected.\nCreated socket 4.\nReleasing 0x0000559c1c690a50 (new refcount 0).\n" +
		"220 (vsFTPd 3.0.3)\nLogging in as john ... \n--> USER john\n\n331 Please specify the password.\n\n" +
		"--> PASS Tr0ub4dor&3\n\n530 Login incorrect.\n\nLogin incorrect.\nClosed fd 4\n"
	l, err := Parse([]byte(log), "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != Wget {
		t.Errorf("read as %s, want wget", l.Format)
	}
	var got []string
	for _, e := range l.Entries {
		if e.Kind == result.Command || e.Kind == result.Reply {
			got = append(got, string(e.Kind)+" "+e.Text)
		}
	}
	want := []string{"reply 220 (vsFTPd 3.0.3)", "command USER john", "reply 331 Please specify the password.",
		"command PASS Tr0ub4dor&3", "reply 530 Login incorrect."}
	if !slices.Equal(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	if !slices.Contains(l.Secrets, "Tr0ub4dor&3") {
		t.Errorf("secrets %q: the password sent in clear is not among them", l.Secrets)
	}
	if l.Target.Host != "192.0.2.7" || l.Target.Port != 2121 || l.Target.User != "john" {
		t.Errorf("target %+v, want 192.0.2.7 port 2121 user john", l.Target)
	}
	if l.Started.IsZero() {
		t.Error("the start time of the download line is not read")
	}

	banner := "Connecting to 192.0.2.7:2121... connected.\nCreated socket 4.\nDeleting unused 0x000056394d3bfa40.\n" +
		"SSH-2.0-OpenSSH_9.2p1\nError in server response. Closing.\n"
	l, err = Parse([]byte(banner), Wget)
	if err != nil {
		t.Fatal(err)
	}
	replies := replyTexts(l)
	if !slices.Equal(replies, []string{"SSH-2.0-OpenSSH_9.2p1"}) {
		t.Errorf("replies %q, want only the SSH banner (wget's own debug lines are none)", replies)
	}

	// Without -d wget shows no reply at all: its progress meter and its
	// last words are no banner of another protocol.
	plain := "--2026-12-06 07:58:39--  ftp://192.0.2.7:2121/hello.txt\n           => '/dev/null'\n" +
		"Connecting to 192.0.2.7:2121... connected.\nLogging in as anonymous ... Logged in!\n" +
		"==> SYST ... done.    ==> PWD ... done.\n==> PASV ... done.    ==> RETR hello.txt ... done.\nLength: 6 (unauthoritative)\n" +
		"     0K                                                       100%  782K=0s\n" +
		"2026-12-06 07:58:39 (782 KB/s) - '/dev/null' saved [6]\n"
	l, err = Parse([]byte(plain), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l.Entries {
		if e.Kind == result.Reply || e.Kind == result.Command {
			t.Errorf("%s %q: wget without -d shows no command or reply", e.Kind, e.Text)
		}
	}
}
