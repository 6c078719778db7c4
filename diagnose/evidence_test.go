package diagnose

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdiag/result"
)

// TestTooLongGreetingSaysWhatWasSeen: a greeting that runs past the
// reader's limit is not evidence of another protocol; the title says what
// was seen.
func TestTooLongGreetingSaysWhatWasSeen(t *testing.T) {
	entries := readEntries(t, "testdata/diagnose/control-not-ftp-too-long.json")
	fs := Diagnose(entries)
	if len(fs) != 1 || fs[0].Code != CodeControlNotFTP {
		t.Fatalf("findings %+v, want one %s", fs, CodeControlNotFTP)
	}
	if title := fs[0].Title; strings.Contains(strings.ToLower(title), "another protocol") || !strings.Contains(title, "64 KiB") {
		t.Errorf("title %q: want what was seen (a reply past 64 KiB), not another protocol", title)
	}
}

// TestGoldensBacked: every golden transcript's result cites lines that
// exist and are of the kind its codes are about, and is ok only with a
// login and a transfer seen to its end.
func TestGoldensBacked(t *testing.T) {
	files, _ := filepath.Glob("testdata/diagnose/*.json")
	for _, path := range files {
		if strings.HasSuffix(path, ".findings.json") {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			res := NewResult(Input{Record: result.Record{Entries: readEntries(t, path)}})
			if err := Backed(res); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestEvidenceSays: where a transcript ends, in the report's words.
func TestEvidenceSays(t *testing.T) {
	connect := result.Entry{Session: 1, Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Addr: "192.0.2.1:21", Outcome: result.Connected}}
	reply := func(code int, text string) result.Entry {
		return result.Entry{Session: 1, Kind: result.Reply, Code: code, Text: text}
	}
	cmd := func(text string) result.Entry {
		return result.Entry{Session: 1, Kind: result.Command, Text: text}
	}
	closed := func(out result.Outcome) result.Entry {
		return result.Entry{Session: 1, Kind: result.Event, Event: &result.EventInfo{Op: result.OpDataClose, Outcome: out, By: "client", Bytes: 100}}
	}
	login := []result.Entry{connect, reply(220, "220 Hi"), cmd("USER a"), reply(331, "331 Pw"), cmd("PASS x"), reply(230, "230 In")}
	list := []result.Entry{cmd("PASV"), reply(227, "227 Entering Passive Mode (192,0,2,1,11,184)"), cmd("LIST"), reply(150, "150 Here")}
	cases := []struct {
		name    string
		entries []result.Entry
		ok      bool
		says    string
	}{
		{"connected only", []result.Entry{connect}, false, "the log ends before the server's greeting"},
		{"greeting", login[:2], false, "the log ends after the greeting: nothing about login or data connections"},
		{"login", login, false, "the log ends after the login"},
		{"listing in progress", append(slices.Clone(login), list...), false, "the log ends during LIST"},
		{"listing answered 226", append(append(slices.Clone(login), list...), reply(226, "226 Done")), true, ""},
		{"226 before the probe's close", append(append(slices.Clone(login), list...), reply(226, "226 Done"), closed(result.Complete)), true, ""},
		{"cut by the probe, 226 or not", append(append(slices.Clone(login), list...), reply(226, "226 Done"), closed(result.Truncated)), false, "the probe cut one at 100 bytes"},
		{"a fragment with it all but the start", append(login[2:], append(slices.Clone(list), reply(226, "226 Done"))...), false, "starts in the middle of a session"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok, says := Evidence(tc.entries, "the log")
			if ok != tc.ok || !strings.Contains(says, tc.says) {
				t.Errorf("Evidence = %v, %q; want %v, containing %q", ok, says, tc.ok, tc.says)
			}
		})
	}
}

// TestOOPSAfterPASV: vsftpd's "500 OOPS: vsf_sysutil_bind" after PASV
// (seen in the lab when its six-port range was in use by the probe's other
// sessions) is the server failing on its own side, not PASV refused.
func TestOOPSAfterPASV(t *testing.T) {
	es := []result.Entry{
		{Session: 1, Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Addr: "127.0.0.1:2121", Outcome: result.Connected}},
		{Session: 1, Kind: result.Reply, Code: 220, Text: "220 (vsFTPd 3.0.3)"},
		{Session: 1, Kind: result.Command, Text: "USER anonymous"},
		{Session: 1, Kind: result.Reply, Code: 230, Text: "230 Login successful."},
		{Session: 1, Kind: result.Command, Text: "PASV"},
		{Session: 1, Kind: result.Reply, Code: 500, Text: "500 OOPS: vsf_sysutil_bind"},
		{Session: 1, Kind: result.Command, Text: "PASV"},
		{Session: 1, Kind: result.Reply, Code: 500, Text: "500 OOPS: priv_sock_get_int"},
	}
	if fs := Diagnose(es); len(fs) != 0 {
		t.Errorf("findings %v, want none: an OOPS is no refusal of PASV", codesOf(fs))
	}
}
