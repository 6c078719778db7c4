package server_test

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// floodTranscripts has flooders connections that never log in send 4000-byte
// lines as fast as the server reads them, each connecting again when the
// server closes it, for dur. It returns how many connections were made.
func floodTranscripts(t *testing.T, s *server.Server, flooders int, dur time.Duration) int {
	t.Helper()
	line := []byte("XFLD " + strings.Repeat("x", 4000-len("XFLD \r\n")) + "\r\n")
	batch := bytes.Repeat(line, 16)
	stop := time.Now().Add(dur)
	var mu sync.Mutex
	conns := 0
	var wg sync.WaitGroup
	for range flooders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 10000 && time.Now().Before(stop); n++ {
				c, err := net.DialTimeout("tcp", s.Addr().String(), testTimeout)
				if err != nil {
					return
				}
				mu.Lock()
				conns++
				mu.Unlock()
				c.SetDeadline(stop)
				go io.Copy(io.Discard, c)
				for time.Now().Before(stop) {
					if _, err := c.Write(batch); err != nil {
						break
					}
				}
				c.Close()
			}
		}()
	}
	wg.Wait()
	return conns
}

// dirBytes is what the files in dir hold, and how many there are.
func dirBytes(t *testing.T, dir string) (int64, int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			total += fi.Size()
		}
	}
	return total, len(entries)
}

// TestTranscriptBudget: connections that never log in, flooding long lines
// and reconnecting when closed, cannot make the transcript directory grow
// past its budget (issue 30: 674 MiB in 10 s before). Each open session
// may overrun by its closing lines, so the bound allows a few hundred bytes
// per connection the server holds.
func TestTranscriptBudget(t *testing.T) {
	const (
		perFile  = 64 << 10
		budget   = 1 << 20
		flooders = 16
		dur      = 2 * time.Second
		slack    = 24 * 512 // the closing lines of as many sessions as may be open
	)
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir, TranscriptMaxBytes: perFile,
		TranscriptKeepBytes: budget, MaxPerAddr: 24, LoginTimeout: 300 * time.Millisecond})
	conns := floodTranscripts(t, s, flooders, dur)
	s.Close()
	got, files := dirBytes(t, dir)
	t.Logf("%d connections in %s wrote %d bytes in %d files (budget %d)", conns, dur, got, files, budget)
	if got > budget+slack {
		t.Errorf("transcripts hold %d bytes after %s of flooding, want at most %d (budget %d)", got, dur, budget+slack, budget)
	}
	if !strings.Contains(transcriptText(t, dir), "transcript cut at") {
		t.Errorf("no transcript says it was cut")
	}
}

// TestTranscriptKeepAtStart: files left by earlier runs count against the
// budget and the age limit, oldest removed first; files that are not
// transcripts are never touched.
func TestTranscriptKeepAtStart(t *testing.T) {
	now := time.Now()
	files := []struct {
		name string
		age  time.Duration
	}{
		{"20261101T000000Z-0001-127.0.0.1.txt", 40 * 24 * time.Hour},
		{"20261201T000000Z-0002-127.0.0.1.txt", 3 * time.Hour},
		{"20261202T000000Z-0003-127.0.0.1.txt", 2 * time.Hour},
		{"20261203T000000Z-0004-__1.txt", time.Hour},
		{"notes.txt", 50 * 24 * time.Hour},
	}
	tests := []struct {
		name     string
		keep     int64
		keepAge  time.Duration
		wantGone []string
	}{
		{"defaults: a month", 0, 0, []string{files[0].name}},
		{"two files' worth, oldest first", 2 * 8192, -1, []string{files[0].name, files[1].name}},
		{"age 150 minutes", -1, 150 * time.Minute, []string{files[0].name, files[1].name}},
		{"no bound", -1, -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range files {
				p := filepath.Join(dir, f.name)
				os.WriteFile(p, make([]byte, 8000), 0o600)
				os.Chtimes(p, now.Add(-f.age), now.Add(-f.age))
			}
			servertest.Start(t, server.Config{TranscriptDir: dir, TranscriptKeepBytes: tt.keep, TranscriptKeepAge: tt.keepAge})
			var gone []string
			for _, f := range files {
				if _, err := os.Stat(filepath.Join(dir, f.name)); err != nil {
					gone = append(gone, f.name)
				}
			}
			if strings.Join(gone, " ") != strings.Join(tt.wantGone, " ") {
				t.Errorf("removed %v, want %v", gone, tt.wantGone)
			}
		})
	}
}

// TestTranscriptCutByBudget: when the sessions still open hold the whole
// budget, a session's transcript is cut with a note naming the budget, and
// still ends with its closing line.
func TestTranscriptCutByBudget(t *testing.T) {
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir, TranscriptKeepBytes: 8192})
	c := dialCtl(t, s).login()
	for range 600 {
		c.do(200, "NOOP")
	}
	c.do(221, "QUIT")
	c.conn.Read(make([]byte, 1))
	waitFor(t, dir, "control connection closed")
	got := transcriptText(t, dir)
	if !strings.Contains(got, "fill the directory's budget of 8 KiB (--transcript-keep)") {
		t.Errorf("no note of the budget's cut in:\n%s", got)
	}
	if size, _ := dirBytes(t, dir); size > 8192+512 {
		t.Errorf("the transcript holds %d bytes, want at most the budget and its closing lines", size)
	}
}

// TestTranscriptFloodSparesLogins: a flood of connections that never log
// in removes its own transcripts first: the older transcript of a session
// that logged in stays, though the budget is used many times over.
func TestTranscriptFloodSparesLogins(t *testing.T) {
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir, TranscriptMaxBytes: 16 << 10,
		TranscriptKeepBytes: 128 << 10, MaxPerAddr: 24, LoginTimeout: 200 * time.Millisecond})
	c := dialCtl(t, s).login()
	c.do(257, "PWD")
	c.do(221, "QUIT")
	c.conn.Read(make([]byte, 1))
	waitFor(t, dir, "control connection closed")
	if !strings.Contains(transcriptText(t, dir), "257: \"/\"") {
		t.Fatalf("no PWD before the flood:\n%s", transcriptText(t, dir))
	}
	conns := floodTranscripts(t, s, 8, time.Second)
	s.Close()
	got, files := dirBytes(t, dir)
	t.Logf("%d flooding connections; %d bytes in %d files left", conns, got, files)
	if !strings.Contains(transcriptText(t, dir), "257: \"/\"") {
		t.Errorf("the transcript of the session that logged in was removed by the flood")
	}
	if got > 128<<10+24*512 {
		t.Errorf("transcripts hold %d bytes, want at most the budget of %d and closing lines", got, 128<<10)
	}
}
