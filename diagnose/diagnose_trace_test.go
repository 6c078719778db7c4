package diagnose

import (
	"strings"
	"testing"

	"ftpdiag/result"
)

// hopsOf makes a trace's events from "ttl:outcome:from[:icmp]" words, the
// control port's (port 21) and the data port's (3003) side by side.
func hopsOf(ctl, data string) []result.Entry {
	var out []result.Entry
	add := func(words string, control bool, addr string) {
		for _, w := range strings.Fields(words) {
			f := strings.Split(w, ":")
			ttl := int(f[0][0] - '0')
			if len(f[0]) == 2 {
				ttl = ttl*10 + int(f[0][1]-'0')
			}
			hop := &result.HopInfo{TTL: ttl, Control: control, Tries: 1}
			if len(f) > 2 {
				hop.From = f[2]
			}
			if len(f) > 3 {
				hop.ICMP = f[3]
			}
			ev := &result.EventInfo{Op: result.OpTraceHop, Addr: addr, Outcome: result.Outcome(f[1]), Hop: hop}
			out = append(out, result.Entry{Session: 3, Kind: result.Event, Text: w, Event: ev})
		}
	}
	add(ctl, true, "198.18.13.2:21")
	add(data, false, "198.18.13.2:3003")
	return out
}

const ctl4 = "1:expired:198.18.10.2 2:expired:198.18.11.2 3:expired:198.18.12.2 4:connected:198.18.13.2"

func TestTraceFindings(t *testing.T) {
	tests := []struct {
		name      string
		ctl, data string
		none      bool
		title     string
		detailHas string
	}{
		{name: "the data port connects: no finding", ctl: ctl4, none: true,
			data: "1:expired:198.18.10.2 2:expired:198.18.11.2 3:expired:198.18.12.2 4:connected:198.18.13.2"},
		{name: "a reset at the server's hop: the packets got there, no finding", ctl: ctl4, none: true,
			data: "1:expired:198.18.10.2 2:expired:198.18.11.2 3:expired:198.18.12.2 4:refused:198.18.13.2"},
		{name: "hop 1 silent: this machine", ctl: ctl4,
			data:      "1:timeout 2:timeout 3:timeout 4:timeout",
			title:     "Data port 3003 is dropped on this machine or at the first router",
			detailHas: "no hop answers data port 3003, not even hop 1 (198.18.10.2 answers it for port 21): it is dropped on this machine (its own firewall) or at the first router's input."},
		{name: "a silent router widens the gap",
			ctl:       "1:expired:198.18.10.2 2:timeout 3:expired:198.18.12.2 4:connected:198.18.13.2",
			data:      "1:expired:198.18.10.2 2:timeout 3:timeout 4:timeout",
			title:     "Data port 3003 is dropped after hop 1 (198.18.10.2)",
			detailHas: "dropped after 198.18.10.2 (hop 1), somewhere before 198.18.12.2 (hop 3 on port 21's path); hop 2 answers port 21 neither (a router that sends no ICMP), which widens the gap."},
		{name: "the server itself rejects", ctl: ctl4,
			data:      "1:expired:198.18.10.2 2:expired:198.18.11.2 3:expired:198.18.12.2 4:unreachable:198.18.13.2:port-unreachable",
			title:     "Data port 3003 is rejected by 198.18.13.2 (hop 4)",
			detailHas: "rejected by 198.18.13.2, the server itself (its own firewall), with ICMP port-unreachable."},
		{name: "the control port never arrives",
			ctl:       "1:expired:198.18.10.2 2:timeout 3:timeout 4:timeout 5:timeout 6:timeout",
			data:      "1:expired:198.18.10.2 2:timeout 3:timeout 4:timeout 5:timeout 6:timeout",
			title:     "Data port 3003 is dropped after hop 1 (198.18.10.2)",
			detailHas: "Port 21 did not reach the server within 6 hops; data port 3003 is answered by hop 1 and nothing from hop 2 on: it is dropped after 198.18.10.2 (hop 1)."},
		{name: "a hostile address read back from JSON is not quoted", ctl: ctl4,
			data:      "1:expired:198.18.10.2 2:expired:<script>x 3:timeout 4:timeout",
			title:     "Data port 3003 is dropped after hop 2 (an unreadable address)",
			detailHas: "dropped after an unreadable address (hop 2)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			entries := hopsOf(tc.ctl, tc.data)
			var got *result.Finding
			for _, f := range Diagnose(entries) {
				if f.Code == CodeDataDroppedAt {
					got = &f
				}
			}
			switch {
			case tc.none && got != nil:
				t.Fatalf("want no finding, got %+v", got)
			case tc.none:
				return
			case got == nil:
				t.Fatal("no data.dropped-at finding")
			}
			if got.Title != tc.title {
				t.Errorf("title:\n got %q\nwant %q", got.Title, tc.title)
			}
			if !strings.Contains(got.Detail, tc.detailHas) {
				t.Errorf("detail:\n got %q\nwant it to hold %q", got.Detail, tc.detailHas)
			}
			for _, l := range got.Lines {
				if l < 0 || l >= len(entries) || entries[l].Event == nil {
					t.Errorf("line %d is no trace event", l)
				}
			}
		})
	}
}
