package probe

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"ftpdiag/result"
)

// Families: a name with both an A and an AAAA record is two servers to its
// users, and clients prefer IPv6 (curl gives it a 200 ms head start,
// FileZilla and browsers try it first). So the probe checks both side by
// side: the whole plan over the preferred family, and control, login and a
// passive listing over the other.

// FamilyOf names an address's family as the contract's JSON does.
func FamilyOf(ip netip.Addr) string { return result.FamilyOf(ip) }

// FamilyName is how a report writes a family: "IPv6", "IPv4".
func FamilyName(family string) string {
	if family == result.FamilyIPv6 {
		return "IPv6"
	}
	return "IPv4"
}

// resolution is what the lookup found: one address per family to check,
// the preferred family first.
type resolution struct {
	addrs []netip.Addr
	ev    *result.EventInfo // the lookup, nil for an address literal
	note  string            // a name with one family only: the info line of the report
}

// resolveTarget looks the host name up once, so every session of a family
// dials the same address; an address literal needs no lookup. -4 and -6
// (Options.Family) keep one family.
func resolveTarget(ctx context.Context, t Target, o Options) resolution {
	if ip, err := netip.ParseAddr(t.Host); err == nil {
		return resolution{addrs: []netip.Addr{ip.Unmap()}}
	}
	o.Status("resolving "+t.Host, o.Timeout)
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	start := time.Now()
	ips, err := o.Resolver.LookupNetIP(ctx, "ip", t.Host)
	ev := &result.EventInfo{Op: result.OpResolve, Addr: t.Host, Dur: time.Since(start)}
	res := resolution{ev: ev}
	if err == nil && len(ips) == 0 {
		err = fmt.Errorf("no address for %s", t.Host)
	}
	if err != nil {
		ev.Outcome, ev.Err = result.Failed, errText(err)
		return res
	}
	v6, v4 := firstOf(ips, result.FamilyIPv6), firstOf(ips, result.FamilyIPv4)
	res.note = familiesNote(v6, v4)
	order := []netip.Addr{v6, v4}
	if o.Prefer == result.FamilyIPv4 {
		order = []netip.Addr{v4, v6}
	}
	for _, ip := range order {
		if ip.IsValid() && (o.Family == "" || o.Family == FamilyOf(ip)) {
			res.addrs = append(res.addrs, ip)
		}
	}
	if len(res.addrs) == 0 {
		other := result.FamilyIPv4
		if o.Family == other {
			other = result.FamilyIPv6
		}
		ev.Outcome, ev.Err = result.Failed, fmt.Sprintf("no %s address, only %s (drop -%s to check it)",
			FamilyName(o.Family), FamilyName(other), o.Family[3:])
		return res
	}
	names := make([]string, len(res.addrs))
	for i, ip := range res.addrs {
		names[i] = ip.String()
	}
	ev.Outcome, ev.Local = result.Resolved, strings.Join(names, " and ")
	return res
}

// firstOf is the first address of a family, as the resolver ordered them.
func firstOf(ips []netip.Addr, family string) netip.Addr {
	for _, ip := range ips {
		if FamilyOf(ip) == family {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}

func familiesNote(v6, v4 netip.Addr) string {
	switch {
	case !v6.IsValid():
		return "IPv4 only (no AAAA record)"
	case !v4.IsValid():
		return "IPv6 only (no A record)"
	}
	return "IPv6 and IPv4"
}

// otherPlan is what the second family checks: control, login and a
// passive listing, what every user of that family needs.
func otherPlan(o Options, ip netip.Addr) Plan {
	steps := loginSteps(o)
	switch {
	case !o.ActiveOnly && ip.Is6(): // PASV cannot name an IPv6 address
		steps = append(steps, StepEpsvList)
	case !o.ActiveOnly:
		steps = append(steps, StepPasvList, StepEpsvList)
	default:
		steps = append(steps, StepEprtList)
	}
	return Plan{{Kind: SessOther, Steps: append(steps, StepQuit)}}
}

// over is what a session's heading adds where two families are checked:
// " over IPv6 (2001:db8::21)".
func over(ip netip.Addr) string {
	return fmt.Sprintf(" over %s (%s)", FamilyName(FamilyOf(ip)), ip)
}

// familyCheck is the report's info line on the families a name has.
func familyCheck(note string, dur time.Duration) result.Check {
	return result.Check{Name: "address families", Status: result.Pass, DurationMs: dur.Milliseconds(), Detail: note}
}

// tagChecks marks a family's checks where several families were checked.
func tagChecks(cs []result.Check, family string) []result.Check {
	for i := range cs {
		cs[i].Family = family
		cs[i].Name += " (" + FamilyName(family) + ")"
	}
	return cs
}
