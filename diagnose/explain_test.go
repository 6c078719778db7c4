package diagnose

import (
	"strings"
	"testing"

	"ftpdiag/result"
)

func TestProbeCommand(t *testing.T) {
	cases := []struct {
		name   string
		target result.Target
		opts   []string
		want   string
	}{
		{"user and default port", result.Target{Host: "203.0.113.10", Port: 21, User: "john"}, nil, "ftpdiag probe ftp://john@203.0.113.10/"},
		{"other port", result.Target{Host: "127.0.0.1", Port: 2121, User: "john"}, []string{"--passive-only"}, "ftpdiag probe --passive-only ftp://john@127.0.0.1:2121/"},
		{"anonymous needs no user", result.Target{Host: "192.0.2.1", Port: 21, User: "anonymous"}, nil, "ftpdiag probe ftp://192.0.2.1/"},
		{"ipv6", result.Target{Host: "2001:db8::1", Port: 21}, nil, "ftpdiag probe ftp://[2001:db8::1]/"},
		{"ipv6 and port", result.Target{Host: "2001:db8::1", Port: 2121}, nil, "ftpdiag probe ftp://[2001:db8::1]:2121/"},
		{"no host in the log", result.Target{}, nil, "ftpdiag probe ftp://HOST/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ProbeCommand(tc.target, tc.opts...); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFromLogNamesTheProbe: the findings a log cannot settle get a hint
// naming the probe command that would; the others are left as they were,
// and the caller's findings are not changed.
func TestFromLogNamesTheProbe(t *testing.T) {
	target := result.Target{Host: "203.0.113.10", Port: 21, User: "john"}
	in := []result.Finding{
		{Code: CodePassiveTimeout, Hints: []string{"open the ports"}},
		{Code: CodeTLSSessionReuse, Hints: []string{"turn off require_ssl_reuse"}},
		{Code: CodePortRefused},
	}
	out := FromLog(in, target)
	cases := []struct {
		i    int
		want string // in the last hint; "" means no hint added
	}{
		{0, "    ftpdiag probe --passive-only ftp://john@203.0.113.10/"},
		{1, ""},
		{2, "    ftpdiag probe --active-only ftp://john@203.0.113.10/"},
	}
	for _, tc := range cases {
		added := len(out[tc.i].Hints) - len(in[tc.i].Hints)
		if tc.want == "" {
			if added != 0 {
				t.Errorf("%s: %d hints added, want none", in[tc.i].Code, added)
			}
			continue
		}
		last := out[tc.i].Hints[len(out[tc.i].Hints)-1]
		if added != 1 || !strings.HasSuffix(last, "\n"+tc.want) {
			t.Errorf("%s: added %d hints, last %q; want one ending in %q", in[tc.i].Code, added, last, tc.want)
		}
	}
	if len(in[0].Hints) != 1 {
		t.Errorf("FromLog changed its input: %q", in[0].Hints)
	}
}

func TestLogChecks(t *testing.T) {
	connected := func(op result.Op) result.Entry {
		return result.Entry{Kind: result.Event, Event: &result.EventInfo{Op: op, Outcome: result.Connected}}
	}
	reply := func(code int) result.Entry { return result.Entry{Kind: result.Reply, Code: code} }
	cases := []struct {
		name     string
		entries  []result.Entry
		findings []result.Finding
		want     string
	}{
		{"nothing but a greeting", []result.Entry{reply(220)}, nil,
			"control connection:pass login:not checked passive data connection:not checked active data connection:not checked"},
		{"passive works", []result.Entry{connected(result.OpConnect), reply(230), connected(result.OpDataConnect)}, nil,
			"control connection:pass login:pass passive data connection:pass active data connection:not checked"},
		{"passive times out", []result.Entry{reply(220), reply(230)}, []result.Finding{{Code: CodePassiveTimeout, Severity: result.Critical}},
			"control connection:pass login:pass passive data connection:fail active data connection:not checked"},
		{"login refused", []result.Entry{reply(220)}, []result.Finding{{Code: CodeLoginRejected, Severity: result.Critical}},
			"control connection:pass login:fail passive data connection:not checked active data connection:not checked"},
		{"a warning is not a failure", []result.Entry{reply(220), reply(230), connected(result.OpDataConnect)},
			[]result.Finding{{Code: CodePasvPrivate, Severity: result.Warning}},
			"control connection:pass login:pass passive data connection:warn active data connection:not checked"},
		{"info findings fail nothing", []result.Entry{reply(220), reply(230)}, []result.Finding{{Code: CodeReplySlow, Severity: result.Info}},
			"control connection:pass login:pass passive data connection:not checked active data connection:not checked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range LogChecks(tc.entries, tc.findings) {
				got = append(got, c.Name+":"+string(c.Status))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("got  %s\nwant %s", strings.Join(got, " "), tc.want)
			}
		})
	}
}
