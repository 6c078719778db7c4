//go:build unix

package cli

import (
	"bytes"
	"net"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestServeBadUsage(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no users", []string{"serve", "--listen", "127.0.0.1:0"}, "no users"},
		{"bad user", []string{"serve", "--user", "johnhunter2"}, "NAME:PASSWORD"},
		{"bad passive range", []string{"serve", "--user", "a:b", "--pasv-ports", "3024-3000"}, "--pasv-ports"},
		{"passive range not numbers", []string{"serve", "--user", "a:b", "--pasv-ports", "many"}, "--pasv-ports"},
		{"passive address not IPv4", []string{"serve", "--user", "a:b", "--pasv-address", "example.com"}, "--pasv-address"},
		{"missing root", []string{"serve", "--user", "a:b", "--root", "/nonexistent/ftpdiag"}, "--root"},
		{"missing users file", []string{"serve", "--users-file", "/nonexistent/users"}, "--users-file"},
		{"negative connections", []string{"serve", "--user", "a:b", "--max-connections", "-1"}, "--max-connections"},
		{"stray argument", []string{"serve", "--user", "a:b", "extra"}, "no arguments"},
		{"negative login timeout", []string{"serve", "--user", "a:b", "--login-timeout", "-1s"}, "--login-timeout"},
		{"more waiting than connections", []string{"serve", "--user", "a:b", "--max-connections", "4", "--max-prelogin", "5"}, "--max-prelogin"},
		{"tiny transcripts", []string{"serve", "--user", "a:b", "--transcript-max-bytes", "100"}, "--transcript-max-bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, errOut := runCLI(t, tc.args...)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if status != exitUnknown || len(lines) != 2 || !strings.Contains(lines[0], tc.wantErr) || !strings.HasPrefix(lines[1], "ftpdiag: hint: ") {
				t.Errorf("got status %d and\n%s\nwant %d, an error naming %q and a hint", status, errOut, exitUnknown, tc.wantErr)
			}
			if strings.Contains(errOut, "hunter2") {
				t.Errorf("the error repeats a password: %s", errOut)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe to read while the server writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveTestTimeout bounds each wait of the end-to-end test (loopback only).
const serveTestTimeout = 10 * time.Second

// loginThenInterrupt logs john in on tp, sends the extra commands (each
// must succeed with a 2xx), then interrupts serve: the session must be told
// 421 and serve must exit with status 0.
func loginThenInterrupt(t *testing.T, tp *textproto.Conn, done <-chan int, errOut *syncBuffer, extra ...string) {
	t.Helper()
	steps := []struct {
		cmd  string
		want int
	}{{"", 220}, {"USER john", 331}, {"PASS secret", 230}}
	for _, cmd := range extra {
		steps = append(steps, struct {
			cmd  string
			want int
		}{cmd, 2})
	}
	for _, step := range steps {
		if step.cmd != "" {
			tp.PrintfLine("%s", step.cmd)
		}
		if _, _, err := tp.ReadResponse(step.want); err != nil {
			t.Fatalf("%q: %v", step.cmd, err)
		}
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	if _, _, err := tp.ReadResponse(421); err != nil {
		t.Errorf("after SIGINT: %v, want 421", err)
	}
	select {
	case status := <-done:
		if status != 0 {
			t.Errorf("exit status %d after SIGINT, want 0; stderr:\n%s", status, errOut.String())
		}
	case <-time.After(serveTestTimeout):
		t.Fatal("serve did not stop after SIGINT")
	}
}

// TestServeEndToEnd: serve prints its summary, answers a login and shuts
// down with exit status 0 on SIGINT, telling the open session 421.
func TestServeEndToEnd(t *testing.T) {
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"ftpdiag", "serve", "--listen", "127.0.0.1:0", "--user", "john:secret",
			"--pasv-ports", "47000-47010", "--active-from-20=false"}, strings.NewReader(""), &out, &errOut)
	}()
	addr := waitListening(t, &out, done)
	c, err := net.DialTimeout("tcp", addr, serveTestTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(serveTestTimeout))
	loginThenInterrupt(t, textproto.NewConn(c), done, &errOut, "SYST")
	for _, want := range []string{"passive ports  47000-47010", "iptables -A INPUT -p tcp --dport 47000:47010 -j ACCEPT"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

var listeningOn = regexp.MustCompile(`listening on\s+(\S+)`)

func waitListening(t *testing.T, out *syncBuffer, done chan int) string {
	t.Helper()
	deadline := time.Now().Add(serveTestTimeout)
	for time.Now().Before(deadline) {
		if m := listeningOn.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "Check it from outside") {
			return m[1]
		}
		select {
		case status := <-done:
			t.Fatalf("serve exited with %d before listening", status)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("serve printed no summary")
	return ""
}
