package selftest

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"ftpdiag/result"
)

// OutsideFunc asks a check service elsewhere (ftpdiag web) to probe this
// machine's control port back, and returns its result and the address it
// saw this machine as.
type OutsideFunc func(ctx context.Context, port int) (res *result.Result, seenAs string, err error)

// OutsideView is what the probe from outside found.
type OutsideView struct {
	Result *result.Result
	SeenAs string
	// NAT is set where the outside saw an address this machine does not
	// have: it is behind NAT, and clients need that address in PASV.
	NAT bool
}

// addOutside puts the outside's view beside the loopback one: its findings,
// each saying it was seen from outside, join the result and its verdict,
// and one check says what the outside saw. A probe that could not be asked
// for is "not checked", never OK.
func (o *Outcome) addOutside(res *result.Result, seenAs string, err error) {
	c := result.Check{Name: CheckFromOutside, Status: result.NotChecked}
	if err != nil {
		c.Detail = err.Error()
		o.setCheck(c)
		return
	}
	v := &OutsideView{Result: res, SeenAs: seenAs, NAT: !ownAddress(seenAs)}
	o.FromOutside = v
	for _, f := range res.Findings {
		f.Detail = fmt.Sprintf("Seen from outside (as %s): %s", seenAs, f.Detail)
		o.Result.Findings = append(o.Result.Findings, f)
	}
	c.Status = statusOf(res.Verdict)
	c.Detail = fmt.Sprintf("probed back from outside, which saw this machine as %s: %s", seenAs, res.Verdict)
	if v.NAT {
		c.Detail += fmt.Sprintf("; %s is not an address of this machine, so it is behind NAT: serve with --pasv-address %s", seenAs, seenAs)
	}
	o.setCheck(c)
	o.Result.Verdict = worse(o.Result.Verdict, res.Verdict)
	// The headline's evidence (qualify): what an ok self-test checked.
	o.Result.Evidence = ""
	if o.Result.Verdict == result.VerdictOK {
		o.Result.Evidence = fmt.Sprintf("on this machine (through loopback) and from outside (seen as %s)", seenAs)
	}
}

// setCheck puts c in place of the check of its name (MachineChecks's "not
// checked" from outside), or after the others.
func (o *Outcome) setCheck(c result.Check) {
	for i := range o.Result.Checks {
		if o.Result.Checks[i].Name == c.Name {
			o.Result.Checks[i] = c
			return
		}
	}
	o.Result.Checks = append(o.Result.Checks, c)
}

// statusOf is a check's status for a verdict.
func statusOf(v result.Verdict) result.Status {
	switch v {
	case result.VerdictOK:
		return result.Pass
	case result.VerdictWarning:
		return result.Warn
	case result.VerdictCritical:
		return result.Fail
	}
	return result.NotChecked
}

// worse is the more serious verdict; an outside probe that could say
// nothing (unknown) never makes a loopback OK look checked from outside,
// and never hides a loopback failure either.
func worse(local, outside result.Verdict) result.Verdict {
	rank := map[result.Verdict]int{result.VerdictOK: 0, result.VerdictUnknown: 1, result.VerdictWarning: 2, result.VerdictCritical: 3}
	if rank[outside] > rank[local] {
		return outside
	}
	return local
}

// ownAddress tells whether addr is one of this machine's.
func ownAddress(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return true // cannot tell: claim no NAT
	}
	for _, ia := range addrs {
		if ipn, ok := ia.(*net.IPNet); ok {
			if b, ok := netip.AddrFromSlice(ipn.IP); ok && b.Unmap() == a.Unmap() {
				return true
			}
		}
	}
	return false
}
