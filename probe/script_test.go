package probe

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scripted is an FTP server for tests whose every answer can be replaced,
// so a test can make it as broken or as hostile as it likes.
type scripted struct {
	t        testing.TB
	ln       net.Listener
	greet    func(c *fconn) bool // false: the session ends here
	handlers map[string]func(c *fconn, arg string)
	listing  string
	ready    chan struct{}
	once     sync.Once
}

// fconn is one control connection of the scripted server.
type fconn struct {
	net.Conn
	r    *bufio.Reader
	pasv net.Listener
	s    *scripted
}

func (c *fconn) say(lines ...string) {
	for _, l := range lines {
		c.Write([]byte(l + "\r\n"))
	}
}

// serverDeadline bounds every wait of the scripted server, so a test that
// goes wrong fails instead of hanging.
const serverDeadline = 10 * time.Second

// newScripted starts a scripted server on 127.0.0.1:0 with a healthy
// default for every verb a probe sends.
func newScripted(t *testing.T) *scripted {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return scriptedOn(t, ln)
}

// scriptedOn serves the script on ln; its passive ports are on ln's address.
func scriptedOn(t testing.TB, ln net.Listener) *scripted {
	s := &scripted{t: t, ln: ln, listing: "-rw-r--r-- 1 ftp ftp 5 Jan 01 00:00 hello.txt\r\n"}
	s.greet = func(c *fconn) bool { c.say("220 scripted ready"); return true }
	s.handlers = map[string]func(*fconn, string){
		"USER": func(c *fconn, _ string) { c.say("331 Password please") },
		"PASS": func(c *fconn, _ string) { c.say("230 Logged in") },
		"SYST": func(c *fconn, _ string) { c.say("215 UNIX Type: L8") },
		"FEAT": func(c *fconn, _ string) { c.say("211-Features:", " PASV", "211 End") },
		"PWD":  func(c *fconn, _ string) { c.say(`257 "/" is current`) },
		"TYPE": func(c *fconn, _ string) { c.say("200 ok") },
		"SIZE": func(c *fconn, _ string) { c.say("213 5") },
		"PASV": (*fconn).passive,
		"EPSV": (*fconn).extPassive,
		"LIST": func(c *fconn, _ string) { c.send(s.listing) },
		"MLSD": func(c *fconn, _ string) { c.send("type=file;size=5; hello.txt\r\n") },
		"RETR": func(c *fconn, _ string) { c.send("hello") },
		"QUIT": func(c *fconn, _ string) { c.say("221 Bye"); c.Close() },
	}
	var wg sync.WaitGroup
	s.ready = make(chan struct{})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		<-s.ready // the test has set the script
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serve(conn)
			}()
		}
	}()
	return s
}

// addr is where the server listens; asking for it means the script is
// set, so the server starts answering.
func (s *scripted) addr() string {
	s.once.Do(func() { close(s.ready) })
	return s.ln.Addr().String()
}

func (s *scripted) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(serverDeadline))
	c := &fconn{Conn: conn, r: bufio.NewReader(conn), s: s}
	defer func() {
		if c.pasv != nil {
			c.pasv.Close()
		}
	}()
	if !s.greet(c) {
		return
	}
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		if h, ok := s.handlers[strings.ToUpper(verb)]; ok {
			h(c, arg)
		} else {
			c.say("502 Not implemented")
		}
	}
}

// passive opens a listener and answers 227 with its port.
func (c *fconn) passive(string) {
	if c.open() {
		p := c.pasv.Addr().(*net.TCPAddr).Port
		c.say("227 Entering Passive Mode (127,0,0,1," + itoa(p>>8) + "," + itoa(p&255) + ").")
	}
}

// pasvEvery answers every nth PASV with bad (a port that is dropped or
// closed) and the others with a working passive port: a passive range
// that is blocked only in part.
func pasvEvery(n int64, bad func(c *fconn)) func(c *fconn, arg string) {
	var calls atomic.Int64
	return func(c *fconn, _ string) {
		if calls.Add(1)%n != 0 {
			c.passive("")
			return
		}
		bad(c)
	}
}

// open replaces the passive listener by a new one on a free port.
func (c *fconn) open() bool {
	if c.pasv != nil {
		c.pasv.Close()
	}
	host, _, _ := net.SplitHostPort(c.s.ln.Addr().String())
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		c.say("425 no port")
		return false
	}
	c.pasv = ln
	return true
}

// extPassive opens a listener and answers 229 with its port.
func (c *fconn) extPassive(string) {
	if c.open() {
		c.say("229 Entering Extended Passive Mode (|||" + itoa(c.pasv.Addr().(*net.TCPAddr).Port) + "|)")
	}
}

// dataConn accepts the passive data connection.
func (c *fconn) dataConn() net.Conn {
	if c.pasv == nil {
		return nil
	}
	c.pasv.(*net.TCPListener).SetDeadline(time.Now().Add(serverDeadline))
	dc, err := c.pasv.Accept()
	c.pasv.Close()
	c.pasv = nil
	if err != nil {
		return nil
	}
	dc.SetDeadline(time.Now().Add(serverDeadline))
	return dc
}

// send answers a transfer command with body over the data connection.
func (c *fconn) send(body string) {
	c.say("150 Here it comes")
	dc := c.dataConn()
	if dc == nil {
		c.say("425 No data connection")
		return
	}
	dc.Write([]byte(body))
	dc.Close()
	c.say("226 Done")
}

func itoa(n int) string {
	return strconv.Itoa(n)
}

// quick are options for tests: every wait short, so a failing case costs
// well under a second.
func quick() Options {
	return Options{Timeout: 500 * time.Millisecond, ReplyTimeout: time.Second, StallTimeout: 300 * time.Millisecond, TransferTime: 3 * time.Second}
}

// probeAddr runs a probe against host:port with opts and bounds its time.
func probeAddr(t testing.TB, rawURL string, opts Options) *Outcome {
	t.Helper()
	target, err := ParseTarget(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return Run(ctx, target, opts)
}
