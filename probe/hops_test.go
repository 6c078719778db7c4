package probe

import (
	"runtime"
	"slices"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

func TestParseTraceMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want TraceMode
		ok   bool
	}{{"off", TraceOff, true}, {"AUTO", TraceAuto, true}, {"always", TraceAlways, true}, {"", "", false}, {"yes", "", false}} {
		got, err := ParseTraceMode(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseTraceMode(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestTraceModeFor(t *testing.T) {
	for _, tc := range []struct {
		value             string
		given, monitoring bool
		want              TraceMode
	}{
		{"auto", false, false, TraceAuto},
		{"auto", false, true, TraceOff},
		{"always", true, true, TraceAlways},
		{"auto", true, true, TraceAuto},
		{"off", true, false, TraceOff},
	} {
		got, err := TraceModeFor(tc.value, tc.given, tc.monitoring)
		if err != nil || got != tc.want {
			t.Errorf("TraceModeFor(%q, given %v, monitoring %v) = %q, %v; want %q", tc.value, tc.given, tc.monitoring, got, err, tc.want)
		}
	}
}

func dataEvent(addr string, out result.Outcome) result.Entry {
	return result.Entry{Kind: result.Event, Event: &result.EventInfo{Op: result.OpDataConnect, Addr: addr, Outcome: out}}
}

func TestFindTraceTarget(t *testing.T) {
	ctl4 := result.Entry{Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Addr: "198.18.1.2:2121", Outcome: result.Connected, Dur: 3000}}
	ctl6 := result.Entry{Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Addr: "[2001:db8::2]:2121", Outcome: result.Connected, Dur: 2000}}
	tests := []struct {
		name          string
		entries       []result.Entry
		ok, failed    bool
		data, control string
	}{
		{"nothing dialled", []result.Entry{ctl4}, false, false, "", ""},
		{"healthy: the first dialled, not failed", []result.Entry{ctl4, dataEvent("198.18.1.2:3001", result.Connected), dataEvent("198.18.1.2:3002", result.Connected)},
			true, false, "198.18.1.2:3001", "198.18.1.2:2121"},
		{"the first timeout wins over connections before it", []result.Entry{ctl4, dataEvent("198.18.1.2:3001", result.Connected), dataEvent("198.18.1.2:3005", result.Timeout), dataEvent("198.18.1.2:3006", result.Timeout)},
			true, true, "198.18.1.2:3005", "198.18.1.2:2121"},
		{"an unreachable counts as failed", []result.Entry{ctl4, dataEvent("198.18.1.2:3003", result.Unreachable)},
			true, true, "198.18.1.2:3003", "198.18.1.2:2121"},
		{"a refusal is traced with always only", []result.Entry{ctl4, dataEvent("198.18.1.2:3001", result.Connected), dataEvent("198.18.1.2:3004", result.Refused)},
			true, false, "198.18.1.2:3004", "198.18.1.2:2121"},
		{"the control port of the data port's family", []result.Entry{ctl6, ctl4, dataEvent("198.18.1.2:3005", result.Timeout)},
			true, true, "198.18.1.2:3005", "198.18.1.2:2121"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tt, ok := findTraceTarget(tc.entries, 21)
			if ok != tc.ok || !ok {
				if ok != tc.ok {
					t.Fatalf("ok = %v, want %v", ok, tc.ok)
				}
				return
			}
			if tt.data.String() != tc.data || tt.control.String() != tc.control || tt.failed != tc.failed {
				t.Errorf("got data %s control %s failed %v; want %s %s %v", tt.data, tt.control, tt.failed, tc.data, tc.control, tc.failed)
			}
		})
	}
}

// TestTraceModes runs the probe against the reference server on loopback,
// where the server is hop 1: off and auto (nothing timed out) record no
// trace; always records one whose control port connects at hop 1, and no
// finding comes of it (the data port is answered, not stopped).
func TestTraceModes(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	for _, mode := range []TraceMode{"", TraceOff, TraceAuto, TraceAlways} {
		t.Run(string(mode)+"-", func(t *testing.T) {
			o := quick()
			o.PassiveOnly, o.Trace = true, mode
			out := probeAddr(t, servertest.URL(s), o)
			res := diagnosed(out, result.Tool{})
			var hops []result.Entry
			for _, e := range res.Transcript {
				if e.Event != nil && e.Event.Op == result.OpTraceHop {
					hops = append(hops, e)
				}
			}
			check := slices.IndexFunc(res.Checks, func(c result.Check) bool { return c.Name == "hop trace" })
			if mode != TraceAlways {
				if len(hops) > 0 || check >= 0 {
					t.Errorf("trace %q traced a healthy server: %d hops, check %d", mode, len(hops), check)
				}
				return
			}
			if check < 0 {
				t.Fatalf("no hop trace check in %v", res.Checks)
			}
			if runtime.GOOS != "linux" {
				if res.Checks[check].Status != result.NotChecked {
					t.Errorf("check %+v, want not checked off Linux", res.Checks[check])
				}
				return
			}
			if len(hops) < 2 || hops[0].Event.Hop.TTL != 1 || !hops[0].Event.Hop.Control || hops[0].Event.Outcome != result.Connected {
				t.Fatalf("want hop 1 of the control port connected first, got %d hops: %+v", len(hops), hops)
			}
			for _, f := range res.Findings {
				if f.Code == diagnose.CodeDataDroppedAt {
					t.Errorf("a finding from a healthy trace: %+v", f)
				}
			}
		})
	}
}
