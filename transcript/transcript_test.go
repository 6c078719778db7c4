package transcript

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ftpdiag/internal/golden"
	"ftpdiag/result"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// pinnedClock advances by step on every call, so times in goldens are stable.
func pinnedClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 11, 23, 21, 54, 30, 0, time.UTC)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}

// sample builds the seed's session, with a failing data connection and notes.
func sample() *Log {
	l := New(WithClock(pinnedClock(2*time.Millisecond)), WithSecrets("s3cr3t-pw"))
	s := l.Session("login and passive listing")
	s.Event(result.EventInfo{Op: result.OpConnect, Addr: "192.168.1.175:21", Outcome: result.Connected, Dur: 2300 * time.Microsecond}, "")
	s.Reply(220, "220-Welcome To Rumpus!\n220 Service ready for new user")
	s.Command("USER john")
	s.Reply(331, "331 Password required")
	s.Command("PASS s3cr3t-pw")
	s.Reply(230, "230 User logged in")
	s.Command("SYST")
	s.Reply(215, "215 MACOS Peter's Server")
	s.Command("PASV")
	s.Reply(227, "227 Entering Passive Mode (192,168,1,175,11,187)")
	s.Note("the server listens on 192.168.1.175 port 11*256+187 = 3003")
	s.Event(result.EventInfo{Op: result.OpDataConnect, Addr: "192.168.1.175:3003", Outcome: result.Timeout, Dur: 5 * time.Second}, "")
	t := l.Session("active mode")
	t.Event(result.EventInfo{Op: result.OpDataListen, Addr: "192.168.1.20:40001", Outcome: result.Connected}, "")
	t.Command("PORT 192,168,1,20,156,65")
	t.Reply(500, "500 Illegal PORT command")
	t.Event(result.EventInfo{Op: result.OpClose, By: "server", Err: "login failed for ftp://john:s3cr3t-pw@host/"}, "")
	return l
}

func TestRenderGolden(t *testing.T) {
	cases := []struct {
		name string
		opt  RenderOptions
	}{
		{"plain.txt", RenderOptions{}},
		{"headings.txt", RenderOptions{Headings: true}},
		{"times.txt", RenderOptions{Headings: true, Times: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(&b, sample().Entries(), tc.opt); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tc.name), b.Bytes(), *update)
		})
	}
}

func TestJSONGoldenAndRoundTrip(t *testing.T) {
	entries := sample().Entries()
	got, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "sample.json"), append(got, '\n'), *update)

	var back []result.Entry
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	Render(&a, entries, RenderOptions{Times: true, Headings: true})
	Render(&b, back, RenderOptions{Times: true, Headings: true})
	if a.String() != b.String() {
		t.Errorf("rendering changed after a JSON round trip:\nbefore:\n%s\nafter:\n%s", a.String(), b.String())
	}
	again, _ := json.MarshalIndent(back, "", "  ")
	if !bytes.Equal(got, again) {
		t.Errorf("JSON changed after a round trip")
	}
}

func TestRenderReply(t *testing.T) {
	cases := []struct {
		name string
		code int
		text string
		want []string
	}{
		{"single", 331, "331 Password required", []string{"331: Password required"}},
		{"multi", 220, "220-Welcome\n220-  second\n220 Ready", []string{"220: Welcome", Indent + "second", Indent + "Ready"}},
		{"feat style", 211, "211-Features:\n MDTM\n SIZE\n211 End", []string{"211: Features:", Indent + "MDTM", Indent + "SIZE", Indent + "End"}},
		{"bare code", 200, "200", []string{"200: "}},
		{"not a reply", 0, "SSH-2.0-OpenSSH_9.2", []string{"SSH-2.0-OpenSSH_9.2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := RenderEntry(result.Entry{Kind: result.Reply, Code: tc.code, Text: tc.text})
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHuman(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Second, "5s"},
		{1500 * time.Millisecond, "1.5s"},
		{230 * time.Millisecond, "230ms"},
		{2300 * time.Microsecond, "2.3ms"},
		{420 * time.Microsecond, "0.42ms"},
	}
	for _, tc := range cases {
		if got := Human(tc.d); got != tc.want {
			t.Errorf("Human(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestRecorderLoopback runs a real client/server exchange over 127.0.0.1 and
// checks that both sides' recorders see the same conversation.
func TestRecorderLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	srvLog := New()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		rc := Record(c, srvLog.Session("server"), ServerSide)
		defer rc.Close()
		rc.SetDeadline(time.Now().Add(5 * time.Second))
		rc.Write([]byte("220-Hello\r\n220-there\r\n220 Ready\r\n"))
		r := bufio.NewReader(rc)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch strings.Fields(line)[0] {
			case "USER":
				rc.Write([]byte("331 Password required\r\n"))
			case "PASS":
				rc.Write([]byte("230 Logged in\r\n"))
			case "QUIT":
				rc.Write([]byte("221 Bye\r\n"))
				return
			}
		}
	}()

	cliLog := New(WithSecrets("hunter22"))
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	rc := Record(c, cliLog.Session("client"), ClientSide)
	rc.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(rc)
	expect := func(prefix string) {
		t.Helper()
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("reading reply: %v", err)
			}
			if strings.HasPrefix(line, prefix) {
				return
			}
		}
	}
	expect("220 ")
	rc.Write([]byte("USER john\r\n"))
	expect("331 ")
	rc.Write([]byte("PASS hunter22\r\n"))
	expect("230 ")
	rc.Write([]byte("QUIT\r\n"))
	expect("221 ")
	rc.Close()
	<-done

	want := []string{"220:220-Hello\n220-there\n220 Ready", "0:USER john", "331:331 Password required",
		"0:PASS xxxxxxxx", "230:230 Logged in", "0:QUIT", "221:221 Bye"}
	for _, side := range []*Log{cliLog, srvLog} {
		var got []string
		for _, e := range side.Entries() {
			if e.Kind == result.Command || e.Kind == result.Reply {
				got = append(got, strings.TrimSpace(strings.Join([]string{itoa(e.Code), e.Text}, ":")))
			}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("recorded:\n%q\nwant:\n%q", got, want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRecorderCapsHostileReplies(t *testing.T) {
	l := New()
	var b lineBuf
	s := l.Session("hostile")
	b.replies = true
	b.emit = func(text string, code int) { s.Reply(code, text) }
	b.write([]byte(strings.Repeat("A", 10000) + "\r\n"))
	b.write([]byte("220-start\r\n"))
	for i := 0; i < 1000; i++ {
		b.write([]byte("220-more\r\n"))
	}
	b.flush()
	e := l.Entries()
	if len(e) != 3 {
		t.Fatalf("got %d entries, want 3", len(e))
	}
	if n := len(e[1].Text); n > MaxLine+100 {
		t.Errorf("a 10000-byte line was kept at %d bytes", n)
	}
	if !strings.HasSuffix(e[1].Text, "[... line cut at 4096 bytes]") {
		t.Errorf("the cut is not noted: ...%q", e[1].Text[len(e[1].Text)-40:])
	}
	if n := strings.Count(e[2].Text, "\n") + 1; n != MaxReplyLines+1 {
		t.Errorf("an endless reply kept %d lines, want %d", n, MaxReplyLines+1)
	}
}

func TestRedactionEverywhere(t *testing.T) {
	const pw = "p@ss word/1"
	l := New(WithSecrets(pw))
	s := l.Session("redaction")
	s.Command("PASS " + pw)
	s.Command("pass " + pw)
	s.Command("ACCT " + pw)
	s.Reply(230, "230-Welcome, your password "+pw+" is weak\n230 Logged in")
	s.Note("tried ftp://john:" + url.QueryEscape(pw) + "@198.18.1.2/")
	s.Event(result.EventInfo{Op: result.OpClose, By: "server", Err: "auth " + pw + " failed"}, "")
	s.Event(result.EventInfo{Op: result.OpConnect, Addr: "h:21", Outcome: result.Failed, Err: "dial ftp://u:" + url.PathEscape(pw) + "@h"}, "")
	// A password that is not registered still leaves PASS lines and URLs.
	s.Command("PASS unregistered")
	s.Note("see ftp://anna:unregistered@host:21/x")

	var outs []string
	for _, opt := range []RenderOptions{{}, {Times: true, Headings: true}} {
		var b bytes.Buffer
		Render(&b, l.Entries(), opt)
		outs = append(outs, b.String())
	}
	js, _ := json.Marshal(l.Entries())
	outs = append(outs, string(js))
	for i, out := range outs {
		for _, secret := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw), "unregistered"} {
			if strings.Contains(out, secret) {
				t.Errorf("rendering %d contains %q:\n%s", i, secret, out)
			}
		}
		if !strings.Contains(out, "PASS xxxxxxxx") {
			t.Errorf("rendering %d lost the masked PASS line", i)
		}
	}
}

func TestRedactURLs(t *testing.T) {
	cases := []struct{ in, want string }{
		{"ftp://john:secret@host/", "ftp://john@host/"},
		{"see FTP://a:b@h:21/x and ftp://c:d@e", "see FTP://a@h:21/x and ftp://c@e"},
		{"ftp://john@host/", "ftp://john@host/"},
		{"no url: john:secret@host", "no url: john:secret@host"},
		{"ftp://:onlypass@host", "ftp://@host"},
	}
	for _, tc := range cases {
		if got := RedactURLs(tc.in); got != tc.want {
			t.Errorf("RedactURLs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFollowSeesRedactedEntries(t *testing.T) {
	var lines []string
	l := New(Follow(func(e result.Entry) { lines = append(lines, RenderEntry(e)...) }))
	s := l.Session("follow")
	s.Command("PASS topsecret")
	if got := strings.Join(lines, "|"); got != "=== session 1: follow|Cmd: PASS xxxxxxxx" {
		t.Errorf("followed lines %q", got)
	}
}

func TestFromEntriesRedactsAgain(t *testing.T) {
	in := []result.Entry{{Session: 3, Kind: result.Command, Text: "PASS clear"}, {Session: 3, Kind: result.Note, Text: "pw was clear"}}
	l := FromEntries(in, WithSecrets("clear"))
	for _, e := range l.Entries() {
		if strings.Contains(e.Text, "clear") {
			t.Errorf("kept %q", e.Text)
		}
	}
	if s := l.Session("next"); s.ID() != 4 {
		t.Errorf("next session numbered %d, want 4", s.ID())
	}
}
