package probe

import (
	"bufio"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// sweepParallel bounds the dials in flight: enough that a range with a
// few hundred dropped ports still ends within one connection timeout,
// few enough to stay far from any file-descriptor limit.
const sweepParallel = 512

// sweepPlan is what the server's SITE SWEEP reply announced.
type sweepPlan struct {
	lo, hi int
	token  string
	busy   map[int]bool
}

// sweep asks an ftpdiag server to open its whole passive range and dials
// every port of it at once; other servers get the sampling instead.
func (r *sessRun) sweep() stepResult {
	if !r.p.ext("SWEEP") {
		r.sess.Note("the server does not offer SITE SWEEP; the probe samples the range with PASV instead")
		res := r.sample()
		res.detail = "no SITE SWEEP here, sampled: " + res.detail
		return res
	}
	secs := min(max(int(math.Ceil(r.p.opts.Timeout.Seconds()))+1, 1), 10)
	code, text, ok := r.c.cmd("SITE SWEEP %d", secs)
	if !ok {
		return stepResult{status: result.Fail, detail: "no reply to SITE SWEEP", stop: true}
	}
	sp, err := parseSweep(text)
	if code != ftp.CommandOK || err != nil {
		return r.sweepRefused(text)
	}
	res := r.sweepDial(sp)
	if len(sp.busy) > 0 {
		busy := make([]int, 0, len(sp.busy))
		for p := range sp.busy {
			busy = append(busy, p)
		}
		res.detail += "; " + ranges(busy) + " busy on the server (not tested)"
	}
	r.sess.Note("sweep: " + res.detail)
	return res
}

// sweepRefused samples the range with PASV where the server refused the
// sweep (its limit of one per address a minute): the check never passes,
// and the sample still tests what it can.
func (r *sessRun) sweepRefused(text string) stepResult {
	r.sess.Note("the server refused SITE SWEEP; the probe samples the range with PASV instead")
	res := r.sample()
	res.detail = "SITE SWEEP refused (" + firstLine(text) + "), sampled: " + res.detail
	if res.status == result.Pass {
		res.status = result.Warn
	}
	return res
}

// parseSweep reads "SWEEP 3000-3024 open for 5s token 6f1c2a9e" and the
// "busy" lines after it.
func parseSweep(text string) (sweepPlan, error) {
	sp := sweepPlan{busy: map[int]bool{}}
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 7 && f[0] == "SWEEP" && f[5] == "token":
			lo, hi, err := portRange(f[1])
			if err != nil {
				return sp, err
			}
			sp.lo, sp.hi, sp.token = lo, hi, f[6]
		case len(f) == 2 && f[0] == "busy":
			lo, hi, err := portRange(f[1])
			if err != nil {
				return sp, err
			}
			for p := lo; p <= hi; p++ {
				sp.busy[p] = true
			}
		}
	}
	if sp.token == "" {
		return sp, fmt.Errorf("no SWEEP line with a token")
	}
	return sp, nil
}

func portRange(s string) (int, int, error) {
	a, b, found := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := lo, error(nil)
	if found {
		hi, err2 = strconv.Atoi(b)
	}
	if err1 != nil || err2 != nil || lo < 1 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("bad port range %q", s)
	}
	return lo, hi, nil
}

// swept is one port's answer.
type swept struct {
	ev   result.EventInfo
	port int
}

// sweepDial dials every free port of the range, checks the token and port
// each answers with, and records the attempts in port order.
func (r *sessRun) sweepDial(sp sweepPlan) stepResult {
	r.p.opts.Status(fmt.Sprintf("sweeping ports %d-%d", sp.lo, sp.hi), r.p.opts.Timeout)
	results := make([]swept, 0, sp.hi-sp.lo+1)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, sweepParallel)
	for port := sp.lo; port <= sp.hi; port++ {
		if sp.busy[port] {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s := r.sweepOne(port, sp.token)
			mu.Lock()
			results = append(results, s)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return r.sweepRecord(results)
}

func (r *sessRun) sweepOne(port int, token string) swept {
	start := time.Now()
	addr := netip.AddrPortFrom(r.p.ip, uint16(port)).String()
	conn, err := r.p.dialPort(r.ctx, port)
	ev := result.EventInfo{Op: result.OpDataConnect, Addr: addr, Outcome: transcript.Classify(err), Dur: time.Since(start)}
	if err != nil {
		ev.Err = errText(err)
		return swept{ev, port}
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(r.p.opts.Timeout))
	line, _ := bufio.NewReader(conn).ReadString('\n')
	want := fmt.Sprintf("ftpdiag-sweep %s %d", token, port)
	if got := strings.TrimSpace(line); got != want {
		ev.Outcome, ev.Err = result.Rejected, fmt.Sprintf("answered %q, not %q: the connection did not reach this port of the server", got, want)
	}
	return swept{ev, port}
}

// sweepRecord writes the attempts in port order and sums them up as
// ranges: "3000-3012 open, 3013-3024 no answer".
func (r *sessRun) sweepRecord(results []swept) stepResult {
	slices.SortFunc(results, func(a, b swept) int { return a.port - b.port })
	by := map[result.Outcome][]int{}
	for _, s := range results {
		by[s.ev.Outcome] = append(by[s.ev.Outcome], s.port)
		r.sess.Event(s.ev, "")
	}
	var parts []string
	names := []struct {
		o    result.Outcome
		name string
	}{{result.Connected, "open"}, {result.Timeout, "no answer"}, {result.Refused, "refused"},
		{result.Rejected, "wrong answer"}, {result.Unreachable, "unreachable"}, {result.Failed, "failed"}}
	bad := 0
	for _, n := range names {
		if ps := by[n.o]; len(ps) > 0 {
			parts = append(parts, ranges(ps)+" "+n.name)
			if n.o != result.Connected {
				bad += len(ps)
			}
		}
	}
	status := result.Pass
	if bad > 0 {
		status = result.Fail
	}
	return stepResult{status: status, detail: strings.Join(parts, "; ")}
}
