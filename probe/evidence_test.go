package probe

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// TestTruncatedListingAgrees: a listing cut at --max-bytes is the probe's
// own limit, not the server's fault. Checks, findings and verdict must
// tell one story: no check fails where no finding is above info, and the
// finding that says what was cut is there.
func TestTruncatedListingAgrees(t *testing.T) {
	s := newScripted(t)
	s.listing = strings.Repeat("-rw-r--r-- 1 ftp ftp 5 Jan 01 00:00 hello.txt\r\n", 50)
	o := quick()
	o.MaxBytes, o.PassiveOnly = 100, true
	res := diagnosed(probeAddr(t, "ftp://"+s.addr()+"/", o), result.Tool{})
	if got := codes(res.Findings); !slices.Contains(got, "transfer.truncated") {
		t.Errorf("codes = %v, want %s among them", got, "transfer.truncated")
	}
	for _, c := range res.Checks {
		if c.Status == result.Fail && res.Verdict != result.VerdictCritical {
			t.Errorf("check %q fails (%s) while the verdict is %s", c.Name, c.Detail, res.Verdict)
		}
	}
	if res.Verdict != result.VerdictUnknown {
		t.Errorf("verdict %s, want unknown: no listing or download was seen to its end\n%s", res.Verdict, render(res.Transcript))
	}
}

// stallSlack is what the contract allows beyond the stall timeout for the
// verdict where a data connection stalls: about a second.
const stallSlack = time.Second

// TestStallVerdictInTime: a server that stops sending a listing (and so
// never answers the LIST) must not make the verdict wait for any
// session's reply timeout: transfer.stalled is known once the stall
// timeout runs out.
func TestStallVerdictInTime(t *testing.T) {
	cases := []struct {
		name string
		opts func(o *Options)
	}{
		{"both modes", func(*Options) {}},
		{"passive only", func(o *Options) { o.PassiveOnly = true }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t)
			s.handlers["LIST"] = stallList
			s.handlers["MLSD"] = stallList
			s.handlers["NLST"] = stallList
			o := quick()
			o.ReplyTimeout, o.StallTimeout = 4*time.Second, 500*time.Millisecond
			tc.opts(&o)
			start := time.Now()
			res := diagnosed(probeAddr(t, "ftp://"+s.addr()+"/", o), result.Tool{})
			took := time.Since(start)
			if got := codes(res.Findings); !slices.Contains(got, diagnose.CodeTransferStalled) {
				t.Errorf("codes = %v, want %s\n%s", got, diagnose.CodeTransferStalled, render(res.Transcript))
			}
			if bound := o.StallTimeout + stallSlack; took > bound {
				t.Errorf("verdict after %s, more than the stall timeout %s + %s", took.Round(time.Millisecond), o.StallTimeout, stallSlack)
			}
		})
	}
}

// stallList sends the start of a listing and then nothing, holding the
// data connection open and never answering on the control connection.
func stallList(c *fconn, _ string) {
	c.say("150 Here it comes")
	if dc := c.dataConn(); dc != nil {
		dc.Write([]byte(strings.Repeat("-rw-r--r-- 1 ftp ftp 5 Jan 01 00:00 x\r\n", 10)))
		io.Copy(io.Discard, dc) // until the probe hangs up
	}
	c.r.ReadString('\n') // and no 226 ever
}
