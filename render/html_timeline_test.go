package render

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

func TestTimeAxis(t *testing.T) {
	cases := []struct {
		name   string
		end    time.Duration
		labels string
	}{
		{"a 5 ms healthy probe", 5 * time.Millisecond, "0 0.5 ms 1.0 ms 1.5 ms 2.0 ms 2.5 ms 3.0 ms 3.5 ms 4.0 ms 4.5 ms 5.0 ms"},
		{"20.5 ms", 20500 * time.Microsecond, "0 5 ms 10 ms 15 ms 20 ms 25 ms"},
		{"under a millisecond", 730 * time.Microsecond, "0 0.1 ms 0.2 ms 0.3 ms 0.4 ms 0.5 ms 0.6 ms 0.7 ms 0.8 ms"},
		{"one timeout", 5200 * time.Millisecond, "0 1 s 2 s 3 s 4 s 5 s 6 s"},
		{"a 30 s probe", 30 * time.Second, "0 5 s 10 s 15 s 20 s 25 s 30 s"},
		{"1.5 s", 1500 * time.Millisecond, "0 0.2 s 0.4 s 0.6 s 0.8 s 1.0 s 1.2 s 1.4 s 1.6 s"},
		{"nothing timed", 0, "0 0.1 ms 0.2 ms 0.3 ms 0.4 ms 0.5 ms 0.6 ms 0.7 ms 0.8 ms 0.9 ms 1.0 ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ticks, end := timeAxis(tc.end)
			var got []string
			for _, tk := range ticks {
				got = append(got, tk.label)
			}
			if g := strings.Join(got, " "); g != tc.labels {
				t.Errorf("labels %q, want %q", g, tc.labels)
			}
			if end < tc.end || len(ticks) > maxTicks+1 {
				t.Errorf("axis ends at %v with %d ticks for %v", end, len(ticks), tc.end)
			}
		})
	}
}

// TestDataAttempts reads the outcome each bar shows from the events and
// replies around a data connection.
func TestDataAttempts(t *testing.T) {
	connected := func(s *transcript.Session) {
		s.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Connected, time.Millisecond), "")
	}
	closed := func(out result.Outcome) func(s *transcript.Session) {
		return func(s *transcript.Session) {
			s.Event(result.EventInfo{Op: result.OpDataClose, Outcome: out, Bytes: 312, Dur: time.Millisecond}, "")
		}
	}
	cases := []struct {
		name  string
		steps []func(s *transcript.Session)
		want  string // "outcome/word" per attempt
	}{
		{"complete", []func(*transcript.Session){connected, closed(result.Complete)}, "ok/complete, 312 bytes"},
		{"stalled", []func(*transcript.Session){connected, closed(result.Stalled)}, "stalled/stalled, 312 bytes"},
		{"reset mid-transfer", []func(*transcript.Session){connected, closed(result.Reset)}, "failed/reset, 312 bytes"},
		{"refused", []func(*transcript.Session){func(s *transcript.Session) {
			s.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Refused, time.Millisecond), "")
		}}, "refused/refused"},
		{"no answer", []func(*transcript.Session){func(s *transcript.Session) {
			s.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Timeout, 5*time.Second), "")
		}}, "timeout/no answer"},
		{"server says 425 on an open connection", []func(*transcript.Session){connected, func(s *transcript.Session) {
			s.Command("LIST")
			s.Reply(425, "425 Security: Bad IP connecting")
		}}, "rejected/rejected by the server: 425"},
		{"a 425 after a timeout stays no answer", []func(*transcript.Session){func(s *transcript.Session) {
			s.Event(ev(result.OpDataAccept, "", result.Timeout, 5*time.Second), "")
			s.Reply(425, "425 Failed to establish connection.")
		}}, "timeout/no answer"},
		{"connected, nothing after", []func(*transcript.Session){connected}, "ok/connected"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFx()
			s := f.login("data")
			for _, step := range tc.steps {
				step(s)
			}
			var got []string
			for _, a := range dataAttempts(f.log.Entries()) {
				got = append(got, a.outcome.Key+"/"+a.word)
			}
			if g := strings.Join(got, "; "); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
}

// TestAttemptsStartWhenTheyLeft: attempts recorded together as each ends
// (a sampling, a sweep) still start at their own start, and a duration
// longer than the transcript allows starts no earlier than the line before.
func TestAttemptsStartWhenTheyLeft(t *testing.T) {
	res := passiveDroppedScenario()
	for _, a := range dataAttempts(res.Transcript) {
		if a.active {
			continue
		}
		if d := a.end - a.start; d < 4900*time.Millisecond {
			t.Errorf("%s: bar of %v, want about the 5s timeout", a.addr, d)
		}
	}
	f := newFx()
	s := f.login("inconsistent")
	s.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Timeout, 5*time.Second), "")
	es := f.log.Entries()
	if a := dataAttempts(es)[0]; a.start != es[len(es)-2].T {
		t.Errorf("starts at %v, want the line before's %v", a.start, es[len(es)-2].T)
	}
}

func TestPortRuns(t *testing.T) {
	var as []dataAttempt
	for _, p := range []int{3005, 3000, 3001, 3002, 3004, 3006, 3009} {
		oc := outcomeOK
		if p >= 3004 && p <= 3005 {
			oc = outcomeTimeout
		}
		as = append(as, dataAttempt{port: p, outcome: oc})
	}
	var got []string
	for _, r := range portRuns(as) {
		got = append(got, r.String()+" "+r.outcome.Key)
	}
	want := "3000-3002 ok, 3004-3005 timeout, 3006 ok, 3009 ok"
	if g := strings.Join(got, ", "); g != want {
		t.Errorf("got %q, want %q (3003 and 3007-3008 were not tried)", g, want)
	}
}

// TestBarsNeverOverlap: however many of a lane's data connections are in
// flight together (up to the sweep threshold, past which a band is drawn),
// no bar or label covers another's.
func TestBarsNeverOverlap(t *testing.T) {
	for _, n := range []int{1, 3, 25, sweepThreshold} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var as []dataAttempt
			for k := range n {
				// All near the plot's right end, where labels go left or over.
				as = append(as, dataAttempt{port: 3000 + k, start: 7*time.Millisecond + time.Duration(k)*50*time.Microsecond,
					end: 8500 * time.Microsecond, outcome: outcomeOK, word: "connected"})
			}
			bars := stackBars(as, timeScale{9 * time.Millisecond}, 0)
			for i, a := range bars {
				for _, b := range bars[i+1:] {
					if a.Y != b.Y {
						continue
					}
					l1, r1 := barExtent(a)
					l2, r2 := barExtent(b)
					if l1 < r2 && l2 < r1 {
						t.Fatalf("bars %q [%.0f,%.0f] and %q [%.0f,%.0f] overlap on a row", a.Label, l1, r1, b.Label, l2, r2)
					}
				}
			}
		})
	}
}

// barExtent is what a bar and its label cover, worked out from what the
// template draws.
func barExtent(b svgBar) (left, right float64) {
	w := float64(len(b.Label)) * labelCharW
	lx, rx := b.LabelX, b.LabelX+w
	if b.AnchorEnd {
		lx, rx = b.LabelX-w, b.LabelX
	}
	return min(b.X, lx), max(b.X+b.W, rx)
}
