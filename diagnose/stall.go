package diagnose

import (
	"fmt"
	"path"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// stall is a transfer that stopped moving, judged once the whole
// transcript is read: the same transfer may have completed elsewhere.
type stall struct {
	session   int
	line      int
	verb, arg string
	bytes     int64
	idle      result.EventInfo
	want      int64 // the size announced or asked for, -1 when unknown
}

// completed is a transfer whose data connection closed complete.
type completed struct {
	session   int
	line      int
	verb, arg string
	bytes     int64
}

// settleStalls judges each stall against the transfers that completed.
// Where the same transfer completed in a later session (the probe runs its
// main session again, alone, after a stall beside other sessions), the
// server stalls only when several sessions run at once: pyftpdlib does,
// a single client never meets it, and the path is not to blame. Where
// every byte arrived and only the close never came, the server, not the
// path, is stuck.
func (d *diagnosis) settleStalls() {
	for _, st := range d.stalls {
		if again, ok := d.completedLater(st); ok {
			d.add(Fact{Code: CodeStalledParallel, Lines: []int{st.line, again.line},
				Detail: fmt.Sprintf("%s %s stopped after %d bytes while the client had other sessions open, and completed (%d bytes) when run again alone: the server stalls transfers under several sessions at once, which clients that open parallel connections (FileZilla opens up to three) meet.",
					st.verb, st.arg, st.bytes, again.bytes)})
			continue
		}
		detail := fmt.Sprintf("The data connection for %s opened, but the transfer stopped after %d bytes and nothing moved for %s.", st.verb, st.bytes, transcript.Human(st.idle.Dur))
		if full := d.fullSize(st); full >= 0 && st.bytes == full {
			detail = fmt.Sprintf("The data connection for %s carried all %d bytes, but the server neither closed it nor said 226 for %s: the server, not the network, stopped before the end of the transfer.", st.verb, st.bytes, transcript.Human(st.idle.Dur))
		}
		d.add(Fact{Code: CodeTransferStalled, Lines: []int{st.line}, Detail: detail})
	}
}

// completedLater is the same transfer completed in a later session: the
// same file downloaded, or any listing for a listing (the typical client
// lists with MLSD, the probe's main session with LIST).
func (d *diagnosis) completedLater(st stall) (completed, bool) {
	for _, c := range d.complete {
		if c.session > st.session && sameTransfer(c.verb, c.arg, st.verb, st.arg) {
			return c, true
		}
	}
	return completed{}, false
}

func sameTransfer(verb1, arg1, verb2, arg2 string) bool {
	if listing(verb1) && listing(verb2) {
		return true
	}
	return verb1 == verb2 && samePath(arg1, arg2)
}

// samePath: "/hello.txt" and "hello.txt" name one file where the session
// stays in the root, as the probe's and the library's sessions do.
func samePath(a, b string) bool {
	return path.Clean("/"+a) == path.Clean("/"+b)
}

func listing(verb string) bool { return verb == "LIST" || verb == "NLST" || verb == "MLSD" }

// fullSize is the transfer's whole size where the transcript shows it: the
// size announced or asked for, or another complete run of the same
// transfer; -1 when unknown.
func (d *diagnosis) fullSize(st stall) int64 {
	if st.want >= 0 {
		return st.want
	}
	for _, c := range d.complete {
		if c.verb == st.verb && samePath(c.arg, st.arg) {
			return c.bytes
		}
	}
	return -1
}
