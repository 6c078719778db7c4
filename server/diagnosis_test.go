package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// syncBuffer is a session log written by the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// lines waits for n JSON session lines and returns them.
func (s *syncBuffer) lines(t *testing.T, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		s.mu.Lock()
		text := s.b.String()
		s.mu.Unlock()
		var out []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil {
				out = append(out, m)
			}
		}
		if len(out) >= n || time.Now().After(deadline) {
			if len(out) < n {
				t.Fatalf("%d session lines, want %d:\n%s", len(out), n, text)
			}
			return out
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func diagServer(t *testing.T) (*server.Server, *syncBuffer) {
	buf := &syncBuffer{}
	lg, err := server.SessionLogger(buf, "json")
	if err != nil {
		t.Fatal(err)
	}
	return servertest.Start(t, server.Config{SessionLog: lg, DataTimeout: 300 * time.Millisecond}), buf
}

// TestSessionDiagnosis: each session's end is diagnosed from the server's
// side, in its one log line.
func TestSessionDiagnosis(t *testing.T) {
	for _, c := range []struct {
		name    string
		run     func(c *ctl)
		verdict string
		codes   string
	}{
		{"passive never arrives", func(c *ctl) {
			c.do(227, "PASV")
			c.do(221, "QUIT")
		}, "critical", "data.passive.never-arrived"},
		{"passive accept times out", func(c *ctl) {
			c.epsvPort()
			c.do(425, "LIST")
			c.do(221, "QUIT")
		}, "critical", "data.passive.never-arrived"},
		{"active connect-back refused", func(c *ctl) {
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			port := ln.Addr().(*net.TCPAddr).Port
			ln.Close()
			c.do(200, "EPRT |1|127.0.0.1|%d|", port)
			c.do(425, "LIST")
			c.do(221, "QUIT")
		}, "warning", "active.connect-back-failed"},
		{"the worst finding leads the line", func(c *ctl) {
			c.do(502, "AUTH TLS")
			c.do(227, "PASV")
			c.do(221, "QUIT")
		}, "critical", "tls.unsupported,data.passive.never-arrived"},
		{"healthy", func(c *ctl) {
			d := c.epsv()
			c.do(150, "LIST")
			buf := make([]byte, 4096)
			for {
				if _, err := d.Read(buf); err != nil {
					break
				}
			}
			c.expect(226)
			c.do(221, "QUIT")
		}, "ok", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, buf := diagServer(t)
			c.run(dialCtl(t, s).login())
			l := buf.lines(t, 1)[0]
			if l["verdict"] != c.verdict || fmt.Sprint(l["codes"]) != c.codes && !(c.codes == "" && l["codes"] == nil) {
				t.Errorf("verdict %v, codes %v; want %s, %q\n%v", l["verdict"], l["codes"], c.verdict, c.codes, l)
			}
			if c.verdict == "critical" && l["msg"] != "session: Passive data connections never arrive" {
				t.Errorf("msg %q does not name the critical finding", l["msg"])
			}
			if l["client"] != "127.0.0.1" || l["user"] != servertest.User {
				t.Errorf("client %v, user %v", l["client"], l["user"])
			}
		})
	}
}

// TestSessionDiagnosisClientStopsReading: a client that opens the data
// connection of a download and never reads it; the server's write times
// out, and the session's line says the client stopped reading.
func TestSessionDiagnosisClientStopsReading(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "big"), make([]byte, 16<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	buf := &syncBuffer{}
	lg, _ := server.SessionLogger(buf, "json")
	s := servertest.Start(t, server.Config{Root: root, SessionLog: lg, DataTimeout: 300 * time.Millisecond})
	c := dialCtl(t, s).login()
	d := c.epsv()
	defer d.Close()
	c.do(150, "RETR big")
	c.expect(426)
	c.do(221, "QUIT")
	l := buf.lines(t, 1)[0]
	if l["codes"] != "transfer.stalled" || !strings.Contains(fmt.Sprint(l["diagnosis"]), "The client stopped reading") {
		t.Errorf("codes %v, diagnosis %v", l["codes"], l["diagnosis"])
	}
}

// TestSiteStats: SITE STATS sums up the sessions so far, for an
// administrator on the server's own host.
func TestSiteStats(t *testing.T) {
	s, buf := diagServer(t)
	for range 2 {
		c := dialCtl(t, s).login()
		c.do(227, "PASV")
		c.do(221, "QUIT")
	}
	buf.lines(t, 2)
	stats := dialCtl(t, s).login().do(211, "SITE STATS")
	for _, want := range []string{"2 sessions from 1 client address", "critical data.passive.never-arrived: 2 sessions, 1 of 1 client addresses: 127.0.0.1 (2)",
		"1 of 1 client addresses never opened their passive data connection (127.0.0.1)"} {
		if !strings.Contains(stats, want) {
			t.Errorf("SITE STATS does not say %q:\n%s", want, stats)
		}
	}
}

func TestSessionLoggerFormats(t *testing.T) {
	for _, f := range []string{"text", "json"} {
		if _, err := server.SessionLogger(&bytes.Buffer{}, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := server.SessionLogger(&bytes.Buffer{}, "xml"); err == nil {
		t.Error("xml accepted")
	}
}
