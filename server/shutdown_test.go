package server_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestGracefulShutdown: idle sessions get 421 at once; a running transfer
// finishes, then its session gets 421; Shutdown returns when all are done.
func TestGracefulShutdown(t *testing.T) {
	root := t.TempDir()
	const size = 32 << 20 // more than the socket buffers hold, so the transfer waits for us
	os.WriteFile(filepath.Join(root, "big"), make([]byte, size), 0o644)
	s := servertest.Start(t, server.Config{Root: root})
	idle := dialCtl(t, s).login()
	busy := dialCtl(t, s).login()
	dc := busy.epsv()
	busy.do(150, "RETR big")
	io.ReadFull(dc, make([]byte, 1024))

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		done <- s.Shutdown(ctx)
	}()
	idle.expect(421)
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) while a transfer was running", err)
	case <-time.After(100 * time.Millisecond):
	}
	n, _ := io.Copy(io.Discard, dc)
	if n+1024 != size {
		t.Errorf("transfer during shutdown: %d bytes, want %d", n+1024, size)
	}
	busy.expect(226)
	busy.expect(421)
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}
