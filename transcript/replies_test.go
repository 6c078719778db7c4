package transcript

import (
	"io"
	"net"
	"strings"
	"testing"
	"testing/iotest"

	"ftpdiag/ftp/replytest"
	"ftpdiag/result"
)

// streamConn is a control connection whose server side says in and ends.
type streamConn struct {
	net.Conn
	r io.Reader
}

func (c streamConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestRecorderReadsReplies runs the one table of reply streams (issue 27)
// through the recorder on the client side, whole and a byte at a time.
func TestRecorderReadsReplies(t *testing.T) {
	for _, tc := range replytest.Cases {
		for _, split := range []struct {
			name string
			r    func(io.Reader) io.Reader
		}{{"whole", func(r io.Reader) io.Reader { return r }}, {"bytewise", iotest.OneByteReader}} {
			t.Run(tc.Name+"/"+split.name, func(t *testing.T) {
				log := New()
				rc := Record(streamConn{r: split.r(strings.NewReader(tc.In))}, log.Session("replies"), ClientSide)
				io.Copy(io.Discard, rc)
				rc.Flush()
				var got []replytest.Reply
				for _, e := range log.Entries() {
					if e.Kind == result.Reply {
						got = append(got, replytest.Reply{Code: e.Code, Lines: strings.Split(e.Text, "\n")})
					}
				}
				replytest.Compare(t, "recorder", tc, got, tc.Recorded())
			})
		}
	}
}
