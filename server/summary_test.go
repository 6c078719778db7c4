package server_test

import (
	"bytes"
	"flag"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ftpdiag/internal/golden"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestSummaryGolden(t *testing.T) {
	tests := []struct {
		name string
		cfg  server.Config
	}{
		{"summary-default.golden", server.Config{Listen: "127.0.0.1:2121", Users: map[string]string{"john": "secret"}}},
		{"summary-nat.golden", server.Config{Listen: "127.0.0.1:21", PasvMin: 50000, PasvMax: 50099, PasvAddress: "203.0.113.7",
			Anonymous: true, Writable: true, MaxConns: 99, Users: map[string]string{"ann": "x", "bob": "y"}, TranscriptDir: "/var/log/ftpdiag"}},
		{"summary-any-port.golden", server.Config{Listen: "127.0.0.1:2121", PasvMin: -1, Anonymous: true}},
		{"summary-tls.golden", server.Config{Listen: "127.0.0.1:2121", Users: map[string]string{"john": "secret"},
			TLS: testCert(t), RequireTLS: true, ImplicitTLS: "127.0.0.1:990"}},
		{"summary-tls-optional.golden", server.Config{Listen: "127.0.0.1:2121", Users: map[string]string{"john": "secret"},
			TLS: testCert(t), TLSReuseOptional: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := server.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var b bytes.Buffer
			s.WriteSummary(&b)
			golden.Check(t, filepath.Join("testdata", tt.name), b.Bytes(), *update)
		})
	}
}

func waitFor(t *testing.T, dir, text string) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !strings.Contains(transcriptText(t, dir), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the transcript never showed %q", text)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// durations are the only part of a transcript that changes between runs.
var durations = regexp.MustCompile(`\d+(\.\d+)?(µs|ms|s)\b`)

// TestTranscriptGolden: a whole session as the server records it, with
// ports and durations masked.
func TestTranscriptGolden(t *testing.T) {
	dir := t.TempDir()
	s := servertest.Start(t, server.Config{TranscriptDir: dir})
	c := dialCtl(t, s).login()
	c.do(200, "TYPE I")
	c.do(213, "SIZE test")
	// The accept is recorded by its own goroutine: wait for it before RETR,
	// so the order of the two lines is the same on every run.
	dc := c.epsv()
	waitFor(t, dir, "--> data connection from")
	c.do(150, "RETR test")
	io.Copy(io.Discard, dc)
	c.expect(226)
	c.do(550, "RETR missing")
	c.do(221, "QUIT")
	c.conn.Read(make([]byte, 1)) // wait for the server to close
	s.Shutdown(t.Context())
	got := transcriptText(t, dir)
	got = durations.ReplaceAllString(got, "DUR")
	got = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(got, "127.0.0.1:PORT")
	got = regexp.MustCompile(`\|\|\|\d+\|`).ReplaceAllString(got, "|||PORT|")
	if strings.Contains(got, servertest.Password) {
		t.Fatalf("password in transcript")
	}
	golden.Check(t, filepath.Join("testdata", "transcript-session.golden"), []byte(got), *update)
}
