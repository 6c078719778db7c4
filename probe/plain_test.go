package probe

import (
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// clearPasswords lists the sessions that sent PASS before any TLS on their
// control connection: the password crossed the network in clear text.
func clearPasswords(es []result.Entry) []int {
	tlsOn := map[int]bool{}
	var clear []int
	for _, e := range es {
		switch {
		case e.Event != nil && e.Event.Op == result.OpTLS && e.Event.Outcome == result.Connected &&
			(e.Event.TLS == nil || e.Event.TLS.Conn == result.TLSControl):
			tlsOn[e.Session] = true
		case e.Kind == result.Command && strings.HasPrefix(e.Text, "PASS ") && !tlsOn[e.Session]:
			clear = append(clear, e.Session)
		}
	}
	return clear
}

// TestPlainComparisonKeepsPasswords (issue 30, credentials): under --tls
// auto, where TLS works, a password never crosses in clear text; the plain
// comparison runs with a password only where the TLS data connection failed
// and ComparePlain allows it, and for anonymous logins as before.
func TestPlainComparisonKeepsPasswords(t *testing.T) {
	now := time.Now()
	cert := certFor(t, now.Add(-time.Hour), now.Add(24*time.Hour), "127.0.0.1")
	broken := server.Config{Faults: server.Faults{AdvertisePortOffset: 1}} // no passive data connection works
	cases := []struct {
		name      string
		cfg       server.Config
		anonymous bool
		compare   bool
		wantClear bool // a session sent PASS in clear text
		wantNote  bool // the transcript says the comparison was left out
		want      []string
	}{
		{name: "TLS works, password", cfg: server.Config{}, want: []string{diagnose.CodeTLSReuseEnforced}},
		{name: "TLS works, password, --compare-plain", cfg: server.Config{}, compare: true, want: []string{diagnose.CodeTLSReuseEnforced}},
		{name: "TLS data fails, password", cfg: broken, wantNote: true},
		{name: "TLS data fails, password, --compare-plain", cfg: broken, compare: true, wantClear: true},
		{name: "TLS works, anonymous", cfg: server.Config{Anonymous: true}, anonymous: true, wantClear: true, want: []string{diagnose.CodeTLSReuseEnforced}},
		{name: "plain text refused, anonymous", cfg: server.Config{Anonymous: true, RequireTLS: true}, anonymous: true,
			want: []string{diagnose.CodeTLSReuseEnforced, diagnose.CodeTLSPlainRefused}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := startTLS(t, tc.cfg, cert, false)
			if tc.anonymous {
				url = strings.Replace(url, servertest.User+":"+servertest.Password+"@", "", 1)
			}
			o := quick()
			o.TLS, o.Roots, o.ComparePlain = TLSAuto, rootsOf(cert), tc.compare
			out := probeAddr(t, url, o)
			es := out.Log.Entries()
			clear := clearPasswords(es)
			if got := len(clear) > 0; got != tc.wantClear {
				t.Errorf("sessions sending PASS in clear text: %v, want some: %v\n%s", clear, tc.wantClear, render(es))
			}
			if tc.want != nil {
				res := diagnosed(out, result.Tool{})
				if got := codes(res.Findings); !slices.Equal(got, tc.want) {
					t.Errorf("codes = %v, want %v\n%s", got, tc.want, render(es))
				}
			}
			noted := slices.ContainsFunc(es, func(e result.Entry) bool {
				return e.Kind == result.Note && strings.Contains(e.Text, "so the probe leaves it out (--compare-plain allows it)")
			})
			if noted != tc.wantNote {
				t.Errorf("a note names --compare-plain: %v, want %v\n%s", noted, tc.wantNote, render(es))
			}
		})
	}
}
