package probe

import (
	"context"
	"fmt"
	"ftpdiag/ftp"
	"ftpdiag/result"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// minGrace is the least time the sampling waits for one data connection
// attempt, once it has left, to open before asking for the next port: many servers (vsftpd) close
// the previous passive listener on the next PASV, so a connection still
// on its way would be refused for no fault of the firewall.
const minGrace = 20 * time.Millisecond

// sample asks for several passive ports in a row and dials each: a range
// blocked in part shows as some ports answering and some not. Dials that
// get no answer within a few round trips go on in the background, so a
// blocked range costs one connection timeout, not one per port.
func (r *sessRun) sample() stepResult {
	var wg sync.WaitGroup
	var mu sync.Mutex
	open, closed := []int{}, []int{}
	verb, want := "PASV", ftp.EnteringPassive
	if r.p.ip.Is6() { // PASV cannot name an IPv6 address
		verb, want = "EPSV", ftp.EnteringExtPassive
	}
	for range r.p.opts.Samples {
		start := time.Now()
		code, text, ok := r.c.cmd("%s", verb)
		if !ok {
			return stepResult{status: result.Fail, detail: "no reply to " + verb, stop: true}
		}
		ap, err := r.passivePort(verb, text)
		if code != want || err != nil {
			return stepResult{status: result.Warn, detail: "no usable " + verb + " reply: " + firstLine(text)}
		}
		grace := max(3*time.Since(start), minGrace)
		to := r.c.dataTarget(ap)
		done, started := make(chan struct{}), make(chan struct{})
		var once sync.Once
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			defer once.Do(func() { close(started) })
			dc, ok := r.c.dialData(r.ctx, to, func() { once.Do(func() { close(started) }) })
			mu.Lock()
			defer mu.Unlock()
			if ok {
				open = append(open, int(ap.Port()))
				dc.Close()
				return
			}
			closed = append(closed, int(ap.Port()))
		}()
		<-started // the grace counts from the attempt, not from a busy scheduler
		select {
		case <-done:
		case <-time.After(grace):
		}
		mu.Lock()
		if !slices.Contains(open, int(ap.Port())) {
			r.c.owed = verb // not connected (yet): its late answer may come
		}
		mu.Unlock()
		if r.c.late {
			// The server answered only after giving up on the previous
			// passive connection (Twisted: 10 s each): every further
			// sample would cost as much.
			break
		}
	}
	wg.Wait()
	return sampleResult(open, closed)
}

func sampleResult(open, closed []int) stepResult {
	all := append(append([]int{}, open...), closed...)
	detail := fmt.Sprintf("%d passive ports seen (%d-%d): %s answered", len(all), slices.Min(all), slices.Max(all), ranges(open))
	if len(closed) == 0 {
		return stepResult{status: result.Pass, detail: detail}
	}
	return stepResult{status: result.Fail, detail: detail + "; " + ranges(closed) + " did not"}
}

// ranges writes ports as runs: "3000-3012, 3020".
func ranges(ports []int) string {
	if len(ports) == 0 {
		return "none"
	}
	ps := slices.Clone(ports)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	out := ""
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
			j++
		}
		if out != "" {
			out += ", "
		}
		out += fmt.Sprint(ps[i])
		if j > i {
			out += fmt.Sprintf("-%d", ps[j])
		}
		i = j + 1
	}
	return out
}

// dialPort dials one port of the server's address, for the sweep.
func (p *prober) dialPort(ctx context.Context, port int) (net.Conn, error) {
	d := net.Dialer{Timeout: p.opts.Timeout}
	return d.DialContext(ctx, "tcp", netip.AddrPortFrom(p.ip, uint16(port)).String())
}
