//go:build linux

package lab

import (
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

const (
	// ClockAllowance is added to the contract's bound when it is compared
	// with the probe's own duration_ms: goroutines woken late. It is
	// multiplied by LoadFactor.
	ClockAllowance = 250 * time.Millisecond
	// StartupAllowance is added when the bound is compared with the wall
	// time around the probe's process: starting a Go binary through
	// `ip netns exec` takes tens of milliseconds on an idle machine. It is
	// multiplied by LoadFactor: at a load of 12 on two cores (other builds
	// and tests), a start took 4 s.
	StartupAllowance = time.Second
)

// LoadFactor is how many runnable tasks share each core (the one-minute
// load average over the number of cores), at least 1: the factor by which a
// process waits longer for a core than on an idle machine.
func LoadFactor() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 1
	}
	load, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 1
	}
	return max(1, load/float64(runtime.NumCPU()))
}

// scale multiplies an allowance by a load factor.
func scale(d time.Duration, factor float64) time.Duration {
	return time.Duration(float64(d) * factor)
}

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

// ServerReplyTime is how long the probe waited for the server's replies:
// greetings (reverse DNS before them), logins (pure-ftpd's delays) and every
// other command, except those that wait for a data connection or transfer,
// whose time belongs to the network. Waits that overlap (sessions side by
// side) count once, so it is the time the server itself added to the run.
func ServerReplyTime(entries []result.Entry) time.Duration {
	var waits []interval
	pending := map[int]time.Duration{} // session -> when its awaited reply was asked for
	for _, e := range entries {
		switch {
		case e.Kind == result.Event && e.Event != nil && e.Event.Op == result.OpConnect &&
			e.Event.Outcome == result.Connected:
			pending[e.Session] = e.T
		case e.Kind == result.Command && !ftp.IsTransfer(e.Text):
			pending[e.Session] = e.T
		case e.Kind == result.Command:
			delete(pending, e.Session)
		case e.Kind == result.Reply:
			if from, ok := pending[e.Session]; ok {
				waits = append(waits, interval{from, e.T})
				delete(pending, e.Session)
			}
		}
	}
	return union(waits)
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
