package server_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// floodTimeout bounds a flood of 80 MB on loopback: about 4 s in a plain
// run, several times that under the race detector.
const floodTimeout = 2 * time.Minute

// floodLines sends n command lines of about size bytes each, before any
// login, reading the replies as they come (a client that reads nothing
// would only fill its own socket buffer), and returns once all are answered.
func floodLines(t *testing.T, c *ctl, n, size int) {
	t.Helper()
	line := "XFLD " + strings.Repeat("x", size-len("XFLD \r\n")) + "\r\n"
	c.conn.SetDeadline(time.Now().Add(floodTimeout))
	done := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(c.conn)
		for range n {
			if _, err := w.WriteString(line); err != nil {
				done <- err
				return
			}
		}
		done <- w.Flush()
	}()
	for i := range n {
		if code, _, err := c.tp.ReadResponse(502); err != nil {
			t.Fatalf("reply %d of %d: %d %v", i+1, n, code, err)
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("sending: %v", err)
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestPreLoginFloodMemory: 20,000 lines of 4000 bytes from a client that
// never logs in (80 MB) must not stay in the server's memory while the
// session lasts, and its transcript file stops at the cap with a note.
func TestPreLoginFloodMemory(t *testing.T) {
	const (
		lines, size = 20000, 4000
		maxGrowth   = 16 << 20 // far below the 80 MB sent
		capBytes    = server.DefaultTranscriptMaxBytes
	)
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir})
	before := heapAlloc()
	c := dialCtl(t, s)
	floodLines(t, c, lines, size)
	after := heapAlloc() // the session is still open: its transcript is live
	grew := int64(after) - int64(before)
	t.Logf("heap before %d KiB, after %d lines of %d bytes %d KiB", before>>10, lines, size, after>>10)
	if grew > maxGrowth {
		t.Errorf("the heap grew by %d MiB for one session, want at most %d MiB", grew>>20, maxGrowth>>20)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) != 1 {
		t.Fatalf("transcript files %q, want one", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	// The cap, and a last note saying where the file was cut.
	if fi.Size() > capBytes+1024 {
		t.Errorf("transcript file of %d bytes, want at most %d (the cap) and a note", fi.Size(), capBytes)
	}
	if text := transcriptText(t, dir); !strings.Contains(text, fmt.Sprintf("transcript cut at %d bytes", capBytes)) {
		t.Errorf("no note where the transcript was cut; it ends:\n%s", text[max(0, len(text)-300):])
	}
}

// TestTranscriptCap: past the cap the file gets one note, then only the
// line that tells how the session ended.
func TestTranscriptCap(t *testing.T) {
	const capBytes = server.MinTranscriptBytes // the least Config.Validate allows
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir, TranscriptMaxBytes: capBytes})
	c := dialCtl(t, s)
	floodLines(t, c, 20, 500)
	c.do(221, "QUIT")
	c.conn.Read(make([]byte, 1))
	waitFor(t, dir, "control connection closed")
	text := transcriptText(t, dir)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	want := []string{
		"      ^ transcript cut at 4096 bytes (--transcript-max-bytes): the rest of this session is not recorded",
		"--> control connection closed by the server",
	}
	if n := len(lines); n < 3 || lines[n-2] != want[0] || lines[n-1] != want[1] {
		t.Errorf("the transcript ends %q, want %q", lines[max(0, len(lines)-2):], want)
	}
	if len(text) > capBytes+len(want[0])+len(want[1])+2 {
		t.Errorf("transcript of %d bytes, want the cap of %d and the two lines", len(text), capBytes)
	}
}

// holdConns opens n control connections from local addresses 127.0.0.2,
// 127.0.0.3, ... (a few per address, as an attacker with several addresses
// would) that read the greeting and then either say nothing or trickle one
// byte at a time, never logging in. It returns them.
func holdConns(t *testing.T, s *server.Server, n int, trickle bool) []*ctl {
	t.Helper()
	var out []*ctl
	for i := range n {
		c := dialCtlFrom(t, s, localAddr(fmt.Sprintf("127.0.0.%d", 2+i/3)))
		out = append(out, c)
		if trickle {
			go func() {
				for range 50 {
					if _, err := c.conn.Write([]byte("N")); err != nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
			}()
		}
	}
	return out
}

// TestPreLoginDoesNotLockOut: connections that never log in hold every slot
// of the server; curl, a user who logs in, must still get its download.
func TestPreLoginDoesNotLockOut(t *testing.T) {
	for _, tt := range []struct {
		name    string
		trickle bool
	}{{"silent", false}, {"one byte at a time", true}} {
		t.Run(tt.name, func(t *testing.T) {
			s := servertest.Start(t, server.Config{MaxConns: 6})
			holdConns(t, s, 6, tt.trickle)
			out := filepath.Join(t.TempDir(), "test")
			runClient(t, "curl", "-sS", "--max-time", "10", "-o", out, servertest.URL(s)+"test")
			if got, err := os.ReadFile(out); err != nil || len(got) != server.DemoTestSize {
				t.Errorf("curl downloaded %d bytes (%v), want %d", len(got), err, server.DemoTestSize)
			}
		})
	}
}

// TestLoginDeadline: a connection must log in within the login timeout,
// however busy it keeps itself; once logged in, only the idle timeout counts.
func TestLoginDeadline(t *testing.T) {
	const deadline = 300 * time.Millisecond
	s := servertest.Start(t, server.Config{LoginTimeout: deadline})
	c := dialCtl(t, s)
	user := dialCtl(t, s).login()
	start := time.Now()
	for {
		if time.Since(start) > 5*deadline {
			t.Fatalf("not closed %s after connecting, login timeout %s", time.Since(start), deadline)
		}
		c.tp.PrintfLine("NOOP") // busy, but not logged in
		code, msg, err := c.tp.ReadResponse(0)
		if code == 421 {
			if !strings.Contains(msg, "300ms") {
				t.Errorf("421 %q does not name the limit", msg)
			}
			if d := time.Since(start); d < deadline-50*time.Millisecond {
				t.Errorf("closed after %s, before the deadline of %s", d, deadline)
			}
			break
		}
		if err != nil {
			t.Fatalf("before the 421: %d %q %v", code, msg, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	user.do(200, "NOOP") // the user who logged in stays
}

// TestPreLoginCap: at most MaxPreLogin connections wait for their login; one
// more closes the oldest of them (421 naming the limit), never a session
// that has logged in.
func TestPreLoginCap(t *testing.T) {
	s := servertest.Start(t, server.Config{MaxConns: 3, MaxPreLogin: 2})
	user := dialCtl(t, s).login()
	first := dialCtl(t, s)
	second := dialCtl(t, s)
	third := dialCtl(t, s) // over both limits: the oldest waiting one goes
	if msg := first.expect(421); !strings.Contains(msg, "not logged in") || !strings.Contains(msg, "2") {
		t.Errorf("421 %q does not name the limit", msg)
	}
	second.do(200, "NOOP")
	third.login().do(200, "NOOP")
	user.do(200, "NOOP")
	// All three slots logged in now: the next connection is refused.
	second.login()
	dialCtl := func() string {
		c, err := net.DialTimeout("tcp", s.Addr().String(), testTimeout)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		line, _ := bufio.NewReader(c).ReadString('\n')
		return line
	}
	if got := dialCtl(); !strings.HasPrefix(got, "421 Too many connections") {
		t.Errorf("with every slot logged in: got %q, want 421", got)
	}
}

// TestPreLoginEvictsBusiestAddress: the connection a newcomer closes is
// the oldest of the address with the most waiting, so one client's own
// waiting connection outlasts another address's many.
func TestPreLoginEvictsBusiestAddress(t *testing.T) {
	s := servertest.Start(t, server.Config{MaxConns: 8, MaxPreLogin: 3})
	honest := dialCtl(t, s) // the oldest waiting connection of all
	attacker := localAddr("127.0.0.2")
	first := dialCtlFrom(t, s, attacker)
	dialCtlFrom(t, s, attacker)
	dialCtlFrom(t, s, attacker) // one too many: 127.0.0.2 has two waiting, 127.0.0.1 one
	first.expect(421)
	honest.login().do(200, "NOOP")
}
