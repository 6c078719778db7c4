package diagnose

import (
	"reflect"
	"testing"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// notesFor builds a one-session transcript with build, and returns the
// notes annotateEntry adds under entry at.
func notesFor(build func(s *transcript.Session), at int) []string {
	l := transcript.New()
	build(l.Session("test"))
	var out []string
	for _, a := range annotateEntry(l.Entries(), at) {
		out = append(out, a.text)
	}
	return out
}

func connected(s *transcript.Session, addr string) {
	s.Event(result.EventInfo{Op: result.OpConnect, Addr: addr, Outcome: result.Connected}, "")
}

func dialled(s *transcript.Session, addr string, out result.Outcome) {
	s.Event(result.EventInfo{Op: result.OpDataConnect, Addr: addr, Outcome: out, Dur: time.Second}, "")
}

func TestAnnotateEntry(t *testing.T) {
	cases := []struct {
		name  string
		build func(s *transcript.Session)
		at    int // index of the entry annotated (0 is the session head)
		want  []string
	}{
		{"PASV private, dialled the control address", func(s *transcript.Session) {
			connected(s, "198.18.1.2:21")
			s.Reply(227, "227 Entering Passive Mode (192,168,1,175,11,187)")
			dialled(s, "198.18.1.2:3003", result.Connected)
		}, 2, []string{
			"the server listens on 192.168.1.175 port 11*256+187 = 3003",
			"192.168.1.175 is a private address: a client outside the server's network cannot reach it",
			"so the client dialled 198.18.1.2:3003 instead (the control connection's address), as common clients do",
		}},
		{"PASV private on a private network", func(s *transcript.Session) {
			connected(s, "10.0.0.5:21")
			s.Reply(227, "227 Entering Passive Mode (10,0,0,5,11,187)")
			dialled(s, "10.0.0.5:3003", result.Connected)
		}, 2, []string{"the server listens on 10.0.0.5 port 11*256+187 = 3003"}},
		{"PASV without parentheses, not dialled", func(s *transcript.Session) {
			connected(s, "198.18.1.2:21")
			s.Reply(227, "227 Entering Passive Mode 203,0,113,9,4,1")
		}, 2, []string{"the server listens on 203.0.113.9 port 4*256+1 = 1025", "the client did not dial 203.0.113.9:1025"}},
		// issue 20: lftp below debug 9 and other logs show no data
		// connection, but a listing that completed had one.
		{"PASV private, no dial in the log, the listing completed", func(s *transcript.Session) {
			connected(s, "198.18.1.2:21")
			s.Reply(227, "227 Entering Passive Mode (192,168,1,175,11,187)")
			s.Command("LIST")
			s.Reply(150, "150 Here comes the directory listing.")
			s.Reply(226, "226 Directory send OK.")
		}, 2, []string{
			"the server listens on 192.168.1.175 port 11*256+187 = 3003",
			"192.168.1.175 is a private address: a client outside the server's network cannot reach it",
			"the log shows no data connection, but the server's 150 says one opened",
		}},
		// The 150 after a fall-back to PORT is the active connection's:
		// the passive one was never dialled (a server's log, lftp).
		{"PASV not dialled, the client fell back to PORT", func(s *transcript.Session) {
			connected(s, "198.18.1.2:21")
			s.Reply(227, "227 Entering Passive Mode (198,18,1,2,11,187)")
			s.Command("LIST")
			s.Reply(425, "425 Failed to establish connection.")
			s.Command("PORT 198,18,0,2,200,10")
			s.Reply(200, "200 PORT command successful. Consider using PASV.")
			s.Command("LIST")
			s.Reply(150, "150 Here comes the directory listing.")
			s.Reply(226, "226 Directory send OK.")
		}, 2, []string{"the server listens on 198.18.1.2 port 11*256+187 = 3003", "the client did not dial 198.18.1.2:3003"}},
		{"PASV shared address", func(s *transcript.Session) {
			connected(s, "198.18.1.2:21")
			s.Reply(227, "227 =100,64,1,1,0,21")
			dialled(s, "100.64.1.1:21", result.Timeout)
		}, 2, []string{"the server listens on 100.64.1.1 port 0*256+21 = 21",
			"100.64.1.1 is a shared (carrier-grade NAT) address: a client outside the server's network cannot reach it"}},
		{"PASV garbage", func(s *transcript.Session) { s.Reply(227, "227 ok") }, 1,
			[]string{"this 227 reply holds no address and port that a client can use"}},
		{"probe already decoded it", func(s *transcript.Session) {
			s.Reply(227, "227 Entering Passive Mode (198,18,1,2,11,187)")
			s.Note("port 3003 (11*256+187 = 3003)")
			dialled(s, "198.18.1.2:3003", result.Connected)
		}, 1, nil},
		{"probe already said what it dialled", func(s *transcript.Session) {
			connected(s, "198.18.1.2:21")
			s.Reply(227, "227 Entering Passive Mode (192,168,1,175,11,187)")
			s.Note("192.168.1.175 is a private address; the probe connects to 198.18.1.2:3003 instead")
			dialled(s, "198.18.1.2:3003", result.Connected)
		}, 2, []string{"the server listens on 192.168.1.175 port 11*256+187 = 3003"}},
		{"EPSV", func(s *transcript.Session) { s.Reply(229, "229 Entering Extended Passive Mode (|||3003|)") }, 1,
			[]string{"the server listens on port 3003, at the address of the control connection"}},
		{"PORT", func(s *transcript.Session) { s.Command("PORT 10,0,0,2,156,65") }, 1,
			[]string{"asks the server to connect to 10.0.0.2 port 156*256+65 = 40001"}},
		{"EPRT IPv6", func(s *transcript.Session) { s.Command("EPRT |2|fd00::2|40001|") }, 1,
			[]string{"asks the server to connect to fd00::2 port 40001"}},
		{"EPRT empty", func(s *transcript.Session) { s.Command("EPRT") }, 1, nil},
		{"SITE PORTCHECK spelled", func(s *transcript.Session) { s.Command("SITE PORTCHECK ba,a,a,c,hi,dc") }, 1,
			[]string{"announces the next PORT/EPRT argument, 10,0,0,2,78,32, spelled in letters so that no router rewrites it"}},
		{"SITE PORTCHECK rewritten", func(s *transcript.Session) {
			s.Command("SITE PORTCHECK")
			s.Reply(200, "200 PORTCHECK rewritten 10,0,0,2,78,32 198,18,0,1,195,80")
		}, 2, []string{"a router on the way rewrote PORT: the client sent 10.0.0.2:20000, the server received 198.18.0.1:50000"}},
		{"SITE PORTCHECK same", func(s *transcript.Session) {
			s.Command("SITE PORTCHECK")
			s.Reply(200, "200 PORTCHECK same |1|10.0.0.2|20000|")
		}, 2, []string{"PORT arrived as sent: no router on the way rewrote it"}},
		{"SITE WHOAMI", func(s *transcript.Session) {
			s.Command("SITE WHOAMI")
			s.Reply(200, "200 198.18.0.1 51234")
		}, 2, []string{"the server sees the client as 198.18.0.1 port 51234"}},
		{"200 to another command", func(s *transcript.Session) {
			s.Command("TYPE I")
			s.Reply(200, "200 198.18.0.1 51234")
		}, 2, nil},
		{"530", func(s *transcript.Session) { s.Reply(530, "530 Login incorrect.") }, 1,
			[]string{"530: not logged in: the user name or password is refused, or login needs TLS first"}},
		{"226 says it all", func(s *transcript.Session) { s.Reply(226, "226 Transfer complete") }, 1, nil},
		{"not FTP", func(s *transcript.Session) { s.Reply(0, "HTTP/1.1 400 Bad Request") }, 1,
			[]string{"not an FTP reply: every FTP reply starts with a three-digit code"}},
		{"data connection refused", func(s *transcript.Session) { dialled(s, "198.18.1.2:3003", result.Refused) }, 1,
			[]string{"answered with a reset: nothing listens on this port, or a firewall rejects it"}},
		{"data connection fine", func(s *transcript.Session) { dialled(s, "198.18.1.2:3003", result.Connected) }, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := notesFor(tc.build, tc.at); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestAnnotateSlow uses a clock that jumps, so one reply comes late.
func TestAnnotateSlow(t *testing.T) {
	now := time.Date(2026, 11, 23, 21, 54, 30, 0, time.UTC)
	l := transcript.New(transcript.WithClock(func() time.Time { return now }))
	s := l.Session("login")
	s.Command("PASS x")
	now = now.Add(3500 * time.Millisecond)
	s.Reply(230, "230 Logged in")
	s.Command("RETR big")
	now = now.Add(10 * time.Second)
	s.Reply(226, "226 Transfer complete")
	entries := l.Entries()
	cases := []struct {
		name string
		at   int
		want []annotation
	}{
		{"slow login", 2, []annotation{{text: "the server took 3.5s to answer", key: "took 3.5s"}}},
		{"long download is not slow", 4, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := annotateSlow(newSessionIndex(entries), tc.at); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
