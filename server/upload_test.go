package server_test

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestUploadAtomic: the real name appears only once an upload completed;
// an aborted upload leaves neither a partial file nor its temporary.
func TestUploadAtomic(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "keep.txt"), []byte("old content"), 0o644)
	s := servertest.Start(t, server.Config{Root: root, Writable: true})
	c := dialCtl(t, s).login()

	dc := c.epsv()
	c.do(150, "STOR new.bin")
	dc.Write(bytes.Repeat([]byte("x"), 100000))
	if _, err := os.Stat(filepath.Join(root, "new.bin")); err == nil {
		t.Errorf("new.bin is visible before the upload completed")
	}
	dc.Close()
	c.expect(226)
	if got, _ := os.ReadFile(filepath.Join(root, "new.bin")); len(got) != 100000 {
		t.Errorf("new.bin after 226: %d bytes, want 100000", len(got))
	}

	dc = c.epsv()
	c.do(150, "STOR keep.txt")
	dc.Write([]byte("half of the new con"))
	time.Sleep(50 * time.Millisecond) // let the bytes reach the file
	c.do(426, "ABOR")
	c.expect(226)
	if got, _ := os.ReadFile(filepath.Join(root, "keep.txt")); string(got) != "old content" {
		t.Errorf("keep.txt after an aborted STOR: %q, want the old content", got)
	}
	if left := leftovers(t, root); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestUploadAppendAndRest: APPE adds to a file, REST+STOR replaces its tail.
func TestUploadAppendAndRest(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "f"), []byte("hello "), 0o644)
	s := servertest.Start(t, server.Config{Root: root, Writable: true})
	c := dialCtl(t, s).login()
	tests := []struct {
		name, rest, cmd, data, want string
	}{
		{"APPE", "", "APPE f", "world", "hello world"},
		{"REST then STOR", "REST 6", "STOR f", "there", "hello there"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			if tt.rest != "" {
				c.do(350, "%s", tt.rest)
			}
			dc := c.epsv()
			c.do(150, "%s", tt.cmd)
			dc.Write([]byte(tt.data))
			dc.Close()
			c.expect(226)
			if got, _ := os.ReadFile(filepath.Join(root, "f")); string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func leftovers(t *testing.T, dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".ftpdiag-upload-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestTranscriptDir: each session's transcript is written as it happens,
// with the password redacted.
func TestTranscriptDir(t *testing.T) {
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir})
	c := dialCtl(t, s).login()
	c.do(257, "PWD")
	deadline := time.Now().Add(testTimeout)
	for !strings.Contains(transcriptText(t, dir), `257: "/" is the current directory`) {
		if time.Now().After(deadline) {
			t.Fatalf("the transcript was not written while the session runs:\n%s", transcriptText(t, dir))
		}
		time.Sleep(10 * time.Millisecond)
	}
	tr := transcriptText(t, dir)
	if strings.Contains(tr, servertest.Password) || !strings.Contains(tr, "Cmd: PASS xxxxxxxx") {
		t.Errorf("password not redacted:\n%s", tr)
	}
	if !strings.HasPrefix(tr, "=== session 1: control connection from 127.0.0.1:") {
		t.Errorf("transcript does not start with the session heading:\n%s", tr)
	}
}

// TestActiveFromPort20: as root, active connections come from port 20.
func TestActiveFromPort20(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("binding port 20 needs root")
	}
	s := servertest.Start(t, server.Config{ActiveFrom20: true})
	c := dialCtl(t, s).login()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c.do(200, "EPRT |1|127.0.0.1|%d|", ln.Addr().(*net.TCPAddr).Port)
	c.do(150, "NLST")
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(testTimeout))
	dc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	if got := dc.RemoteAddr().(*net.TCPAddr).Port; got != 20 {
		t.Errorf("active connection from port %d, want 20", got)
	}
}

// TestAbortWhileWaiting: ABOR before the client ever connects the data
// port ends the waiting transfer with 426, then 226.
func TestAbortWhileWaiting(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s).login()
	c.epsvPort()
	c.tp.PrintfLine("RETR test") // RETR starts the transfer before ABOR is read
	c.do(426, "ABOR")
	c.expect(226)
	c.do(200, "NOOP")
}
