package diagnose

import (
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// famSession writes one session to addr: connect (outcome), then, when
// connected, greeting, login and one passive listing whose data
// connection ends as data says ("" for no listing).
func famSession(l *transcript.Log, purpose, addr string, connect result.Outcome, data result.Outcome, epsv int) {
	s := l.Session(purpose)
	s.Event(result.EventInfo{Op: result.OpConnect, Addr: addr, Outcome: connect, Dur: time.Millisecond}, "")
	if connect != result.Connected {
		return
	}
	s.Reply(220, "220 ready")
	s.Command("USER anonymous")
	s.Reply(331, "331 password")
	s.Command("PASS x")
	s.Reply(230, "230 in")
	if data == "" {
		return
	}
	s.Command("EPSV")
	if epsv != 229 {
		s.Reply(epsv, "502 EPSV not implemented")
		return
	}
	s.Reply(229, "229 Entering Extended Passive Mode (|||3001|)")
	host := addr[:strings.LastIndex(addr, ":")]
	s.Event(result.EventInfo{Op: result.OpDataConnect, Addr: host + ":3001", Outcome: data, Dur: time.Millisecond}, "")
	if data != result.Connected {
		return
	}
	s.Command("LIST")
	s.Reply(150, "150 here")
	s.Event(result.EventInfo{Op: result.OpDataClose, Outcome: result.Complete, Bytes: 10}, "")
	s.Reply(226, "226 done")
}

const (
	v6Addr = "[2001:db8::21]:21"
	v4Addr = "198.18.1.2:21"
)

// TestFamilies: findings per address family, merged where both show
// the same, with the contract's severities.
func TestFamilies(t *testing.T) {
	type fam struct {
		connect, data result.Outcome
		epsv          int
	}
	ok := fam{result.Connected, result.Connected, 229}
	type want struct {
		code, family string
		sev          result.Severity
		suffix       string
	}
	cases := []struct {
		name   string
		v6, v4 *fam // nil: no session of that family
		want   []want
	}{
		{"both work", &ok, &ok, nil},
		{"IPv6 data dropped", &fam{result.Connected, result.Timeout, 229}, &ok,
			[]want{{CodePassiveTimeout, "ipv6", result.Critical, " (IPv6 only)"}}},
		{"IPv4 data dropped", &ok, &fam{result.Connected, result.Timeout, 229},
			[]want{{CodePassiveTimeout, "ipv4", result.Critical, " (IPv4 only)"}}},
		{"both data dropped: one finding", &fam{result.Connected, result.Timeout, 229}, &fam{result.Connected, result.Timeout, 229},
			[]want{{CodePassiveTimeout, "", result.Critical, ""}}},
		{"IPv6 control dropped: FileZilla and lftp never fall back", &fam{connect: result.Timeout}, &ok,
			[]want{{CodeControlTimeout, "ipv6", result.Critical, " (IPv6 only)"}}},
		{"IPv6 control refused", &fam{connect: result.Refused}, &ok,
			[]want{{CodeControlRefused, "ipv6", result.Warning, " (IPv6 only)"}}},
		{"both control refused", &fam{connect: result.Refused}, &fam{connect: result.Refused},
			[]want{{CodeControlRefused, "", result.Critical, ""}}},
		{"IPv6 control refused, IPv4 not listed", &fam{connect: result.Refused}, &fam{connect: result.Connected},
			[]want{{CodeControlRefused, "ipv6", result.Warning, " (IPv6 only)"}}},
		{"EPSV refused over IPv6", &fam{result.Connected, result.Connected, 502}, &ok,
			[]want{{CodeEPSVUnsupported, "ipv6", result.Critical, " (IPv6 only)"}}},
		{"EPSV refused over IPv4", &ok, &fam{result.Connected, result.Connected, 502},
			[]want{{CodeEPSVUnsupported, "ipv4", result.Info, " (IPv4 only)"}}},
		{"EPSV refused, IPv6 alone", &fam{result.Connected, result.Connected, 502}, nil,
			[]want{{CodeEPSVUnsupported, "", result.Critical, ""}}},
		{"IPv6 data dropped, IPv4 not listed", &fam{result.Connected, result.Timeout, 229}, &fam{connect: result.Connected},
			[]want{{CodePassiveTimeout, "ipv6", result.Critical, " (over IPv6; not tried over IPv4)"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := transcript.New()
			if tc.v6 != nil {
				famSession(l, "main over IPv6", v6Addr, tc.v6.connect, tc.v6.data, tc.v6.epsv)
			}
			if tc.v4 != nil {
				famSession(l, "other over IPv4", v4Addr, tc.v4.connect, tc.v4.data, tc.v4.epsv)
			}
			var got []want
			for _, f := range Diagnose(l.Entries()) {
				base, _ := Lookup(f.Code)
				got = append(got, want{f.Code, f.Family, f.Severity, strings.TrimPrefix(f.Title, base.Title)})
				if f.Severity == result.Warning && !strings.Contains(f.Detail, "IPv4 works: curl") {
					t.Errorf("%s: the detail does not say how clients fall back: %q", f.Code, f.Detail)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings = %+v\nwant       %+v", got, tc.want)
			}
		})
	}
}
