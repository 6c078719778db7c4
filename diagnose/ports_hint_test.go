package diagnose

import (
	"fmt"
	"strings"
	"testing"

	"ftpdiag/result"
)

// portsSession is a logged-in session that dials each passive port given,
// port > 0 answering and port < 0 getting no answer; sweep, where set, is
// the SITE SWEEP reply's range ("3000-3024"), and every port is then
// dialled as a sweep does, without PASV.
func portsSession(sweep string, ports ...int) []result.Entry {
	es := []result.Entry{
		{Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Addr: "192.0.2.10:21", Outcome: result.Connected}},
		{Kind: result.Reply, Code: 220, Text: "220 ready"},
		{Kind: result.Command, Text: "USER john"}, {Kind: result.Reply, Code: 331, Text: "331 password"},
		{Kind: result.Command, Text: "PASS xxxxxxxx"}, {Kind: result.Reply, Code: 230, Text: "230 in"},
	}
	if sweep != "" {
		es = append(es, result.Entry{Kind: result.Command, Text: "SITE SWEEP 5"},
			result.Entry{Kind: result.Reply, Code: 200, Text: "200-SWEEP " + sweep + " open for 5s token 6f1c2a9e\n200 SWEEP ready"})
	}
	for _, p := range ports {
		out := result.Connected
		if p < 0 {
			p, out = -p, result.Timeout
		}
		if sweep == "" {
			es = append(es, result.Entry{Kind: result.Command, Text: "PASV"},
				result.Entry{Kind: result.Reply, Code: 227, Text: fmt.Sprintf("227 Entering Passive Mode (192,0,2,10,%d,%d)", p/256, p%256)})
		}
		es = append(es, result.Entry{Kind: result.Event, Event: &result.EventInfo{Op: result.OpDataConnect,
			Addr: fmt.Sprintf("192.0.2.10:%d", p), Outcome: out}})
	}
	return es
}

// featSession is portsSession whose server announced its passive range in
// FEAT, as an ftpdiag server does.
func featSession(rng string, ports ...int) []result.Entry {
	es := portsSession("", ports...)
	feat := []result.Entry{{Kind: result.Command, Text: "FEAT"},
		{Kind: result.Reply, Code: 211, Text: "211-Extensions supported:\n EPSV\n PASV\n SITE FTPDIAG WHOAMI;PORTCHECK;SWEEP\n FTPDIAG-PASV-RANGE " + rng + "\n211 End"}}
	return append(es[:6:6], append(feat, es[6:]...)...)
}

func span(lo, hi int, blocked func(int) bool) []int {
	var out []int
	for p := lo; p <= hi; p++ {
		if blocked(p) {
			out = append(out, -p)
		} else {
			out = append(out, p)
		}
	}
	return out
}

// TestPortHintsNameBlockedPorts (issue 20): the "Allow inbound TCP" hint and
// its rules are built from the ports shown blocked, in runs, never from the
// ports merely seen in PASV replies; a range known from a sweep is named
// as the server's; a sampled one as "at least ... (... seen)".
func TestPortHintsNameBlockedPorts(t *testing.T) {
	cases := []struct {
		name     string
		entries  []result.Entry
		code     string
		want     []string
		dontWant []string
	}{
		{"sweep of 1000 ports, 47500-47699 dropped", portsSession("47000-47999", span(47000, 47999, func(p int) bool { return p >= 47500 && p <= 47699 })...),
			CodePassivePartial, []string{"tcp dport 47500-47699 accept", "--dport 47500:47699", "47000-47999"}, []string{"47000-47004"}},
		{"sweep with port 3020 dropped", portsSession("3000-3024", span(3000, 3024, func(p int) bool { return p == 3020 })...),
			CodePassivePartial, []string{"tcp dport 3020 accept", "--dport 3020 "}, []string{"3000-3004"}},
		{"sweep with two blocked runs", portsSession("3000-3024", span(3000, 3024, func(p int) bool { return p == 3003 || p >= 3013 && p <= 3024 })...),
			CodePassivePartial, []string{"tcp dport { 3003, 3013-3024 } accept", "--dports 3003,3013:3024"}, nil},
		{"sampled, part blocked", portsSession("", 3007, 3010, -3013, -3015, -3022),
			CodePassivePartial, []string{"at least 3013-3022 of the range the server hands out (3007-3022 seen)", "tcp dport 3013-3022 accept"}, nil},
		// An ftpdiag server announces its range in FEAT: one sampled
		// PASV then names it (issue 20), as a sweep does.
		{"sampled, the range announced in FEAT", featSession("3000-3024", -3007),
			CodePassiveTimeout, []string{"3000-3024", "tcp dport 3007 accept"}, []string{"at least"}},
		{"sampled, all ten dropped", portsSession("", span(3000, 3009, func(int) bool { return true })...),
			CodePassiveTimeout, []string{"at least 3000-3009, every passive port the server handed out", "tcp dport 3000-3009 accept"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got *result.Finding
			for _, f := range Diagnose(tc.entries) {
				if f.Code == tc.code {
					got = &f
				}
			}
			if got == nil {
				t.Fatalf("no %s finding in %v", tc.code, codesOf(Diagnose(tc.entries)))
			}
			hints := strings.Join(got.Hints, "\n")
			for _, w := range tc.want {
				if !strings.Contains(hints, w) {
					t.Errorf("the hints do not say %q:\n%s", w, hints)
				}
			}
			for _, w := range tc.dontWant {
				if strings.Contains(hints, w) {
					t.Errorf("the hints name %q, ports that were not shown blocked:\n%s", w, hints)
				}
			}
		})
	}
}
