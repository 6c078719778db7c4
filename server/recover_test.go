package server_test

import (
	"bytes"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// lockedBuffer is a bytes.Buffer the server's goroutines may log into.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPanicEndsOneCommand: a panic in a command's handler, in a transfer,
// in a passive accept or in a sweep is answered 451 (the sweep's own reply
// came before), noted in the transcript with its stack in the error log;
// the session goes on, another session goes on, and the server takes new
// ones (issue 28). Before, any of these ended the whole process.
func TestPanicEndsOneCommand(t *testing.T) {
	tests := []struct {
		where string
		run   func(t *testing.T, c *ctl)
	}{
		{"SYST", func(t *testing.T, c *ctl) { c.do(451, "SYST") }},
		{"transfer", func(t *testing.T, c *ctl) {
			dc := c.epsv()
			c.do(150, "RETR test")
			io.Copy(io.Discard, dc)
			c.expect(451)
		}},
		{"passive accept", func(t *testing.T, c *ctl) {
			c.epsvPort()
			c.do(451, "RETR test")
		}},
		{"SITE SWEEP", func(t *testing.T, c *ctl) {
			c.do(200, "SITE SWEEP 1")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			lo, hi := freeRange(t, 3)
			var logged lockedBuffer
			dir := t.TempDir()
			s := servertest.Start(t, server.Config{PasvMin: lo, PasvMax: hi, SweepInterval: -1, TranscriptDir: dir,
				ErrorLog: log.New(&logged, "", 0), Faults: server.Faults{PanicIn: tt.where}})
			other := dialCtl(t, s).login()
			c := dialCtl(t, s).login()
			tt.run(t, c)
			c.do(200, "NOOP") // the session goes on
			other.do(257, "PWD")
			dialCtl(t, s).login().do(213, "SIZE test") // and new ones come in
			if tt.where == "SITE SWEEP" {
				sweepAgain(t, other)
			}
			if got := logged.String(); !strings.Contains(got, "panic in "+tt.where+": fault injected") || !strings.Contains(got, "goroutine") {
				t.Errorf("the error log has no panic with its stack:\n%s", got)
			}
			waitFor(t, dir, "the server's "+tt.where+" panicked (fault injected in "+tt.where+"); answered 451")
			files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
			for _, f := range files {
				b, _ := os.ReadFile(f)
				if strings.Contains(string(b), "goroutine ") {
					t.Errorf("a stack in transcript %s", f)
				}
			}
		})
	}
}

// sweepAgain starts a sweep once the one before has given the range back
// (450 until then), failing when it never does: after a sweep that
// panicked, or one whose ports were seen closing.
func sweepAgain(t *testing.T, c *ctl) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		c.tp.PrintfLine("SITE SWEEP 1")
		code, msg, _ := c.tp.ReadResponse(0)
		switch {
		case code == 200:
			return
		case code != 450 || time.Now().After(deadline):
			t.Fatalf("SITE SWEEP after the sweep before it ended: %d %s, want 200", code, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
