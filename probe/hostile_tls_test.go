package probe

import (
	"bufio"
	"crypto/tls"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// tlsScript makes the scripted server speak TLS after AUTH TLS with chain
// (leaf first), and take PBSZ and PROT.
func tlsScript(s *scripted, chain tls.Certificate) {
	cfg := &tls.Config{Certificates: []tls.Certificate{chain}}
	s.handlers["AUTH"] = func(c *fconn, _ string) {
		c.say("234 go ahead")
		tc := tls.Server(c.Conn, cfg)
		if tc.Handshake() != nil {
			c.Close()
			return
		}
		c.Conn, c.r = tc, bufio.NewReader(tc)
	}
	s.handlers["PBSZ"] = func(c *fconn, _ string) { c.say("200 PBSZ 0") }
	s.handlers["PROT"] = func(c *fconn, _ string) { c.say("200 PROT P") }
	for verb, body := range map[string]string{"LIST": s.listing, "RETR": "hello", "MLSD": "type=file;size=5; hello.txt\r\n"} {
		s.handlers[verb] = func(c *fconn, _ string) { c.sendTLS(cfg, body) }
	}
}

// sendTLS answers a transfer over a protected data connection where the
// control connection is TLS, and in plain text where it is not.
func (c *fconn) sendTLS(cfg *tls.Config, body string) {
	if _, ok := c.Conn.(*tls.Conn); !ok {
		c.send(body)
		return
	}
	c.say("150 Here it comes")
	dc := c.dataConn()
	if dc == nil {
		c.say("425 No data connection")
		return
	}
	tc := tls.Server(dc, cfg)
	tc.Write([]byte(body))
	tc.Close()
	c.say("226 Done")
}

// silent reads and says nothing until the probe hangs up.
func silent(c *fconn) { io.Copy(io.Discard, c) }

// longChain is a leaf and 49 certificates that do not sign it: 50 in all,
// as a hostile server may send.
func longChain(t *testing.T) tls.Certificate {
	now := time.Now()
	leaf := certFor(t, now.Add(-time.Hour), now.Add(time.Hour), "127.0.0.1")
	for range 49 {
		extra := certFor(t, now.Add(-time.Hour), now.Add(time.Hour), "ca.example.net")
		leaf.Certificate = append(leaf.Certificate, extra.Certificate[0])
	}
	return leaf
}

// endlessRecords writes TLS handshake records of zeros until the peer
// hangs up.
func endlessRecords(c *fconn) {
	rec := append([]byte{0x16, 0x03, 0x03, 0x40, 0x00}, make([]byte, 1<<14)...)
	for {
		if _, err := c.Write(rec); err != nil {
			return
		}
	}
}

// TestHostileTLS: servers that break TLS each end with a finding and the
// line that shows it, within the timeouts, never a hang.
func TestHostileTLS(t *testing.T) {
	now := time.Now()
	good := certFor(t, now.Add(-time.Hour), now.Add(time.Hour), "127.0.0.1")
	cases := []struct {
		name   string
		script func(s *scripted)
		want   []string
		shows  string // in the line the first finding points at
	}{
		{"234 then plain text", func(s *scripted) {
			s.handlers["AUTH"] = func(c *fconn, _ string) { c.say("234 go ahead", "220 still plain here"); hold(c) }
		}, []string{diagnose.CodeTLSHandshake}, "still plain here"},
		{"234 then garbage", func(s *scripted) {
			s.handlers["AUTH"] = func(c *fconn, _ string) { c.say("234 go ahead"); c.Write([]byte("\x00\xff\x13garbage\x01")); hold(c) }
		}, []string{diagnose.CodeTLSHandshake}, "instead of TLS"},
		{"234 then nothing", func(s *scripted) {
			s.handlers["AUTH"] = func(c *fconn, _ string) { c.say("234 go ahead"); silent(c) }
		}, []string{diagnose.CodeTLSHandshake}, "did not complete"},
		{"handshake records forever", func(s *scripted) {
			s.handlers["AUTH"] = func(c *fconn, _ string) { c.say("234 go ahead"); endlessRecords(c) }
		}, []string{diagnose.CodeTLSHandshake}, "TLS handshake on control"},
		{"a chain of 50 certificates", func(s *scripted) { tlsScript(s, longChain(t)) },
			[]string{diagnose.CodeTLSCertUntrusted}, "50 certificates"},
		{"data connection sends handshake records forever", func(s *scripted) {
			tlsScript(s, good)
			s.handlers["LIST"] = func(c *fconn, _ string) {
				c.say("150 Here it comes")
				if dc := c.dataConn(); dc != nil {
					endlessRecords(&fconn{Conn: dc})
				}
				c.say("425 TLS failed")
			}
		}, []string{diagnose.CodeTLSDataHandshake}, "TLS handshake on data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScripted(t)
			tc.script(s)
			o := quick()
			o.PassiveOnly, o.TLS, o.HandshakeTimeout = true, TLSAuto, time.Second
			o.Roots = rootsOf(good)
			start := time.Now()
			res := diagnosed(probeAddr(t, "ftp://"+s.addr()+"/", o), result.Tool{})
			if took := time.Since(start); took > 4*time.Second {
				t.Errorf("took %s", took)
			}
			if got := codes(res.Findings); !slices.Equal(got, tc.want) {
				t.Fatalf("codes = %v, want %v\n%s", got, tc.want, render(res.Transcript))
			}
			if !shownAt(res, tc.shows) {
				t.Errorf("no line of finding %s shows %q\n%s", tc.want[0], tc.shows, render(res.Transcript))
			}
		})
	}
}

// shownAt tells whether a line the first finding cites, or its detail,
// shows what.
func shownAt(res *result.Result, what string) bool {
	f := res.Findings[0]
	if strings.Contains(f.Detail, what) {
		return true
	}
	for _, l := range f.Lines {
		e := res.Transcript[l]
		if strings.Contains(e.Text, what) || e.Event != nil && strings.Contains(e.Event.Err, what) {
			return true
		}
	}
	return false
}

// TestEndlessTLSData: a protected data connection that never ends is cut
// at the byte limit, and the probe's memory stays bounded.
func TestEndlessTLSData(t *testing.T) {
	now := time.Now()
	good := certFor(t, now.Add(-time.Hour), now.Add(time.Hour), "127.0.0.1")
	s := newScripted(t)
	tlsScript(s, good)
	cfg := &tls.Config{Certificates: []tls.Certificate{good}}
	s.handlers["LIST"] = func(c *fconn, _ string) {
		c.say("150 Here it comes")
		if dc := c.dataConn(); dc != nil {
			tc := tls.Server(dc, cfg)
			flood(&fconn{Conn: tc}, strings.Repeat("-rw-r--r-- 1 ftp ftp 5 Jan 01 00:00 x\r\n", 400))
		}
	}
	o := quick()
	o.PassiveOnly, o.TLS, o.Roots, o.MaxBytes = true, TLSAuto, rootsOf(good), 8<<20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := diagnosed(probeAddr(t, "ftp://"+s.addr()+"/", o), result.Tool{})
	runtime.GC() // what stays: the transcript and the listing's head, not the bytes read through
	runtime.ReadMemStats(&after)
	cut := false
	for _, e := range res.Transcript {
		cut = cut || e.Event != nil && e.Event.Op == result.OpDataClose && e.Event.Outcome == result.Truncated
	}
	if !cut {
		t.Errorf("no transfer was cut at the limit\n%s", render(res.Transcript))
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 8<<20 {
		t.Errorf("the heap grew by %d MiB", grew>>20)
	}
}
