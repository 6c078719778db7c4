package foreign

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf16"

	"ftpdiag/internal/daylog"
	"ftpdiag/result"
)

// scanAll is every session Scan hands on, in the order it does.
func scanAll(t *testing.T, log string) []*Log {
	t.Helper()
	var out []*Log
	if _, err := Scan(strings.NewReader(log), "", func(l *Log) { out = append(out, l) }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestScanCorpusIsOneSessionAsParsed: every log of the corpus is one
// session to the streaming reading (a client's retries and fallbacks stay
// in it), with exactly the entries, target and start of the whole reading:
// what explain printed for them before it streamed, it prints still.
func TestScanCorpusIsOneSessionAsParsed(t *testing.T) {
	var paths []string
	for _, dir := range []string{"../../testdata/logs", "../../testdata/world"} {
		p, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		paths = append(paths, p...)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := Parse(data, "")
		if err != nil {
			continue // not a client log (the corpus of server logs is elsewhere)
		}
		var got []*Log
		if _, err := Scan(strings.NewReader(string(data)), "", func(l *Log) { got = append(got, l) }); err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if len(got) != 1 {
			t.Errorf("%s: %d sessions, want 1", p, len(got))
			continue
		}
		g := got[0]
		g.Session, g.Line = 0, 0
		// The streaming reading keeps each password once; masking is the same.
		whole.Secrets = slices.Compact(slices.Sorted(slices.Values(whole.Secrets)))
		g.Secrets = slices.Compact(slices.Sorted(slices.Values(g.Secrets)))
		if !reflect.DeepEqual(g, whole) {
			t.Errorf("%s: streamed %+v\nwhole %+v", p, g, whole)
		}
	}
}

// fzLog writes FileZilla log file lines: engine, seconds after 08:00, text.
func fzLog(lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		var engine, secs int
		var text string
		fmt.Sscanf(l, "%d %d", &engine, &secs)
		_, text, _ = strings.Cut(l, "|")
		at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(secs) * time.Second)
		fmt.Fprintf(&b, "%s 4312 %d %s\n", at.Format("2006-01-02 15:04:05"), engine, text)
	}
	return b.String()
}

// session is a short healthy FileZilla session on engine e from second s.
func session(e, s int, user string) []string {
	p := func(d int, text string) string { return fmt.Sprintf("%d %d |%s", e, s+d, text) }
	return []string{
		p(0, "Status: Connecting to 198.18.0.1:21..."),
		p(0, "Status: Connection established, waiting for welcome message..."),
		p(0, "Response: 220 ready"),
		p(0, "Command: USER "+user),
		p(0, "Response: 331 password please"),
		p(0, "Command: PASS secret-"+user),
		p(1, "Response: 230 logged in"),
		p(1, "Command: PASV"),
		p(1, "Response: 227 Entering Passive Mode (198,18,0,1,11,184)."),
		p(1, "Command: MLSD"),
		p(2, "Response: 150 here it comes"),
		p(2, "Response: 226 done"),
		p(2, "Status: Disconnected from server"),
	}
}

// interleave puts the lines of two sessions one after the other.
func interleave(a, b []string) []string {
	var out []string
	for i := 0; i < len(a) || i < len(b); i++ {
		if i < len(a) {
			out = append(out, a[i])
		}
		if i < len(b) {
			out = append(out, b[i])
		}
	}
	return out
}

// TestScanSplitsSessions: FileZilla's engines are read apart, a new
// connection after a session ended is a new session, and each session
// stands alone: its times from its own start, its connections from 1, its
// first line, its own target.
func TestScanSplitsSessions(t *testing.T) {
	log := fzLog(append(interleave(session(1, 0, "ann"), session(2, 0, "bob")), session(1, 600, "cid")...)...)
	got := scanAll(t, log)
	type sess struct {
		n, line int
		user    string
		started time.Time
		first   time.Duration
	}
	var have []sess
	for _, l := range got {
		have = append(have, sess{l.Session, l.Line, l.Target.User, l.Started, l.Entries[0].T})
		for _, e := range l.Entries {
			if e.Session != 1 {
				t.Errorf("session %d: an entry of connection %d, want 1", l.Session, e.Session)
			}
		}
	}
	at := func(s int) time.Time { return time.Date(2026, 12, 1, 8, 0, s, 0, time.UTC) }
	want := []sess{{1, 1, "ann", at(0), 0}, {2, 2, "bob", at(0), 0}, {3, 27, "cid", at(600), 0}}
	if !reflect.DeepEqual(have, want) {
		t.Errorf("sessions %+v\nwant %+v", have, want)
	}
}

// TestScanRetryIsOneSession: a new connection soon after a transient
// failure is the client's retry, the same session; the same an hour later
// is a new one.
func TestScanRetryIsOneSession(t *testing.T) {
	failed := func(s int) []string {
		return []string{
			fmt.Sprintf("1 %d |Status: Connecting to 198.18.0.1:21...", s),
			fmt.Sprintf("1 %d |Status: Connection established, waiting for welcome message...", s),
			fmt.Sprintf("1 %d |Response: 421 too many connections", s),
			fmt.Sprintf("1 %d |Error: Connection closed by server", s),
		}
	}
	for _, tc := range []struct {
		name  string
		after int
		want  int
	}{{"retry after 5 s", 5, 1}, {"again an hour later", 3600, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			log := fzLog(append(failed(0), session(1, tc.after, "ann")...)...)
			if got := len(scanAll(t, log)); got != tc.want {
				t.Errorf("%d sessions, want %d", got, tc.want)
			}
		})
	}
}

// TestScanPasswordsMaskedLater: a session hands on the passwords seen up
// to its end, each once.
func TestScanPasswordsOnce(t *testing.T) {
	var lines []string
	for i := range 5 {
		lines = append(lines, session(1, i*600, "ann")...)
	}
	got := scanAll(t, fzLog(lines...))
	if len(got) != 5 {
		t.Fatalf("%d sessions, want 5", len(got))
	}
	if s := got[4].Secrets; !reflect.DeepEqual(s, []string{"secret-ann"}) {
		t.Errorf("secrets %q, want the one password once", s)
	}
}

// TestScanLines: line ends of every kind, a last line without one, and a
// line longer than MaxLine cut with a note, through a reader that gives a
// byte at a time.
func TestScanLines(t *testing.T) {
	long := strings.Repeat("x", MaxLine+10)
	log := "Cmd: USER a\r\n331: pass\rCmd: PASS b\n" + "Cmd: SITE " + long + "\n230: ok"
	var got *Log
	info, err := Scan(iotest.OneByteReader(strings.NewReader(log)), Seed, func(l *Log) { got = l })
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range got.Entries {
		texts = append(texts, string(e.Kind)+" "+e.Text[:min(len(e.Text), 24)])
	}
	want := []string{"note the log starts here, in ", "command USER a", "reply 331 pass", "command PASS b",
		"command SITE xxxxxxxxxxxxxxxxxxx", "note line 4 of the log is lon", "reply 230 ok"}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("entries %q\nwant %q", texts, want)
	}
	if info.Lines != 5 || info.Long != 1 {
		t.Errorf("%d lines, %d long, want 5 and 1", info.Lines, info.Long)
	}
}

// TestUTF16ReaderByteByByte: UTF-16 decoded a byte at a time, a surrogate
// pair cut between reads, as utf16.Decode decodes it whole.
func TestUTF16ReaderByteByByte(t *testing.T) {
	text := "Status:\tConnexion établie 🙂 done\n"
	units := utf16.Encode([]rune(text))
	var le []byte
	for _, u := range units {
		le = append(le, byte(u), byte(u>>8))
	}
	got, err := io.ReadAll(&utf16Reader{r: iotest.OneByteReader(strings.NewReader(string(le)))})
	if err != nil || string(got) != text {
		t.Errorf("%q %v, want %q", got, err, text)
	}
}

// TestScanBigLogInBoundedMemory: a day of FileZilla's log file bigger
// than the old 32 MiB refusal streams through in the memory of a few
// sessions: the heap in use stays far under the log's size.
func TestScanBigLogInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: reads 96 MiB")
	}
	recs, err := daylog.Recordings("../../testdata/logs", "en")
	if err != nil {
		t.Fatal(err)
	}
	const size = 96 << 20
	pr, pw := io.Pipe()
	go func() {
		_, err := daylog.FileZilla(pw, recs, size)
		pw.CloseWithError(err)
	}()
	var peak uint64
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	n := 0
	info, err := Scan(pr, "", func(l *Log) {
		if n++; n%500 == 0 {
			metrics.Read(m)
			peak = max(peak, m[0].Value.Uint64())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != FileZilla || info.Sessions < 10000 {
		t.Errorf("%+v: want FileZilla's log in over 10000 sessions", info)
	}
	if peak > 48<<20 {
		t.Errorf("heap peaked at %d MiB reading a %d MiB log", peak>>20, size>>20)
	}
}

// TestScanPastMaxEntriesReadsTheNextSession: a session cut at MaxEntries
// says so, and the session after it is read.
func TestScanPastMaxEntriesReadsTheNextSession(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: half a million lines")
	}
	var b strings.Builder
	b.WriteString("Status:\tConnecting to 192.0.2.1:21...\nResponse:\t220 ready\n")
	for range MaxEntries + 5 {
		b.WriteString("Response:\t200 ok\n")
	}
	b.WriteString("Status:\tDisconnected from server\n")
	b.WriteString("Status:\tConnecting to 192.0.2.2:21...\nResponse:\t220 other\nCommand:\tUSER ann\nResponse:\t530 no\n")
	got := scanAll(t, b.String())
	if len(got) != 2 {
		t.Fatalf("%d sessions, want 2", len(got))
	}
	first, second := got[0].Entries, got[1].Entries
	if last := first[len(first)-1]; last.Kind != result.Note || !strings.Contains(last.Text, "more lines, not read") {
		t.Errorf("first session ends %+v, want the note of the cut", last)
	}
	if got[1].Target.Host != "192.0.2.2" || second[len(second)-1].Code != 530 {
		t.Errorf("second session %+v ... %+v", got[1].Target, second[len(second)-1])
	}
}
