package probe

import (
	"slices"
	"sync"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// TestProbeEndsInTime (issue 30, bounded in time): whatever a server does,
// the probe ends with a verdict and the transcript so far: a 120 that never
// turns into a 220 is control.busy after one reply timeout, and a server
// dripping its replies to the typical client's session is cut at the
// overall deadline (Options.Deadline, WorstCase).
func TestProbeEndsInTime(t *testing.T) {
	const maxTranscript = 200 // a whole healthy probe writes about 100 lines
	o := quick()
	cases := []struct {
		name   string
		script func(s *scripted)
		want   []string // finding codes; nil: any
		bound  time.Duration
	}{
		{"120 repeated forever", func(s *scripted) {
			s.greet = func(c *fconn) bool {
				for {
					if _, err := c.Write([]byte("120 Service ready in 1 minute\r\n")); err != nil {
						return false
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}, []string{diagnose.CodeControlBusy}, o.ReplyTimeout + 500*time.Millisecond},
		{"120 flooded", func(s *scripted) {
			s.greet = func(c *fconn) bool { flood(c, "120 Service ready in 1 minute\r\n"); return false }
		}, []string{diagnose.CodeControlBusy}, o.ReplyTimeout + 500*time.Millisecond},
		{"one byte at a time to the typical client", func(s *scripted) {
			typicalOnly(s, func(c *fconn) {
				for {
					if _, err := c.Write([]byte("2")); err != nil {
						return
					}
					time.Sleep(300 * time.Millisecond)
				}
			})
		}, nil, o.ReplyTimeout + 2*time.Second},
		{"a line at a time to the typical client", func(s *scripted) {
			typicalOnly(s, func(c *fconn) {
				for {
					if _, err := c.Write([]byte("211-still more features\r\n")); err != nil {
						return
					}
					time.Sleep(300 * time.Millisecond)
				}
			})
		}, nil, o.WorstCase() + time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t)
			tc.script(s)
			start := time.Now()
			out := probeAddr(t, "ftp://"+s.addr()+"/", o)
			took := time.Since(start)
			res := diagnosed(out, result.Tool{})
			if tc.want != nil && !slices.Equal(codes(res.Findings), tc.want) {
				t.Errorf("codes = %v, want %v\n%s", codes(res.Findings), tc.want, render(res.Transcript))
			}
			if res.Verdict == "" || len(res.Transcript) == 0 {
				t.Errorf("verdict %q and %d transcript lines, want both", res.Verdict, len(res.Transcript))
			}
			t.Logf("took %s, codes %v", took, codes(res.Findings))
			if n := len(res.Transcript); n > maxTranscript {
				t.Errorf("%d transcript lines, want at most %d", n, maxTranscript)
			}
			if took > tc.bound {
				t.Errorf("the probe took %s, more than %s\n%s", took, tc.bound, render(res.Transcript))
			}
		})
	}
}

// typicalOnly makes the scripted server answer the typical client's FEAT,
// which comes right after its login, with drip; the probe's own session
// sends SYST before its FEAT and is answered as usual.
func typicalOnly(s *scripted, drip func(c *fconn)) {
	var mu sync.Mutex
	user := map[*fconn]bool{}
	s.handlers["SYST"] = func(c *fconn, _ string) {
		mu.Lock()
		user[c] = true
		mu.Unlock()
		c.say("215 UNIX Type: L8")
	}
	s.handlers["FEAT"] = func(c *fconn, _ string) {
		mu.Lock()
		seen := user[c]
		mu.Unlock()
		if !seen {
			drip(c)
			return
		}
		c.say("211-Features:", " PASV", "211 End")
	}
}

// TestWorstCase pins the overall deadline's formula (docs/README-probe.md,
// "Time bounds").
func TestWorstCase(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		want time.Duration
	}{
		{"defaults, plain FTP", Options{}, 140 * time.Second},
		{"defaults, --tls auto", Options{TLS: TLSAuto}, 160 * time.Second},
		{"ftps://", Options{Implicit: true}, 160 * time.Second},
		{"--compare-plain and --sweep", Options{TLS: TLSAuto, ComparePlain: true, Sweep: true}, 240 * time.Second},
		{"a longer connection timeout", Options{Timeout: 30 * time.Second}, 180 * time.Second},
		{"quick", quick(), 7 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.opts.WorstCase(); got != tc.want {
				t.Errorf("WorstCase() = %s, want %s", got, tc.want)
			}
			if got := tc.opts.withDefaults().Deadline; got != tc.want {
				t.Errorf("the default Deadline = %s, want %s", got, tc.want)
			}
		})
	}
}
