package lab

import (
	"sort"
	"strings"
	"time"

	"ftpdiag/transcript"
)

const (
	// ClockAllowance is added to the contract's bound when it is compared
	// with the probe's own duration_ms: goroutines woken late on two cores
	// shared with other builds.
	ClockAllowance = 250 * time.Millisecond
	// StartupAllowance is added when the bound is compared with the wall
	// time around the probe's process: starting a Go binary through
	// `ip netns exec` takes tens of milliseconds on an idle machine, and was
	// measured at up to 3.4 s while four other engineers built and tested on
	// the same two cores.
	StartupAllowance = 4 * time.Second
)

// Bound is the contract's limit on the time to verdict (DIAGNOSES.md): 1.5
// connection timeouts plus the server's own reply time where one thing is
// broken, 3 timeouts plus that when sampling a partly blocked passive range.
func Bound(timeout time.Duration, sampling bool, serverReply time.Duration) time.Duration {
	if sampling {
		return 3*timeout + serverReply
	}
	return timeout*3/2 + serverReply
}

// interval is a stretch of time spent waiting for the server.
type interval struct{ from, to time.Duration }

// ServerReplyTime is how long the probe waited for the server's greetings
// and login replies, the replies that real servers slow down on purpose
// (reverse DNS before the greeting, pure-ftpd's login delay). Waits that
// overlap (sessions side by side) count once, so it is the time the server
// itself added to the probe's run.
func ServerReplyTime(entries []transcript.Entry) time.Duration {
	var waits []interval
	pending := map[int]time.Duration{} // session -> when its awaited reply was asked for
	for _, e := range entries {
		switch {
		case e.Kind == transcript.Event && e.Event != nil && e.Event.Op == transcript.OpConnect &&
			e.Event.Outcome == transcript.Connected:
			pending[e.Session] = e.T
		case e.Kind == transcript.Command && isLogin(e.Text):
			pending[e.Session] = e.T
		case e.Kind == transcript.Command:
			delete(pending, e.Session)
		case e.Kind == transcript.Reply:
			if from, ok := pending[e.Session]; ok {
				waits = append(waits, interval{from, e.T})
				delete(pending, e.Session)
			}
		}
	}
	return union(waits)
}

func isLogin(cmd string) bool {
	verb, _, _ := strings.Cut(cmd, " ")
	return strings.EqualFold(verb, "USER") || strings.EqualFold(verb, "PASS")
}

// union is the total length covered by the intervals.
func union(iv []interval) time.Duration {
	sort.Slice(iv, func(i, j int) bool { return iv[i].from < iv[j].from })
	var total, end time.Duration
	for _, w := range iv {
		if w.from > end {
			end = w.from
		}
		if w.to > end {
			total += w.to - end
			end = w.to
		}
	}
	return total
}
