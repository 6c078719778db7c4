package render

import (
	"net"
	"strconv"
	"time"

	"ftpdiag/result"
)

// The data connections of a transcript, read from its events as the HTML
// timeline draws them: each attempt from the moment it left to its outcome,
// including what happened on it afterwards (the transfer, or the server's
// refusal of the command it was for).

// outcomeClass is what a data-connection bar says, in a word and in a
// class the page styles by (colour and pattern both, so colour is never the
// only signal).
type outcomeClass struct {
	Key  string // CSS class suffix and pattern name
	Word string // the label shown on the bar and in the table
}

var (
	outcomeOK       = outcomeClass{"ok", "connected"}
	outcomeRefused  = outcomeClass{"refused", "refused"}
	outcomeTimeout  = outcomeClass{"timeout", "no answer"}
	outcomeStalled  = outcomeClass{"stalled", "stalled"}
	outcomeRejected = outcomeClass{"rejected", "rejected by the server"}
	outcomeFailed   = outcomeClass{"failed", "failed"}
)

// outcomeClasses lists them in the order the timeline's legend shows them.
var outcomeClasses = []outcomeClass{outcomeOK, outcomeRefused, outcomeTimeout, outcomeStalled, outcomeRejected, outcomeFailed}

// dataAttempt is one data connection attempt and what came of it.
type dataAttempt struct {
	session    int
	entry      int // transcript index of the connect or accept event
	start, end time.Duration
	active     bool   // the server was to connect to the client (PORT/EPRT)
	addr       string // the address dialled, or the server's, for active mode
	port       int    // the server's port (passive), the client's listening port (active); 0 if unknown
	outcome    outcomeClass
	word       string // outcome.Word, made precise: "complete, 312 bytes", "rejected by the server: 425"
	open       bool   // connected and not yet ended: a later close or reply tells how it went
}

// dataAttempts reads every session's data connections, in transcript order.
func dataAttempts(entries []result.Entry) []dataAttempt {
	var out []dataAttempt
	open := map[int]int{}   // session -> index in out of its open attempt
	listen := map[int]int{} // session -> transcript index of its last data-listen event
	for i, e := range entries {
		switch {
		case e.Kind == result.Reply && e.Code >= 400:
			if k, ok := open[e.Session]; ok {
				a := &out[k]
				a.outcome, a.word, a.end, a.open = outcomeRejected, outcomeRejected.Word+": "+strconv.Itoa(e.Code), e.T, false
				delete(open, e.Session)
			}
		case e.Kind != result.Event || e.Event == nil:
		case e.Event.Op == result.OpDataListen:
			listen[e.Session] = i
		case e.Event.Op == result.OpDataConnect, e.Event.Op == result.OpDataAccept:
			a := newAttempt(entries, i, listen)
			delete(open, e.Session)
			if a.open {
				open[e.Session] = len(out)
			}
			out = append(out, a)
		case e.Event.Op == result.OpDataClose:
			if k, ok := open[e.Session]; ok {
				endTransfer(&out[k], e)
				delete(open, e.Session)
			}
		}
	}
	return out
}

// newAttempt reads the connect (passive) or accept (active) event at i. An
// event's time is when it ended; it started its duration before, though
// never before the session's line that came before it (a hand-made or
// foreign transcript may hold durations its times do not allow).
func newAttempt(entries []result.Entry, i int, listen map[int]int) dataAttempt {
	e := entries[i]
	ev := e.Event
	a := dataAttempt{session: e.Session, entry: i, start: max(e.T-ev.Dur, previousT(entries, i)), end: e.T, addr: ev.Addr}
	a.port = portOf(ev.Addr)
	if ev.Op == result.OpDataAccept {
		a.active = true
		if l, ok := listen[e.Session]; ok {
			a.port = portOf(entries[l].Event.Addr)
			if ev.Dur == 0 || a.start < entries[l].T {
				a.start = entries[l].T
			}
		}
	}
	a.outcome = connectOutcome(ev.Outcome)
	a.word = a.outcome.Word
	switch ev.Outcome {
	case result.Connected:
		a.open = true
	case result.Unreachable, result.Reset:
		a.word = string(ev.Outcome)
	}
	return a
}

func connectOutcome(o result.Outcome) outcomeClass {
	switch o {
	case result.Connected:
		return outcomeOK
	case result.Refused, result.Reset, result.Unreachable:
		return outcomeRefused
	case result.Timeout:
		return outcomeTimeout
	case result.Rejected:
		return outcomeRejected
	}
	return outcomeFailed
}

// endTransfer reads how the transfer on an open data connection ended.
func endTransfer(a *dataAttempt, e result.Entry) {
	ev := e.Event
	a.end, a.open = max(e.T, a.end), false
	bytes := ", " + strconv.FormatInt(ev.Bytes, 10) + " bytes"
	switch ev.Outcome {
	case result.Complete, result.Closed:
		a.outcome, a.word = outcomeOK, "complete"+bytes
	case result.Truncated:
		a.outcome, a.word = outcomeOK, "cut at the byte limit"+bytes
	case result.Stalled:
		a.outcome, a.word = outcomeStalled, "stalled"+bytes
	default:
		a.outcome, a.word = outcomeFailed, string(ev.Outcome)+bytes
	}
}

// portOf is the port of host:port, 0 when there is none.
func portOf(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

// previousT is the time of the session's line before i that is not
// another attempt's outcome (attempts in flight together are recorded as
// each ends), or 0.
func previousT(entries []result.Entry, i int) time.Duration {
	for j := i - 1; j >= 0; j-- {
		e := entries[j]
		if e.Session != entries[i].Session || isDataOutcome(e) {
			continue
		}
		return e.T
	}
	return 0
}

func isDataOutcome(e result.Entry) bool {
	return e.Kind == result.Event && e.Event != nil &&
		(e.Event.Op == result.OpDataConnect || e.Event.Op == result.OpDataAccept)
}
