package server_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// floodLines sends n command lines of about size bytes each, before any
// login, reading the replies as they come (a client that reads nothing
// would only fill its own socket buffer), and returns once all are answered.
func floodLines(t *testing.T, c *ctl, n, size int) {
	t.Helper()
	line := "XFLD " + strings.Repeat("x", size-len("XFLD \r\n")) + "\r\n"
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
	const capBytes = 2000
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir, TranscriptMaxBytes: capBytes})
	c := dialCtl(t, s)
	floodLines(t, c, 10, 500)
	c.do(221, "QUIT")
	c.conn.Read(make([]byte, 1))
	waitFor(t, dir, "control connection closed")
	text := transcriptText(t, dir)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	want := []string{
		"      ^ transcript cut at 2000 bytes (--transcript-max-bytes): the rest of this session is not recorded",
		"--> control connection closed by the server",
	}
	if n := len(lines); n < 3 || lines[n-2] != want[0] || lines[n-1] != want[1] {
		t.Errorf("the transcript ends %q, want %q", lines[max(0, len(lines)-2):], want)
	}
	if len(text) > capBytes+len(want[0])+len(want[1])+2 {
		t.Errorf("transcript of %d bytes, want the cap of %d and the two lines", len(text), capBytes)
	}
}
