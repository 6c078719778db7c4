package probe

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/result"
)

// hostsResolver answers from a table, like a hosts file: no DNS traffic.
type hostsResolver map[string][]netip.Addr

func (h hostsResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if ips, ok := h[host]; ok {
		return ips, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

const dualName = "dual.test"

var (
	lo4 = netip.MustParseAddr("127.0.0.1")
	lo6 = netip.MustParseAddr("::1")
)

// dualPort finds a port free on both loopbacks and listens on 127.0.0.1
// with it; the test then puts what it likes on [::1] at the same port.
func dualPort(t testing.TB) (net.Listener, int) {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		probe, err := net.Listen("tcp", fmt.Sprintf("[::1]:%d", port))
		if err == nil {
			probe.Close()
			return ln, port
		}
		ln.Close()
		if !strings.Contains(err.Error(), "in use") {
			t.Skipf("no IPv6 loopback here: %v", err)
		}
	}
	t.Fatal("no port free on both 127.0.0.1 and ::1")
	return nil, 0
}

// TestBothFamilies probes a name with an A and an AAAA record, each
// served by its own scripted server on loopback, with one family broken.
func TestBothFamilies(t *testing.T) {
	const timeout = 500 * time.Millisecond
	type finding struct {
		code, family string
		sev          result.Severity
		title        string // a part of the title
	}
	cases := []struct {
		name     string
		v6       func(t testing.TB, port int) // what answers on [::1]:port
		addrs    []netip.Addr
		family   string // -4 / -6
		want     []finding
		families []string
		verdict  result.Verdict
	}{
		{"both work", v6Scripted(nil), []netip.Addr{lo6, lo4}, "", nil, []string{"ipv6", "ipv4"}, result.VerdictOK},
		{"IPv6 passive port dropped", v6Scripted(func(s *scripted) {
			hole := blackholeAt(s.t, lo6, 0)
			s.handlers["EPSV"] = func(c *fconn, _ string) { c.say("229 Entering Extended Passive Mode (|||" + itoa(hole) + "|)") }
		}), []netip.Addr{lo6, lo4}, "",
			[]finding{{"data.passive.timeout", "ipv6", result.Critical, "(IPv6 only)"}}, []string{"ipv6", "ipv4"}, result.VerdictCritical},
		{"IPv6 control port dropped", func(t testing.TB, port int) { blackholeAt(t, lo6, port) }, []netip.Addr{lo6, lo4}, "",
			[]finding{{"control.timeout", "ipv6", result.Critical, "(IPv6 only)"}}, []string{"ipv6", "ipv4"}, result.VerdictCritical},
		{"nothing listens on IPv6", func(testing.TB, int) {}, []netip.Addr{lo6, lo4}, "",
			[]finding{{"control.refused", "ipv6", result.Warning, "(IPv6 only)"}}, []string{"ipv6", "ipv4"}, result.VerdictWarning},
		{"EPSV refused over IPv6", v6Scripted(func(s *scripted) {
			s.handlers["EPSV"] = func(c *fconn, _ string) { c.say("502 EPSV not implemented") }
		}), []netip.Addr{lo6, lo4}, "",
			[]finding{{"epsv.unsupported", "ipv6", result.Critical, "(IPv6 only)"}}, []string{"ipv6", "ipv4"}, result.VerdictCritical},
		{"-4 keeps IPv4", func(t testing.TB, port int) { blackholeAt(t, lo6, port) }, []netip.Addr{lo6, lo4}, result.FamilyIPv4,
			nil, []string{"ipv4"}, result.VerdictOK},
		{"a name with IPv4 only", func(testing.TB, int) {}, []netip.Addr{lo4}, "", nil, []string{"ipv4"}, result.VerdictOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ln, port := dualPort(t)
			v4 := scriptedOn(t, ln)
			v4.addr()
			tc.v6(t, port)
			o := quick()
			o.Timeout, o.Family, o.PassiveOnly = timeout, tc.family, true
			o.Resolver = hostsResolver{dualName: tc.addrs}
			start := time.Now()
			out := probeAddr(t, fmt.Sprintf("ftp://%s:%d/", dualName, port), o)
			took := time.Since(start)
			res := diagnosed(out, result.Tool{})
			var got []finding
			for _, f := range res.Findings {
				got = append(got, finding{f.Code, f.Family, f.Severity, ""})
				for i, w := range tc.want {
					if w.code == f.Code && !strings.Contains(f.Title, w.title) {
						t.Errorf("title %q does not say %q", f.Title, w.title)
					}
					tc.want[i].title = ""
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings = %v, want %v\n%s", got, tc.want, render(res.Transcript))
			}
			if !slices.Equal(res.Network.Families, tc.families) || res.Verdict != tc.verdict {
				t.Errorf("families %v verdict %s, want %v %s", res.Network.Families, res.Verdict, tc.families, tc.verdict)
			}
			heads := render(res.Transcript)
			if two := len(tc.families) == 2; two != strings.Contains(heads, "over IPv6 (::1)") || two != strings.Contains(heads, "over IPv4 (127.0.0.1)") {
				t.Errorf("session headings do not name the families as they should:\n%s", heads)
			}
			// Where IPv6 cannot log in, IPv4 gets the rest of the whole plan.
			v6down := len(tc.want) == 1 && strings.HasPrefix(tc.want[0].code, "control.")
			if ranged := strings.Contains(heads, SessRange.String()+" over IPv4"); ranged != v6down {
				t.Errorf("IPv6 down %v, but the passive range sampled over IPv4: %v", v6down, ranged)
			}
			// The second family runs beside the first: one timeout at most.
			if bound := 3 * timeout / 2; took > bound {
				t.Errorf("verdict after %s, more than %s", took, bound)
			}
		})
	}
}

// v6Scripted puts a scripted server on [::1]:port, changed by edit.
func v6Scripted(edit func(s *scripted)) func(t testing.TB, port int) {
	return func(t testing.TB, port int) {
		ln, err := net.Listen("tcp", fmt.Sprintf("[::1]:%d", port))
		if err != nil {
			t.Skipf("cannot listen on [::1]:%d: %v", port, err)
		}
		s := scriptedOn(t, ln)
		if edit != nil {
			edit(s)
		}
		s.addr()
	}
}

// TestFamilyChecks: a name with one family is an info line, not a
// finding; a name with both tags every check with its family.
func TestFamilyChecks(t *testing.T) {
	ln, port := dualPort(t)
	scriptedOn(t, ln).addr()
	v6Scripted(nil)(t, port)
	for _, tc := range []struct {
		name  string
		addrs []netip.Addr
		first result.Check
	}{
		{"IPv4 only", []netip.Addr{lo4}, result.Check{Name: "address families", Status: result.Pass, Detail: "IPv4 only (no AAAA record)"}},
		{"IPv6 only", []netip.Addr{lo6}, result.Check{Name: "address families", Status: result.Pass, Detail: "IPv6 only (no A record)"}},
		{"both", []netip.Addr{lo4, lo6}, result.Check{Name: "address families", Status: result.Pass, Detail: "IPv6 and IPv4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := quick()
			o.Resolver = hostsResolver{dualName: tc.addrs}
			out := probeAddr(t, fmt.Sprintf("ftp://%s:%d/", dualName, port), o)
			if c := out.Checks[0]; c.Name != tc.first.Name || c.Status != tc.first.Status || c.Detail != tc.first.Detail {
				t.Errorf("first check = %+v, want %+v", c, tc.first)
			}
			for _, c := range out.Checks[1:] {
				if tagged := c.Family != ""; tagged != (len(tc.addrs) == 2) || tagged && !strings.HasSuffix(c.Name, ")") {
					t.Errorf("check %+v: tagged %v with %d families", c, tagged, len(tc.addrs))
				}
			}
		})
	}
}

// BenchmarkFamilies measures the time to a verdict with one family and with
// two side by side, healthy and with the passive port dropped (IPv6's, for
// the name with both): the second family must not add a second timeout.
//
//	go test -run XXX -bench Families -count 5 ./probe/
func BenchmarkFamilies(b *testing.B) {
	const timeout = 500 * time.Millisecond
	for _, bc := range []struct {
		name    string
		addrs   []netip.Addr // nil: the IPv4 literal
		dropped bool
	}{
		{"IPv4 literal, healthy", nil, false},
		{"both families, healthy", []netip.Addr{lo6, lo4}, false},
		{"IPv4 literal, passive port dropped", nil, true},
		{"both families, IPv6 passive port dropped", []netip.Addr{lo6, lo4}, true},
	} {
		b.Run(slugBench(bc.name), func(b *testing.B) {
			ln, port := dualPort(b)
			v4 := scriptedOn(b, ln)
			if bc.dropped && bc.addrs == nil {
				hole := blackholeAt(b, lo4, 0)
				v4.handlers["EPSV"] = func(c *fconn, _ string) { c.say("229 Entering Extended Passive Mode (|||" + itoa(hole) + "|)") }
				v4.handlers["PASV"] = func(c *fconn, _ string) { c.say(pasvTo(hole)) }
			}
			v4.addr()
			v6Scripted(func(s *scripted) {
				if bc.dropped {
					hole := blackholeAt(s.t, lo6, 0)
					s.handlers["EPSV"] = func(c *fconn, _ string) { c.say("229 Entering Extended Passive Mode (|||" + itoa(hole) + "|)") }
				}
			})(b, port)
			o := quick()
			o.Timeout, o.PassiveOnly = timeout, true
			o.Resolver = hostsResolver{dualName: bc.addrs}
			host := dualName
			if bc.addrs == nil {
				host = "127.0.0.1"
			}
			url := fmt.Sprintf("ftp://%s:%d/", host, port)
			for b.Loop() {
				probeAddr(b, url, o)
			}
		})
	}
}

func slugBench(s string) string {
	return strings.NewReplacer(" ", "-", ",", "").Replace(s)
}

// TestResolveTarget: the lookup's families, in the order they are checked.
func TestResolveTarget(t *testing.T) {
	r := hostsResolver{"both": {lo4, lo6}, "v6": {lo6}}
	for _, tc := range []struct {
		name, host, family, prefer string
		want                       []netip.Addr
		err                        string
	}{
		{"both, IPv6 first", "both", "", "", []netip.Addr{lo6, lo4}, ""},
		{"both, IPv4 preferred", "both", "", result.FamilyIPv4, []netip.Addr{lo4, lo6}, ""},
		{"-4 of both", "both", result.FamilyIPv4, "", []netip.Addr{lo4}, ""},
		{"-4 of an IPv6-only name", "v6", result.FamilyIPv4, "", nil, "no IPv4 address, only IPv6 (drop -4 to check it)"},
		{"an address literal is one family", "::1", "", "", []netip.Addr{lo6}, ""},
		{"no such name", "none", "", "", nil, "lookup none: no such host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Family: tc.family, Prefer: tc.prefer, Resolver: r}.withDefaults()
			res := resolveTarget(context.Background(), Target{Host: tc.host}, o)
			if !slices.Equal(res.addrs, tc.want) {
				t.Errorf("addresses %v, want %v", res.addrs, tc.want)
			}
			got := ""
			if res.ev != nil {
				got = res.ev.Err
			}
			if got != tc.err {
				t.Errorf("lookup error %q, want %q", got, tc.err)
			}
		})
	}
}
