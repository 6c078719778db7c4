package probe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"ftpdiag/probe/trace"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// TraceMode says when the probe traces the path to a data port, hop by
// hop, beside the control port's (see package trace).
type TraceMode string

const (
	// TraceOff never traces: the zero value, for library callers and for
	// monitoring, which should not send TTL-stepped probes on every scrape.
	TraceOff TraceMode = "off"
	// TraceAuto traces where a passive data connection timed out or was
	// reported unreachable (an ICMP answer whose sender the trace names):
	// the command line's default.
	TraceAuto TraceMode = "auto"
	// TraceAlways traces a passive data port whatever happened: the first
	// that failed, or else the first dialled.
	TraceAlways TraceMode = "always"
)

// ParseTraceMode reads a --trace value.
func ParseTraceMode(s string) (TraceMode, error) {
	switch m := TraceMode(strings.ToLower(s)); m {
	case TraceOff, TraceAuto, TraceAlways:
		return m, nil
	}
	return "", fmt.Errorf("unknown --trace %q (use off, auto or always)", s)
}

// TraceModeFor is the mode a command line asks for: value where it was
// given, else auto, except off for monitoring output (the nagios format),
// which should not send TTL-stepped probes on every check unless asked.
func TraceModeFor(value string, given, monitoring bool) (TraceMode, error) {
	if !given && monitoring {
		return TraceOff, nil
	}
	return ParseTraceMode(value)
}

// traceTarget is what the trace needs from the transcript: the data port
// to trace, the control port beside it, and the control connection's
// round trip.
type traceTarget struct {
	data, control netip.AddrPort
	rtt           time.Duration
	failed        bool // a timeout or an unreachable: what auto traces
	settled       bool // no better choice will come
}

// traceHops traces the path to a data port as the mode says, into a
// session of its own, and adds a check for it. Active-mode callbacks are
// not traced: their packets travel from the server to this machine.
func (out *Outcome) traceHops(ctx context.Context, o Options) {
	if o.Trace != TraceAuto && o.Trace != TraceAlways {
		return
	}
	tt, ok := findTraceTarget(out.Log.Entries(), out.Target.Port)
	if !ok || o.Trace == TraceAuto && !tt.failed {
		return
	}
	sess := out.Log.Session(fmt.Sprintf("hop trace: data port %d beside the control port %d, one connection attempt per hop count",
		tt.data.Port(), tt.control.Port()))
	o.Status("tracing the path to "+tt.data.String(), trace.Duration(tt.rtt, trace.MaxHops))
	start := time.Now()
	ctl, data, err := trace.Run(ctx, trace.Config{Control: tt.control, Data: tt.data, RTT: tt.rtt})
	o.Status("", 0)
	check := result.Check{Name: "hop trace", DurationMs: time.Since(start).Milliseconds()}
	if errors.Is(err, trace.ErrUnsupported) {
		sess.Note("the hop trace was not run: it reads ICMP answers from Linux's socket error queue, and this platform has none")
		check.Status, check.Detail = result.NotChecked, err.Error()
		out.Checks = append(out.Checks, check)
		return
	}
	recordPaths(sess, ctl, data)
	check.Status, check.Detail = result.Pass, pathSummary(ctl)+"; "+pathSummary(data)
	if err != nil {
		sess.Note("the hop trace was cut short: " + err.Error())
		check.Status = result.NotChecked
	}
	out.Checks = append(out.Checks, check)
}

// findTraceTarget picks the first passive data port that timed out or
// was unreachable, else the first that was refused, else the first
// dialled, and the control address of its address family.
func findTraceTarget(entries []result.Entry, ctlPort int) (traceTarget, bool) {
	var tt traceTarget
	var ctl []netip.AddrPort
	for _, e := range entries {
		ev := e.Event
		if ev == nil {
			continue
		}
		ap, err := netip.ParseAddrPort(ev.Addr)
		if err != nil {
			continue
		}
		switch {
		case ev.Op == result.OpConnect && ev.Outcome == result.Connected:
			ctl = append(ctl, ap)
			if tt.rtt == 0 || ev.Dur < tt.rtt {
				tt.rtt = ev.Dur
			}
		case ev.Op == result.OpDataConnect && !tt.failed:
			failed := ev.Outcome == result.Timeout || ev.Outcome == result.Unreachable
			refused := ev.Outcome == result.Refused
			if !tt.data.IsValid() || failed || refused && !tt.settled {
				tt.data, tt.failed, tt.settled = ap, failed, failed || refused
			}
		}
	}
	if !tt.data.IsValid() {
		return tt, false
	}
	tt.control = netip.AddrPortFrom(tt.data.Addr(), uint16(ctlPort))
	for _, c := range ctl {
		if c.Addr().Unmap().Is4() == tt.data.Addr().Unmap().Is4() {
			tt.control = c
			break
		}
	}
	return tt, true
}

// recordPaths writes both paths into the transcript, hop count by hop
// count, the control port first.
func recordPaths(sess *transcript.Session, ctl, data trace.Path) {
	for ttl := 1; ttl <= max(len(ctl.Hops), len(data.Hops)); ttl++ {
		for i, p := range []trace.Path{ctl, data} {
			if ttl <= len(p.Hops) {
				ev := hopEvent(p.Target, p.Hops[ttl-1], i == 0)
				sess.Event(ev, hopText(ev))
			}
		}
	}
}

// hopEvent is one attempt as the transcript records it.
func hopEvent(target netip.AddrPort, h trace.Hop, control bool) result.EventInfo {
	ev := result.EventInfo{Op: result.OpTraceHop, Addr: target.String(), Dur: h.RTT, Err: h.Err,
		Hop: &result.HopInfo{TTL: h.TTL, ICMP: h.ICMP, Control: control, Tries: h.Tries}}
	if h.From.IsValid() {
		ev.Hop.From = h.From.String()
	}
	switch h.Answer {
	case trace.Silent:
		ev.Outcome = result.Timeout
	case trace.Expired:
		ev.Outcome = result.Expired
	case trace.Unreachable:
		ev.Outcome = result.Unreachable
	case trace.Connected:
		ev.Outcome = result.Connected
	case trace.Reset:
		ev.Outcome = result.Refused
	default:
		ev.Outcome = result.Failed
	}
	return ev
}

// hopText is the event's line: "hop 3 to port 3003: time-exceeded from
// 198.18.2.1 in 0.4 ms".
func hopText(ev result.EventInfo) string {
	h := ev.Hop
	_, port, _ := strings.Cut(ev.Addr[strings.LastIndexByte(ev.Addr, ']')+1:], ":")
	head := fmt.Sprintf("hop %d to port %s: ", h.TTL, port)
	tries := ""
	if h.Tries > 1 {
		tries = fmt.Sprintf(" (%d tries)", h.Tries)
	}
	switch ev.Outcome {
	case result.Timeout:
		return head + "no answer in " + transcript.Human(ev.Dur) + tries
	case result.Expired, result.Unreachable:
		return fmt.Sprintf("%s%s from %s in %s%s", head, h.ICMP, h.From, transcript.Human(ev.Dur), tries)
	case result.Connected:
		return fmt.Sprintf("%sconnected: %s answers (SYN-ACK) in %s%s", head, h.From, transcript.Human(ev.Dur), tries)
	case result.Refused:
		return fmt.Sprintf("%sreset (RST) in the name of %s in %s%s", head, h.From, transcript.Human(ev.Dur), tries)
	}
	return head + "failed: " + ev.Err
}

// pathSummary is a check's detail for one path.
func pathSummary(p trace.Path) string {
	port := p.Target.Port()
	if end := p.End(); end > 0 {
		return fmt.Sprintf("port %d: %s at hop %d", port, p.Hops[end-1].Answer, end)
	}
	if last := p.LastAnswer(); last > 0 {
		return fmt.Sprintf("port %d: answered up to hop %d, silent after", port, last)
	}
	return fmt.Sprintf("port %d: no hop answered", port)
}
