package server_test

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestNoBounce: PORT/EPRT may name only the client's own address, and no
// port below 1024 (the FTP bounce attack).
func TestNoBounce(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	tests := []struct {
		name, cmd string
		want      int
	}{
		{"PORT to another host", "PORT 127,0,0,2,78,32", 500},
		{"EPRT to another host", "EPRT |1|127.0.0.2|20000|", 500},
		{"PORT to a privileged port", "PORT 127,0,0,1,0,25", 500},
		{"EPRT to a privileged port", "EPRT |1|127.0.0.1|25|", 500},
		{"PORT to the client itself", "PORT 127,0,0,1,78,32", 200},
		{"EPRT to the client itself", "EPRT |1|127.0.0.1|20000|", 200},
		{"PORT garbage", "PORT 1,2,3", 501},
		{"EPRT unknown protocol", "EPRT |7|127.0.0.1|20000|", 522},
	}
	c := dialCtl(t, s).login()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.do(tt.want, "%s", tt.cmd)
		})
	}
}

// TestNoStealing: a passive data connection from another address than the
// control connection's is refused, and the transfer fails with 425.
func TestNoStealing(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s).login()
	port := c.epsvPort()
	thief := c.dialData(port, localAddr("127.0.0.2"))
	c.do(425, "RETR test")
	if n, _ := io.Copy(io.Discard, thief); n != 0 {
		t.Errorf("the thief got %d bytes, want 0", n)
	}
	// The rightful client still works afterwards.
	if got := len(c.retr("test")); got != server.DemoTestSize {
		t.Errorf("RETR after a refused thief: got %d bytes, want %d", got, server.DemoTestSize)
	}
}

// TestTraversal: no path leaves the root.
func TestTraversal(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("outside the root"), 0o644)
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "inside"), []byte("inside"), 0o644)
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "escapedir")); err != nil {
		t.Fatal(err)
	}
	s := servertest.Start(t, server.Config{Root: root})
	c := dialCtl(t, s).login()
	rel, _ := filepath.Rel("/", filepath.Join(outside, "secret"))
	tests := []struct {
		name, cmd string
		want      int
	}{
		{"dot-dot", "SIZE ../../../../../../" + rel, 550},
		{"absolute", "SIZE " + filepath.Join(outside, "secret"), 550},
		{"symlink out", "SIZE escape", 550},
		{"symlink dir out", "CWD escapedir", 550},
		{"NUL byte", "SIZE inside\x00.txt", 501},
		{"CWD above the root stays at the root", "CWD ../..", 250},
		{"inside still works", "SIZE inside", 213},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.do(tt.want, "%s", tt.cmd)
		})
	}
	if got := c.do(257, "PWD"); !strings.HasPrefix(got, `"/"`) {
		t.Errorf("PWD after CWD ../..: got %q, want \"/\"", got)
	}
	c.do(550, "RETR escape")
}

// TestLongLine: a 5000-byte line is answered 500, and the session goes on.
func TestLongLine(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s)
	c.do(500, "NOOP %s", strings.Repeat("x", 5000))
	c.do(200, "NOOP")
}

// TestSlowLine: a client that never finishes its line is closed at the
// idle timeout, which counts from the start of the line.
func TestSlowLine(t *testing.T) {
	s := servertest.Start(t, server.Config{IdleTimeout: 300 * time.Millisecond})
	c := dialCtl(t, s)
	start := time.Now()
	for range 3 {
		c.conn.Write([]byte("N"))
		time.Sleep(100 * time.Millisecond)
	}
	c.expect(421)
	if _, err := c.conn.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("after 421: read %v, want EOF", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("closed after %s, want about 300ms", d)
	}
}

// TestGarbage: binary garbage gets 500 per line and does not end the session.
func TestGarbage(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s)
	for _, g := range []string{"\x00\x01\x02\xff\xfe", "\x16\x03\x01\x02\x00\x01\x00", "GET / HTTP/1.1", "12345 6"} {
		c.conn.Write([]byte(g + "\r\n"))
		code, _, err := c.tp.ReadResponse(0)
		if err != nil && code == 0 {
			t.Fatalf("garbage %q: %v", g, err)
		}
		if code != 500 && code != 502 {
			t.Errorf("garbage %q: got %d, want 500 or 502", g, code)
		}
	}
	c.do(200, "NOOP")
}

// TestConnectionLimits: over the limits, a connection gets 421 at once.
func TestConnectionLimits(t *testing.T) {
	tests := []struct {
		name     string
		cfg      server.Config
		extraVia string // local address of the connection over the limit
		want     int
	}{
		{"total", server.Config{MaxConns: 2, MaxPerAddr: 8}, "127.0.0.3", 421},
		{"per address", server.Config{MaxConns: 8, MaxPerAddr: 2}, "127.0.0.1", 421},
		{"another address under its own limit", server.Config{MaxConns: 8, MaxPerAddr: 2}, "127.0.0.3", 220},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := servertest.Start(t, tt.cfg)
			// Logged in: a connection still waiting for its login would
			// make way for the new one (TestPreLoginCap).
			dialCtl(t, s).login()
			dialCtl(t, s).login()
			d := net.Dialer{Timeout: testTimeout, LocalAddr: localAddr(tt.extraVia)}
			c, err := d.Dial("tcp", s.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(testTimeout))
			line := make([]byte, 200)
			n, _ := c.Read(line)
			if got := string(line[:3]); n < 3 || got != strconv.Itoa(tt.want) {
				t.Errorf("got %q, want %d", line[:n], tt.want)
			}
		})
	}
}

// TestLoginFailures: a wrong password is delayed, and the third closes the
// connection.
func TestLoginFailures(t *testing.T) {
	delay := 150 * time.Millisecond
	s := servertest.Start(t, server.Config{LoginDelay: delay})
	c := dialCtl(t, s)
	for i, want := range []int{530, 530, 421} {
		c.do(331, "USER john")
		start := time.Now()
		c.do(want, "PASS wrong%d", i)
		if d := time.Since(start); d < delay {
			t.Errorf("failure %d answered after %s, want at least %s", i+1, d, delay)
		}
	}
	if _, err := c.conn.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("after 421: read %v, want EOF", err)
	}
}

// TestReadOnly: without --writable, and for anonymous users, nothing changes.
func TestReadOnly(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name              string
		cfg               server.Config
		user              string
		wantSTOR, wantMKD int
	}{
		{"read-only server", server.Config{Root: root}, "john", 550, 550},
		{"anonymous on a writable server", server.Config{Root: root, Writable: true, Anonymous: true}, "anonymous", 550, 550},
		{"named user on a writable server", server.Config{Root: root, Writable: true, Anonymous: true}, "john", 150, 257},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := servertest.Start(t, tt.cfg)
			c := dialCtl(t, s)
			c.do(331, "USER %s", tt.user)
			c.do(230, "PASS secret")
			dc := c.epsv()
			c.do(tt.wantSTOR, "STOR new.txt")
			if tt.wantSTOR == 150 {
				dc.Write([]byte("hello"))
				dc.Close()
				c.expect(226)
			}
			c.do(tt.wantMKD, "MKD d")
		})
	}
}

func TestNotLoggedIn(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s)
	for _, cmd := range []string{"PWD", "LIST", "RETR test", "PASV", "EPSV", "PORT 127,0,0,1,78,32", "SITE WHOAMI", "CWD pub", "SIZE test"} {
		c.do(530, "%s", cmd)
	}
	c.do(503, "PASS secret")
	c.do(211, "FEAT")
	c.do(215, "SYST")
	if got := c.do(200, "NOOP"); got == "" {
		t.Errorf("NOOP: empty reply text")
	}
}

// TestLoginLockout: failures count per address across connections; after
// ten, even the right password is refused.
func TestLoginLockout(t *testing.T) {
	s := servertest.Start(t, server.Config{MaxPerAddr: 20, LoginDelay: time.Millisecond})
	failures := 0
	for failures < 10 {
		c := dialCtl(t, s)
		for i := 0; i < 3 && failures < 10; i++ {
			c.do(331, "USER john")
			failures++
			want := 530
			if i == 2 {
				want = 421
			}
			c.do(want, "PASS wrong")
		}
	}
	c := dialCtl(t, s)
	c.do(331, "USER john")
	c.do(421, "PASS %s", servertest.Password)
	other := dialCtlFrom(t, s, localAddr("127.0.0.2"))
	other.login() // another address is not locked out
}
