package probe

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// hold keeps a connection open, saying nothing, until the probe hangs up.
func hold(c *fconn) bool {
	c.r.ReadString('\n')
	return false
}

// flood writes without end until the probe hangs up.
func flood(c *fconn, chunk string) {
	for {
		if _, err := c.Write([]byte(chunk)); err != nil {
			return
		}
	}
}

func TestHostileServers(t *testing.T) {
	cases := []struct {
		name    string
		script  func(s *scripted)
		opts    func(o *Options)
		want    []string
		maxTime time.Duration
	}{
		{name: "healthy", script: func(*scripted) {}, want: []string{}},
		{name: "SSH banner", script: func(s *scripted) {
			s.greet = func(c *fconn) bool { c.say("SSH-2.0-OpenSSH_9.2p1 Debian-2"); return hold(c) }
		}, want: []string{diagnose.CodeControlNotFTP}},
		{name: "HTTP answer", script: func(s *scripted) {
			s.greet = func(c *fconn) bool { c.say("HTTP/1.1 400 Bad Request", "Content-Length: 0", ""); return hold(c) }
		}, want: []string{diagnose.CodeControlNotFTP}},
		{name: "SMTP banner", script: func(s *scripted) {
			s.greet = func(c *fconn) bool { c.say("220 mail.example.com ESMTP Postfix"); return true }
			s.handlers["USER"] = func(c *fconn, _ string) { c.say("502 5.5.2 Error: command not recognized") }
		}, want: []string{diagnose.CodeControlNotFTP}},
		{name: "TLS handshake", script: func(s *scripted) {
			s.greet = func(c *fconn) bool { c.Write([]byte{0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28}); return hold(c) }
		}, want: []string{diagnose.CodeControlNotFTP}},
		{name: "421 at the greeting", script: func(s *scripted) {
			s.greet = func(c *fconn) bool { c.say("421 Too many connections (8) from this IP"); return false }
		}, want: []string{diagnose.CodeControlBusy}},
		{name: "silent", script: func(s *scripted) { s.greet = hold },
			want: []string{diagnose.CodeControlNoGreeting}},
		{name: "closes at once", script: func(s *scripted) { s.greet = func(*fconn) bool { return false } },
			want: []string{diagnose.CodeControlNoGreeting}},
		{name: "greeting one byte at a time", script: func(s *scripted) {
			s.greet = func(c *fconn) bool {
				for _, b := range []byte("220 slow but ready, eventually\r\n") {
					c.Write([]byte{b})
					time.Sleep(70 * time.Millisecond)
				}
				return true
			}
		}, opts: func(o *Options) { o.ReplyTimeout = 5 * time.Second },
			want: []string{diagnose.CodeReplySlow}, maxTime: 6 * time.Second},
		{name: "unbounded reply line", script: func(s *scripted) {
			s.greet = func(c *fconn) bool { c.Write([]byte("220 ")); flood(c, strings.Repeat("a", 4096)); return false }
		}, want: []string{diagnose.CodeControlNotFTP}},
		{name: "endless multi-line reply", script: func(s *scripted) {
			s.greet = func(c *fconn) bool { flood(c, "220-and there is more\r\n"); return false }
		}, want: []string{diagnose.CodeControlNotFTP}},
		{name: "227 garbage", script: func(s *scripted) { pasvSays(s, "227 Entering Passive Mode (banana)") },
			want: []string{diagnose.CodePasvBadReply}},
		{name: "227 port 0", script: func(s *scripted) { pasvSays(s, "227 Entering Passive Mode (127,0,0,1,0,0)") },
			want: []string{diagnose.CodePasvBadReply}},
		{name: "227 port 65536", script: func(s *scripted) { pasvSays(s, "227 Entering Passive Mode (127,0,0,1,256,0)") },
			want: []string{diagnose.CodePasvBadReply}},
		{name: "closes half-way", script: func(s *scripted) {
			s.handlers["PASV"] = func(c *fconn, _ string) { c.Close() }
		}, want: []string{diagnose.CodeControlClosed}},
		{name: "never-ending listing", script: func(s *scripted) {
			s.handlers["LIST"] = func(c *fconn, _ string) {
				c.say("150 Here it comes")
				if dc := c.dataConn(); dc != nil {
					flood(&fconn{Conn: dc}, strings.Repeat("-rw-r--r-- 1 ftp ftp 5 Jan 01 00:00 x\r\n", 100))
				}
			}
		}, opts: func(o *Options) { o.MaxBytes = 1 << 20 }, want: []string{diagnose.CodeTransferTruncated}},
		{name: "stalled data", script: func(s *scripted) {
			s.handlers["RETR"] = func(c *fconn, _ string) {
				c.say("150 Here it comes")
				if dc := c.dataConn(); dc != nil {
					dc.Write(make([]byte, 1000))
					io.Copy(io.Discard, dc) // holds it open until the probe hangs up
				}
			}
		}, want: []string{diagnose.CodeTransferStalled}},
		{name: "login refused", script: func(s *scripted) {
			s.handlers["PASS"] = func(c *fconn, _ string) { c.say("530 Login incorrect.") }
		}, want: []string{diagnose.CodeLoginRejected}},
		{name: "TLS demanded", script: func(s *scripted) {
			s.handlers["USER"] = func(c *fconn, _ string) { c.say("530 Non-anonymous sessions must use encryption.") }
		}, want: []string{diagnose.CodeLoginTLSRequired}},
		{name: "passive range blocked in part", script: func(s *scripted) {
			s.handlers["PASV"] = pasvEvery(3, func(c *fconn) {
				c.say("227 Entering Passive Mode (127,0,0,1," + itoa(closedPort(t)>>8) + "," + itoa(closedPort(t)&255) + ").")
			})
		}, want: []string{diagnose.CodePassivePartial}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScripted(t)
			tc.script(s)
			o := quick()
			o.PassiveOnly = true
			if tc.opts != nil {
				tc.opts(&o)
			}
			start := time.Now()
			out := probeAddr(t, "ftp://"+s.addr()+"/", o)
			took := time.Since(start)
			res := diagnosed(out, result.Tool{Name: "ftpdiag", Version: "test"})
			if got := codes(res.Findings); !slices.Equal(got, tc.want) {
				t.Errorf("codes = %v, want %v\n%s", got, tc.want, render(res.Transcript))
			}
			if limit := cmp(tc.maxTime, 3*time.Second); took > limit {
				t.Errorf("took %s, more than %s", took, limit)
			}
		})
	}
}

func cmp(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// pasvSays makes PASV answer line, and EPSV too (as refused), so that
// only the broken reply is there to diagnose.
func pasvSays(s *scripted, line string) {
	s.handlers["PASV"] = func(c *fconn, _ string) { c.say(line) }
}

// closedPort is a loopback port nothing listens on (a listener opened and
// closed again); the kernel answers a connection to it with a reset.
func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

func codes(fs []result.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func render(es []result.Entry) string {
	var b strings.Builder
	transcript.Render(&b, es, transcript.RenderOptions{Headings: true})
	return b.String()
}

func TestControlRefused(t *testing.T) {
	out := probeAddr(t, "ftp://127.0.0.1:"+itoa(closedPort(t))+"/", quick())
	res := diagnosed(out, result.Tool{})
	if got := codes(res.Findings); !slices.Equal(got, []string{diagnose.CodeControlRefused}) {
		t.Errorf("codes = %v, want [control.refused]", got)
	}
	if res.Verdict.ExitStatus() != 2 {
		t.Errorf("exit status %d, want 2", res.Verdict.ExitStatus())
	}
}

// TestDNSFailed resolves through a resolver whose DNS server refuses every
// query, so the lookup fails without leaving the machine.
func TestDNSFailed(t *testing.T) {
	o := quick()
	o.Resolver = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no DNS server in this test")
	}}
	res := diagnosed(probeAddr(t, "ftp://ftp.example.invalid/", o), result.Tool{})
	if got := codes(res.Findings); !slices.Equal(got, []string{diagnose.CodeDNSFailed}) {
		t.Errorf("codes = %v, want [dns.failed]\n%s", got, render(res.Transcript))
	}
}
