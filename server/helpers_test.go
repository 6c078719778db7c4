package server_test

import (
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// testTimeout bounds every wait in these tests: everything is on loopback,
// so anything slower than this is a hang.
const testTimeout = 10 * time.Second

// ctl is a minimal FTP control connection for tests that need exact bytes.
type ctl struct {
	t    testing.TB
	conn net.Conn
	tp   *textproto.Conn
}

func dialCtl(t testing.TB, s *server.Server) *ctl {
	t.Helper()
	return dialCtlFrom(t, s, nil)
}

// dialCtlAt connects to addr (a proxy in front of the server).
func dialCtlAt(t testing.TB, addr string) *ctl {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, testTimeout)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return newCtl(t, c)
}

// dialCtlFrom connects from a chosen local address (127.0.0.2 for a
// "foreign" client); nil for any.
func dialCtlFrom(t testing.TB, s *server.Server, local net.Addr) *ctl {
	t.Helper()
	d := net.Dialer{Timeout: testTimeout, LocalAddr: local}
	c, err := d.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return newCtl(t, c)
}

// newCtl wraps a fresh control connection and reads the greeting.
func newCtl(t testing.TB, c net.Conn) *ctl {
	t.Helper()
	c.SetDeadline(time.Now().Add(testTimeout))
	cc := &ctl{t: t, conn: c, tp: textproto.NewConn(c)}
	t.Cleanup(func() { c.Close() })
	cc.expect(220)
	return cc
}

// expect reads one reply and checks its code; it returns the text.
func (c *ctl) expect(want int) string {
	c.t.Helper()
	code, msg, err := c.tp.ReadResponse(0)
	if err != nil && code == 0 {
		c.t.Fatalf("reading reply (want %d): %v", want, err)
	}
	if code != want {
		c.t.Fatalf("got reply %d %q, want %d", code, msg, want)
	}
	return msg
}

// do sends a command and checks the reply's code.
func (c *ctl) do(want int, format string, args ...any) string {
	c.t.Helper()
	if err := c.tp.PrintfLine(format, args...); err != nil {
		c.t.Fatalf("sending %q: %v", fmt.Sprintf(format, args...), err)
	}
	return c.expect(want)
}

func (c *ctl) login() *ctl {
	c.t.Helper()
	c.do(331, "USER %s", servertest.User)
	c.do(230, "PASS %s", servertest.Password)
	return c
}

// epsv asks for a passive port and connects to it.
func (c *ctl) epsv() net.Conn {
	c.t.Helper()
	return c.dialData(c.epsvPort(), nil)
}

func (c *ctl) epsvPort() int {
	c.t.Helper()
	msg := c.do(229, "EPSV")
	i, j := strings.Index(msg, "(|||"), strings.LastIndex(msg, "|)")
	if i < 0 || j < i {
		c.t.Fatalf("bad 229 reply %q", msg)
	}
	port, err := strconv.Atoi(msg[i+4 : j])
	if err != nil {
		c.t.Fatalf("bad 229 port in %q", msg)
	}
	return port
}

func (c *ctl) dialData(port int, local net.Addr) net.Conn {
	c.t.Helper()
	d := net.Dialer{Timeout: testTimeout, LocalAddr: local}
	dc, err := d.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		c.t.Fatalf("data dial: %v", err)
	}
	dc.SetDeadline(time.Now().Add(testTimeout))
	c.t.Cleanup(func() { dc.Close() })
	return dc
}

// retr downloads name over a new passive connection.
func (c *ctl) retr(name string) []byte {
	c.t.Helper()
	dc := c.epsv()
	c.do(150, "RETR %s", name)
	b, err := io.ReadAll(dc)
	if err != nil {
		c.t.Fatalf("reading data: %v", err)
	}
	c.expect(226)
	return b
}

func localAddr(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip)} }
