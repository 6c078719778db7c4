package foreign

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ftpdiag/internal/golden"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts under testdata/logs/")

// logsDir holds the sample logs shared with the CLI's tests, named
// FORMAT-CASE.log (or .json).
const logsDir = "../../testdata/logs"

func sampleNames(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, pattern := range []string{"*.log", "*.json"} {
		files, err := filepath.Glob(filepath.Join(logsDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			names = append(names, filepath.Base(f))
		}
	}
	if len(names) < 20 {
		t.Fatalf("found %d sample logs, want at least 20", len(names))
	}
	return names
}

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(logsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDetectSamples(t *testing.T) {
	for _, name := range sampleNames(t) {
		t.Run(name, func(t *testing.T) {
			want := Format(strings.SplitN(name, "-", 2)[0])
			switch want {
			case "inetutils", "tnftp", "ftplib": // read by their content (issue 27)
				want = Generic
			}
			got, err := Detect(readSample(t, name))
			if err != nil || got != want {
				t.Errorf("Detect = %q, %v; want %q", got, err, want)
			}
		})
	}
}

// TestGoldenTranscripts reads every sample log and compares its rendered
// transcript, with times and sessions, to a golden file beside it.
func TestGoldenTranscripts(t *testing.T) {
	for _, name := range sampleNames(t) {
		t.Run(name, func(t *testing.T) {
			l, err := Parse(readSample(t, name), "")
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			opt := transcript.RenderOptions{Times: true, Headings: true}
			if err := transcript.Render(&b, l.Entries, opt); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(logsDir, strings.TrimSuffix(name, filepath.Ext(name))+".transcript"), b.Bytes(), *update)
		})
	}
}

func TestRejectsWhatIsNotALog(t *testing.T) {
	cases := []struct {
		name string
		data string
		from Format
		want error
	}{
		{"empty", "", "", ErrEmpty},
		{"blank lines", "\n  \r\n\t\n", "", ErrEmpty},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "", ErrBinary},
		{"random bytes", string([]byte{0xff, 0xfe, 0x80, 0x81, 0x90, 0xa0, 0xc3, 0x28, 0xe2, 0x82, 0xfe, 0xfe, 0xfe, 0xfe}), "", ErrBinary},
		{"html page", "<!DOCTYPE html>\n<html><head><title>FileZilla Forums</title></head><body>Status: Connecting</body></html>", "", ErrHTML},
		{"html without doctype", "  <html lang=\"en\">\n<body>\n</body>", "", ErrHTML},
		{"prose", "Dear support,\nmy upload does not work since Tuesday.\nThanks\n", "", ErrUnknown},
		{"json without transcript", `{"name": "not ours"}`, "", ErrUnknown},
		{"bad format name", "Cmd: USER john\n", "cuteftp", ErrBadFormat},
		{"no protocol lines", "Status:\tResolving address of ftp.example.com\nStatus:\tConnecting to 192.0.2.1:21...\n", "", ErrNoProtocol},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.data), tc.from)
			if !errors.Is(err, tc.want) {
				t.Errorf("got error %v, want %v", err, tc.want)
			}
		})
	}
}

// ev is an event in short form, for comparing what readers make of lines.
type ev struct {
	op      result.Op
	addr    string
	outcome result.Outcome
	dur     time.Duration
	by      string
}

func events(entries []result.Entry) []ev {
	var out []ev
	for _, e := range entries {
		if e.Kind == result.Event {
			out = append(out, ev{e.Event.Op, e.Event.Addr, e.Event.Outcome, e.Event.Dur, e.Event.By})
		}
	}
	return out
}

func TestEvents(t *testing.T) {
	cases := []struct {
		name string
		log  string
		want []ev
	}{
		{"filezilla inactivity after MLSD is the data connection", "Status:\tConnecting to 203.0.113.10:21...\n" +
			"Status:\tConnection established, waiting for welcome message...\nResponse:\t220 Hi\nCommand:\tPASV\n" +
			"Response:\t227 Entering Passive Mode (10,1,2,3,11,187)\n" +
			"Status:\tServer sent passive reply with unroutable address. Using server address instead.\n" +
			"Command:\tMLSD\nError:\tConnection timed out after 20 seconds of inactivity\n",
			[]ev{{result.OpConnect, "203.0.113.10:21", result.Connected, 0, ""},
				{result.OpDataConnect, "203.0.113.10:3003", result.Timeout, 20 * time.Second, ""}}},
		{"filezilla inactivity after a plain command closes the session", "Status:\tConnecting to 192.0.2.1:21...\n" +
			"Status:\tConnection established, waiting for welcome message...\nResponse:\t220 Hi\nCommand:\tUSER john\n" +
			"Error:\tConnection timed out after 30 seconds of inactivity\n",
			[]ev{{result.OpConnect, "192.0.2.1:21", result.Connected, 0, ""},
				{result.OpClose, "", result.Timeout, 30 * time.Second, "client"}}},
		{"filezilla pane copy padded with spaces", "Status:      \tConnecting to 127.0.0.1:2122...\n" +
			"Status:      \tConnection established, waiting for welcome message...\nResponse:    \t220 Hi\n",
			[]ev{{result.OpConnect, "127.0.0.1:2122", result.Connected, 0, ""}}},
		{"filezilla control connection refused", "Status:\tConnecting to 192.0.2.1:21...\n" +
			"Error:\tConnection attempt failed with \"ECONNREFUSED - Connection refused by server\".\nCommand:\tQUIT\n",
			[]ev{{result.OpConnect, "192.0.2.1:21", result.Refused, 0, ""}}},
		{"filezilla closed by server", "Status:\tConnecting to 192.0.2.1:21...\n" +
			"Status:\tConnection established, waiting for welcome message...\nResponse:\t220 Hi\nCommand:\tPASV\n" +
			"Error:\tConnection closed by server\n",
			[]ev{{result.OpConnect, "192.0.2.1:21", result.Connected, 0, ""},
				{result.OpClose, "", result.Closed, 0, "server"}}},
		{"curl refused data port", "*   Trying 127.0.0.1:2121...\n* Connected to 127.0.0.1 (127.0.0.1) port 2121 (#0)\n< 220 Hi\n" +
			"> EPSV\n< 229 Entering Extended Passive Mode (|||40001|)\n* Connecting to 127.0.0.1 (127.0.0.1) port 40001\n" +
			"*   Trying 127.0.0.1:40001...\n* connect to 127.0.0.1 port 40001 failed: Connection refused\n" +
			"* Failed to connect to 127.0.0.1 port 2121 after 1 ms: Couldn't connect to server\n",
			[]ev{{result.OpConnect, "127.0.0.1:2121", result.Connected, 0, ""},
				{result.OpDataConnect, "127.0.0.1:40001", result.Refused, 0, ""}}},
		{"curl data timeout, curl's other wording", "*   Trying 127.0.0.1:2121...\n* Connected to 127.0.0.1 (127.0.0.1) port 2121 (#0)\n< 220 Hi\n" +
			"> PASV\n< 227 Entering Passive Mode (10,0,0,5,11,189)\n* Skip 10.0.0.5 for data connection, re-use 127.0.0.1 instead\n" +
			"* Connecting to 127.0.0.1 (127.0.0.1) port 3005\n*   Trying 127.0.0.1:3005...\n" +
			"\r  0     0    0     0    0     0      0      0 --:--:--  0:00:11 --:--:--     0* Connection timeout after 12000 ms\n",
			[]ev{{result.OpConnect, "127.0.0.1:2121", result.Connected, 0, ""},
				{result.OpDataConnect, "127.0.0.1:3005", result.Timeout, 12 * time.Second, ""}}},
		{"curl control timeout", "*   Trying 192.0.2.9:21...\n* Connection timed out after 5001 milliseconds\n> USER x\n",
			[]ev{{result.OpConnect, "192.0.2.9:21", result.Timeout, 5001 * time.Millisecond, ""}}},
		{"lftp data refused then reconnect", "---- Connecting to h (192.0.2.5) port 21\n<--- 220 Hi\n---> PASV\n" +
			"<--- 227 Entering Passive Mode (192,0,2,5,11,184).\n---- Connecting data socket to (192.0.2.5) port 3000\n" +
			"**** Data socket error (Connection refused) - reconnecting\n---- Closing control socket\n" +
			"---- Connecting to h (192.0.2.5) port 21\n",
			[]ev{{result.OpConnect, "192.0.2.5:21", result.Connected, 0, ""},
				{result.OpDataConnect, "192.0.2.5:3000", result.Refused, 0, ""},
				{result.OpClose, "", "", 0, "client"}}},
		{"lftp peer closed", "---- Connecting to h (192.0.2.5) port 21\n<--- 220 Hi\n---> USER a\n**** Peer closed connection\n",
			[]ev{{result.OpConnect, "192.0.2.5:21", result.Connected, 0, ""},
				{result.OpClose, "", result.Closed, 0, "server"}}},
		{"winscp data timeout counts from the command", ". 2026-11-23 10:00:00.000 Host name: 198.51.100.4 (Port: 2121)\n" +
			". 2026-11-23 10:00:00.000 Connecting to 198.51.100.4 ...\n" +
			". 2026-11-23 10:00:00.100 Connected with 198.51.100.4. Waiting for welcome message...\n" +
			"< 2026-11-23 10:00:00.200 220 Hi\n> 2026-11-23 10:00:00.300 PASV\n" +
			"< 2026-11-23 10:00:00.400 227 Entering Passive Mode (198,51,100,4,11,185).\n" +
			"> 2026-11-23 10:00:00.500 LIST -a\n. 2026-11-23 10:00:15.500 Timeout detected. (data connection)\n",
			[]ev{{result.OpConnect, "198.51.100.4:2121", result.Connected, 100 * time.Millisecond, ""},
				{result.OpDataConnect, "198.51.100.4:3001", result.Timeout, 15 * time.Second, ""}}},
		{"seed events read back", "--> control connection to 192.0.2.7:21: connected in 2.3ms\n220: Hi\nCmd: PASV\n" +
			"227: Entering Passive Mode (192,0,2,7,11,187)\n--> data connection to 192.0.2.7:3003: no answer after 5s\n",
			[]ev{{result.OpConnect, "192.0.2.7:21", result.Connected, 0, ""},
				{result.OpDataConnect, "192.0.2.7:3003", result.Timeout, 5 * time.Second, ""}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse([]byte(tc.log), "")
			if err != nil {
				t.Fatal(err)
			}
			got := events(l.Entries)
			if len(got) != len(tc.want) {
				t.Fatalf("got events %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("event %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestMultiLineRepliesAndNotes(t *testing.T) {
	log := "Status:\tConnecting to 192.0.2.1:21...\nResponse:\t220-Welcome\nResponse:\t220-  to the server\n" +
		"Response:\t220 Ready\nsomething a user typed\nCommand:\tFEAT\nResponse:\t211-Features:\nResponse:\t MDTM\nResponse:\t211 End\n"
	l, err := Parse([]byte(log), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range l.Entries {
		got = append(got, string(e.Kind)+"|"+e.Text)
	}
	want := []string{
		"event|control connection to 192.0.2.1:21: connected",
		"reply|220-Welcome\n220-  to the server\n220 Ready",
		"note|something a user typed",
		"command|FEAT",
		"reply|211-Features:\n MDTM\n211 End",
	}
	if strings.Join(got, "\n~\n") != strings.Join(want, "\n~\n") {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}

func TestSecretsAndTarget(t *testing.T) {
	cases := []struct {
		name    string
		log     string
		secrets []string
		target  Target
	}{
		{"pass in clear", "*   Trying 127.0.0.1:2121...\n* Connected to h (127.0.0.1) port 2121 (#0)\n< 220 x\n> USER john\n> PASS s3cret!\n",
			[]string{"s3cret!"}, Target{"127.0.0.1", 2121, "john"}},
		{"masked pass is no secret", "Status:\tConnecting to 192.0.2.1:21...\nCommand:\tUSER ann\nCommand:\tPASS *******\n",
			nil, Target{"192.0.2.1", 21, "ann"}},
		{"password in a url", "Cmd: USER x\nopened ftp://x:hunter22@192.0.2.3/pub\n",
			[]string{"hunter22"}, Target{"", 0, "x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse([]byte(tc.log), "")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(l.Secrets, "|") != strings.Join(tc.secrets, "|") {
				t.Errorf("secrets %q, want %q", l.Secrets, tc.secrets)
			}
			if l.Target != tc.target {
				t.Errorf("target %+v, want %+v", l.Target, tc.target)
			}
		})
	}
}

func TestTimesFromTimestamps(t *testing.T) {
	l, err := Parse(readSample(t, "filezilla-pasv-private-timeout.log"), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 23, 21, 54, 30, 0, time.UTC); !l.Started.Equal(want) {
		t.Errorf("Started = %v, want %v", l.Started, want)
	}
	last := l.Entries[len(l.Entries)-1]
	if last.T != 21*time.Second {
		t.Errorf("last entry at %v, want 21s", last.T)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	doc := `{"schema":"ftpdiag/probe/v1","target":{"url":"ftp://a@192.0.2.1/","host":"192.0.2.1","port":21,"user":"a"},
"started":"2026-11-23T21:54:30Z","transcript":[{"t_ms":0,"session":1,"kind":"event","text":"control connection to 192.0.2.1:21: connected",
"event":{"op":"connect","addr":"192.0.2.1:21","outcome":"connected"}},{"t_ms":3.5,"session":1,"kind":"reply","text":"220 Hi","code":220}]}`
	l, err := Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != JSON || len(l.Entries) != 2 || l.Entries[1].T != 3500*time.Microsecond || l.Target.User != "a" {
		t.Errorf("got format %s, %d entries, target %+v", l.Format, len(l.Entries), l.Target)
	}
}

func TestJSONSecrets(t *testing.T) {
	doc := `[{"t_ms":0,"session":1,"kind":"command","text":"PASS open-sesame"},
{"t_ms":1,"session":1,"kind":"note","text":"tried ftp://a:letmein@192.0.2.1/ and open-sesame"}]`
	l, err := Parse([]byte(doc), JSON)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.Secrets, " "); got != "open-sesame letmein" {
		t.Errorf("secrets %q, want %q", got, "open-sesame letmein")
	}
}

func TestLatin1FileNamesAreText(t *testing.T) {
	log := "Command:\tRETR r\xe9sum\xe9.txt\nResponse:\t150 Opening r\xe9sum\xe9.txt\n"
	log = strings.Repeat(log, 6)
	if _, err := Parse([]byte(log), ""); err != nil {
		t.Errorf("a log with Latin-1 file names was refused: %v", err)
	}
}

// TestFileZillaEngines: FileZilla's log file interleaves its connections,
// told apart by the engine number after the process id; each becomes its
// own session, with its own passive address.
func TestFileZillaEngines(t *testing.T) {
	log := "2026-11-23 10:00:00 900 1 Status: Connecting to 192.0.2.1:21...\n" +
		"2026-11-23 10:00:00 900 1 Status: Connection established, waiting for welcome message...\n" +
		"2026-11-23 10:00:00 900 1 Response: 220 Hi\n" +
		"2026-11-23 10:00:01 900 2 Status: Connecting to 192.0.2.1:21...\n" +
		"2026-11-23 10:00:01 900 1 Command: PASV\n" +
		"2026-11-23 10:00:01 900 2 Status: Connection established, waiting for welcome message...\n" +
		"2026-11-23 10:00:01 900 1 Response: 227 Entering Passive Mode (192,0,2,1,11,184)\n" +
		"2026-11-23 10:00:01 900 2 Response: 220 Hi\n" +
		"2026-11-23 10:00:01 900 2 Command: PASV\n" +
		"2026-11-23 10:00:01 900 2 Response: 227 Entering Passive Mode (192,0,2,1,11,185)\n" +
		"2026-11-23 10:00:01 900 2 Command: RETR a.zip\n" +
		"2026-11-23 10:00:02 900 2 Error: The data connection could not be established: ETIMEDOUT - Connection attempt timed out\n" +
		"2026-11-23 10:00:02 900 1 Command: MLSD\n" +
		"2026-11-23 10:00:02 900 1 Response: 150 Opening data channel\n"
	l, err := Parse([]byte(log), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range l.Entries {
		if e.Kind == result.Event {
			got = append(got, strconv.Itoa(e.Session)+" "+string(e.Event.Op)+" "+e.Event.Addr+" "+string(e.Event.Outcome))
		}
	}
	want := []string{
		"1 connect 192.0.2.1:21 connected",
		"2 connect 192.0.2.1:21 connected",
		"2 data-connect 192.0.2.1:3001 timeout",
		"1 data-connect 192.0.2.1:3000 connected",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
