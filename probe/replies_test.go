package probe

import (
	"context"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/ftp/replytest"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// TestControlReadsReplies runs the one table of reply streams (issue 27)
// through the probe's control connection over loopback: the replies it
// reads whole, how it stops (the close event it records), and the
// transcript its recorder keeps of the same bytes.
func TestControlReadsReplies(t *testing.T) {
	for _, tc := range replytest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			c := dialStream(t, tc.In)
			want, stop := tc.Live()
			var got []replytest.Reply
			var err error
			for {
				var code int
				var text string
				code, text, err = c.readUntil(time.Now().Add(5 * time.Second))
				if err != nil {
					break
				}
				got = append(got, replytest.Reply{Code: code, Lines: []string{text}})
			}
			replytest.Compare(t, "probe", tc, got, messages(want))
			c.fail(err, "the reply")
			es := c.sess.Log().Entries()
			var recorded []replytest.Reply
			for _, e := range es {
				if e.Kind == result.Reply {
					recorded = append(recorded, replytest.Reply{Code: e.Code, Lines: strings.Split(e.Text, "\n")})
				}
			}
			replytest.Compare(t, "probe's transcript", tc, recorded, tc.Recorded())
			ev := es[len(es)-1].Event
			wantBy, wantOut := "server", result.Closed
			if stop == replytest.NotReply {
				wantBy, wantOut = "client", result.Failed
			}
			if ev == nil || ev.By != wantBy || ev.Outcome != wantOut {
				t.Errorf("%s: stops with %+v, want by %s, %s (%s)", tc.Name, ev, wantBy, wantOut, stop)
			}
		})
	}
}

// dialStream opens the probe's control connection to a loopback server
// that writes in and closes.
func dialStream(t *testing.T, in string) *ctrl {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		sc, err := ln.Accept()
		if err != nil {
			return
		}
		io.WriteString(sc, in)
		sc.Close()
	}()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	o := quick()
	o.Status = func(string, time.Duration) {}
	p := &prober{opts: o, target: Target{Port: int(ap.Port())}, ip: ap.Addr()}
	c, ok := p.dialControl(context.Background(), transcript.New().Session("replies"))
	if !ok {
		t.Fatal("no control connection")
	}
	t.Cleanup(func() { c.conn.Close() })
	return c
}

// messages are replies as the probe's steps see them: ftp.Reply.Message,
// the text without the code (net/textproto's form, which the checks'
// details have always quoted).
func messages(rs []replytest.Reply) []replytest.Reply {
	out := make([]replytest.Reply, len(rs))
	for i, r := range rs {
		out[i] = replytest.Reply{Code: r.Code, Lines: []string{ftp.Reply{Code: r.Code, Lines: r.Lines}.Message()}}
	}
	return out
}

// TestBareCodes: a server that ends a transfer with a bare "226", or its
// FEAT with a bare "211", is healthy. Before issue 27 the probe's reader
// (net/textproto) called the first "not an FTP reply" and waited past the
// second until the reply timeout.
func TestBareCodes(t *testing.T) {
	cases := []struct {
		name   string
		script func(*scripted)
	}{
		{"226 after a listing", func(s *scripted) {
			s.handlers["LIST"] = func(c *fconn, _ string) {
				c.say("150 Here it comes")
				if dc := c.dataConn(); dc != nil {
					dc.Write([]byte(s.listing))
					dc.Close()
				}
				c.say("226")
			}
		}},
		{"211 ends FEAT", func(s *scripted) {
			s.handlers["FEAT"] = func(c *fconn, _ string) { c.say("211-Features:", " PASV", "211") }
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScripted(t)
			tc.script(s)
			o := quick()
			o.PassiveOnly = true
			res := diagnosed(probeAddr(t, "ftp://"+s.addr()+"/", o), result.Tool{Name: "ftpdiag", Version: "test"})
			if got := codes(res.Findings); len(got) != 0 || res.Verdict != result.VerdictOK {
				t.Errorf("%s %v, want a healthy server\n%s", res.Verdict, got, render(res.Transcript))
			}
		})
	}
}
