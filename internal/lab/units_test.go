//go:build linux

package lab

import (
	"flag"
	"path/filepath"
	"testing"
	"time"

	"ftpdiag/internal/golden"
	"ftpdiag/result"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestRulesets(t *testing.T) {
	tests := []struct {
		name string
		got  string
	}{
		{"router-public.nft", RouterRuleset(Topology{})},
		{"router-filter.nft", RouterRuleset(Topology{RouterRules: []string{fromClient + "tcp dport 3000-3009 drop"}})},
		{"router-client-nat-alg.nft", RouterRuleset(Topology{ClientNAT: true, ALG: true})},
		{"router-server-nat.nft", RouterRuleset(Topology{ServerNAT: true, Forward: []string{"21", PasvRange}})},
		{"client-firewall.nft", ClientRuleset([]string{`iifname != "lo" ct state new drop`})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden.Check(t, filepath.Join("testdata", "rulesets", tt.name), []byte(tt.got), *update)
		})
	}
}

func TestBound(t *testing.T) {
	tests := []struct {
		name     string
		sampling bool
		reply    time.Duration
		want     time.Duration
	}{
		{"one thing broken", false, 0, 3 * time.Second},
		{"one thing broken, slow login", false, 3500 * time.Millisecond, 6500 * time.Millisecond},
		{"sampling a range", true, 0, 6 * time.Second},
		{"sampling, slow login", true, time.Second, 7 * time.Second},
	}
	for _, tt := range tests {
		if got := Bound(2*time.Second, tt.sampling, tt.reply); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// ms is a transcript time.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestServerReplyTime(t *testing.T) {
	connected := func(t time.Duration, s int) result.Entry {
		return result.Entry{T: t, Session: s, Kind: result.Event,
			Event: &result.EventInfo{Op: result.OpConnect, Outcome: result.Connected}}
	}
	cmd := func(t time.Duration, s int, text string) result.Entry {
		return result.Entry{T: t, Session: s, Kind: result.Command, Text: text}
	}
	reply := func(t time.Duration, s int) result.Entry {
		return result.Entry{T: t, Session: s, Kind: result.Reply, Code: 200}
	}
	tests := []struct {
		name    string
		entries []result.Entry
		want    time.Duration
	}{
		{"nothing", nil, 0},
		{"greeting and login", []result.Entry{
			connected(0, 1), reply(ms(100), 1), cmd(ms(100), 1, "USER john"), reply(ms(110), 1),
			cmd(ms(110), 1, "PASS xxxxxxxx"), reply(ms(3610), 1),
		}, ms(3610)},
		{"transfers do not count", []result.Entry{
			connected(0, 1), reply(0, 1), cmd(0, 1, "LIST"), reply(ms(2000), 1), cmd(ms(2000), 1, "retr test"), reply(ms(4000), 1),
		}, 0},
		{"other commands count", []result.Entry{
			connected(0, 1), reply(0, 1), cmd(0, 1, "PORT 198,18,0,2,4,1"), reply(ms(2120), 1),
		}, ms(2120)},
		{"overlapping logins count once", []result.Entry{
			cmd(0, 1, "PASS xxxxxxxx"), cmd(ms(500), 2, "PASS xxxxxxxx"),
			reply(ms(3500), 1), reply(ms(4000), 2),
		}, ms(4000)},
		{"logins one after the other add up", []result.Entry{
			cmd(0, 1, "PASS xxxxxxxx"), reply(ms(3500), 1), cmd(ms(5000), 2, "pass xxxxxxxx"), reply(ms(8500), 2),
		}, ms(7000)},
	}
	for _, tt := range tests {
		if got := ServerReplyTime(tt.entries); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCurlError(t *testing.T) {
	tests := []struct{ name, stderr, want string }{
		{"success", "* Connected\n< 226 Done\n", ""},
		{"timeout", "* Trying 198.18.1.2:3004...\ncurl: (28) Connection timed out after 30001 milliseconds\n",
			"curl: (28) Connection timed out after 30001 milliseconds"},
		{"last of two", "curl: (7) first\n* more\ncurl: (56) second\n", "curl: (56) second"},
	}
	for _, tt := range tests {
		if got := CurlError(tt.stderr); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestOwnerPid(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		ok   bool
	}{
		{NamePrefix + "1234-7-c", 1234, true},
		{NamePrefix + "1234-probe", 1234, true},
		{"other-1234-7-c", 0, false},
		{NamePrefix + "x-7-c", 0, false},
	}
	for _, tt := range tests {
		pid, ok := ownerPid(tt.name)
		if pid != tt.pid || ok != tt.ok {
			t.Errorf("%s: got %d %v, want %d %v", tt.name, pid, ok, tt.pid, tt.ok)
		}
	}
}

func TestSideBySideTable(t *testing.T) {
	rs := []row{
		{order: 1, scenario: "passive range dropped", server: "pure-ftpd",
			curl: []CurlRun{{Exit: 28, Error: "curl: (28) Connection timed out after 30001 milliseconds", Elapsed: 30 * time.Second}},
			probe: ProbeRun{Exit: 2, Elapsed: 6200 * time.Millisecond, Result: result.Result{Verdict: result.VerdictCritical,
				Findings: []result.Finding{{Code: "data.passive.timeout"}}}}},
		{order: 0, scenario: "healthy", server: "ftpdiag serve",
			curl:  []CurlRun{{Got: "listing", Elapsed: 40 * time.Millisecond}, {Active: true, Exit: 30, Error: "curl: (30) a|b", Elapsed: time.Second}},
			probe: ProbeRun{Elapsed: 300 * time.Millisecond, Result: result.Result{Verdict: result.VerdictOK}}},
	}
	golden.Check(t, filepath.Join("testdata", "side-by-side.md"), []byte(sideBySide(rs)), *update)
}

func TestTimeProblem(t *testing.T) {
	login := []result.Entry{
		{T: 0, Session: 1, Kind: result.Command, Text: "PASS xxxxxxxx"},
		{T: 3 * time.Second, Session: 1, Kind: result.Reply, Code: 230},
	}
	run := func(durMs int64, wall time.Duration, tr []result.Entry) ProbeRun {
		return ProbeRun{Elapsed: wall, Result: result.Result{DurationMs: durMs, Transcript: tr}}
	}
	tests := []struct {
		name   string
		sc     scenario
		run    ProbeRun
		load   float64
		broken bool
	}{
		{"within 1.5 timeouts", scenario{}, run(2900, 3100*time.Millisecond, nil), 1, false},
		{"over 1.5 timeouts", scenario{}, run(3400, 3500*time.Millisecond, nil), 1, true},
		{"slow login counts", scenario{}, run(5900, 6000*time.Millisecond, login), 1, false},
		{"sampling gets 3 timeouts", scenario{sampling: true}, run(5900, 6000*time.Millisecond, nil), 1, false},
		{"slack for a stall", scenario{slack: 10 * time.Second}, run(12900, 13*time.Second, nil), 1, false},
		{"process far slower than its clock", scenario{}, run(2900, 8*time.Second, nil), 1, true},
		{"slow start on a busy machine", scenario{}, run(2900, 8*time.Second, nil), 6, false},
		{"busy machine, probe far over", scenario{}, run(6000, 8*time.Second, nil), 6, true},
		{"refused at once: duration_ms 0", scenario{}, run(0, 200*time.Millisecond, nil), 1, false},
		{"negative duration_ms", scenario{}, run(-5, time.Second, nil), 1, true},
		{"duration_ms longer than the process", scenario{}, run(2000, time.Second, nil), 1, true},
	}
	for _, tt := range tests {
		if got := timeProblem(tt.sc, tt.run, tt.load); (got != "") != tt.broken {
			t.Errorf("%s: got %q, want broken %v", tt.name, got, tt.broken)
		}
	}
}
