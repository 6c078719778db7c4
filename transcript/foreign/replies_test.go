package foreign

import (
	"bufio"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/ftp/replytest"
	"ftpdiag/result"

	"github.com/gopacket/gopacket/layers"
)

// TestBuilderReadsReplies runs the one table of reply streams (issue 27)
// through the builder that every log reader hands reply lines to; a line
// it does not take as a reply becomes a note here, so the order shows.
func TestBuilderReadsReplies(t *testing.T) {
	for _, tc := range replytest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			b := newBuilder()
			sc := bufio.NewScanner(strings.NewReader(tc.In))
			for sc.Scan() {
				if !b.replyLine(sc.Text()) {
					b.add(result.Entry{Kind: result.Note, Text: sc.Text()})
				}
			}
			b.flushReply()
			var got []replytest.Reply
			for _, e := range b.entries {
				switch e.Kind {
				case result.Reply:
					got = append(got, replytest.Reply{Code: e.Code, Lines: strings.Split(e.Text, "\n")})
				case result.Note:
					got = append(got, replytest.Reply{Lines: []string{e.Text}})
				}
			}
			replytest.Compare(t, "foreign builder", tc, got, tc.Recorded())
		})
	}
}

// TestServerLogReadsReplies: the same table through the server-log reader's
// sessions, which take the replies a server logged line by line.
func TestServerLogReadsReplies(t *testing.T) {
	for _, tc := range replytest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			s := &ServerSession{}
			sc := bufio.NewScanner(strings.NewReader(tc.In))
			for sc.Scan() {
				s.replyLine(rec{kind: recReply, text: sc.Text()})
			}
			s.flush(time.Time{})
			var got []replytest.Reply
			for _, e := range s.Entries {
				switch e.Kind {
				case result.Reply:
					got = append(got, replytest.Reply{Code: e.Code, Lines: strings.Split(e.Text, "\n")})
				case result.Note:
					got = append(got, replytest.Reply{Lines: []string{e.Text}})
				}
			}
			replytest.Compare(t, "server-log reader", tc, got, tc.Recorded())
		})
	}
}

// TestCaptureAnnouncesWholeReplies: the capture reader takes a data port
// from a 227 reply that the one reply rule reads as a reply; a "227 ..."
// line inside another multi-line reply is text, and announces nothing.
func TestCaptureAnnouncesWholeReplies(t *testing.T) {
	cases := []struct {
		name, in string
		want     []uint16
	}{
		{"227 reply", "227 Entering Passive Mode (127,0,0,1,4,1).\r\n", []uint16{1025}},
		{"multi-line 227", "227-listen socket created\r\n227 (127,0,0,1,4,1)\r\n", []uint16{1025}},
		{"227 line inside a 211 reply", "211-Status\r\n227 Entering Passive Mode (127,0,0,1,4,1).\r\n211 End\r\n", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCapture(layers.LinkTypeEthernet)
			cc := &ctrlConn{key: "k", pasv: map[uint16]time.Time{}, active: map[uint16]time.Time{}, seenData: map[uint16]bool{}}
			sc := bufio.NewScanner(strings.NewReader(tc.in))
			for sc.Scan() {
				c.ctrlLine(cc, 1, sc.Text())
			}
			var got []uint16
			for port := range cc.pasv {
				got = append(got, port)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q announces passive ports %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestGenericReadsRepliesByTheOneRule: the generic reader learns which
// lines are replies by ftp.ReplyCode, the one rule, so a line of three
// digits that no reply starts with (a year, a byte count, a 9xx) is the
// client's own words, not a reply with a code no client can act on.
func TestGenericReadsRepliesByTheOneRule(t *testing.T) {
	log := "220 ready\nUSER anonymous\n331 send a password\nPASS guest\n230 in\n999 bottles on the wall\n226\n"
	l, err := Parse([]byte(log), Generic)
	if err != nil {
		t.Fatal(err)
	}
	var codes []int
	var notes []string
	for _, e := range l.Entries {
		switch e.Kind {
		case result.Reply:
			codes = append(codes, e.Code)
		case result.Note:
			notes = append(notes, e.Text)
		}
	}
	if want := []int{220, 331, 230, 226}; !slices.Equal(codes, want) {
		t.Errorf("reply codes = %v, want %v", codes, want)
	}
	if !slices.Contains(notes, "999 bottles on the wall") {
		t.Errorf("notes = %q, want the 999 line among them", notes)
	}
}
