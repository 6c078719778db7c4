package probe

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// Outcome is everything one probe found out. It holds no judgement: the
// diagnosis reads its Record for that.
type Outcome struct {
	Target   Target
	Plan     Plan
	Log      *transcript.Log
	Checks   []result.Check
	Network  result.Network
	Started  time.Time
	Duration time.Duration
}

// prober is the state shared by the sessions of one probe.
type prober struct {
	opts   Options
	target Target
	log    *transcript.Log
	plan   Plan
	ip     netip.Addr // the server's address, resolved once
	// red masks the password in what the probe writes beside the
	// transcript (a check's detail quotes the server, which may echo it).
	red *transcript.Redactor

	// logins take turns: servers such as pure-ftpd delay every login on
	// purpose, and several at once from one address far longer (3.5 s
	// alone, 9 to 20 s and more together).
	logins sync.Mutex

	mu       sync.Mutex
	checks   map[int]result.Check // by plan position, for a stable order
	network  result.Network
	site     map[string]bool // SITE FTPDIAG extensions FEAT advertised
	loggedIn bool
}

// Run probes the target as the plan says, within the options' deadlines,
// and returns what happened. It never prints.
func Run(ctx context.Context, t Target, opts Options) *Outcome {
	o := opts.withDefaults()
	var secrets []string
	if t.Password != AnonymousPassword {
		secrets = append(secrets, t.Password)
	}
	p := &prober{opts: o, target: t, plan: NewPlan(o), checks: map[int]result.Check{}, site: map[string]bool{},
		log: transcript.New(transcript.WithSecrets(secrets...)), red: transcript.NewRedactor(secrets...)}
	if !o.ActiveOnly {
		p.network.Modes = append(p.network.Modes, "passive")
	}
	if !o.PassiveOnly {
		p.network.Modes = append(p.network.Modes, "active")
	}
	start := time.Now()
	p.run(ctx)
	out := &Outcome{Target: t, Plan: p.plan, Log: p.log, Network: p.network, Started: p.log.Start(), Duration: time.Since(start)}
	keys := make([]int, 0, len(p.checks))
	for k := range p.checks {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out.Checks = append(out.Checks, p.checks[k])
	}
	return out
}

// run resolves the name, runs the first session up to its FEAT, then the
// others beside it.
func (p *prober) run(ctx context.Context) {
	first := p.log.Session(p.plan[0].Name)
	if !p.resolve(ctx, first) {
		return
	}
	ready := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.session(ctx, 0, first, ready)
	}()
	<-ready
	if !p.isLoggedIn() {
		wg.Wait()
		return
	}
	sweep := -1
	for i := 1; i < len(p.plan); i++ {
		if p.opts.Sweep && p.plan[i].Name == sessRange {
			sweep = i // it holds the whole passive range: it runs alone
			continue
		}
		sess := p.log.Session(p.plan[i].Name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.session(ctx, i, sess, nil)
		}()
	}
	wg.Wait()
	if sweep > 0 {
		p.session(ctx, sweep, p.log.Session(p.plan[sweep].Name), nil)
	}
}

// resolve looks the host name up once, so every session dials the same
// address; an address literal needs no lookup.
func (p *prober) resolve(ctx context.Context, sess *transcript.Session) bool {
	if ip, err := netip.ParseAddr(p.target.Host); err == nil {
		p.ip = ip.Unmap()
		return true
	}
	p.opts.Status("resolving "+p.target.Host, p.opts.Timeout)
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	start := time.Now()
	ips, err := p.opts.Resolver.LookupNetIP(ctx, "ip", p.target.Host)
	ev := transcript.EventInfo{Op: transcript.OpResolve, Addr: p.target.Host, Dur: time.Since(start)}
	if err != nil || len(ips) == 0 {
		ev.Outcome = transcript.Failed
		if err != nil {
			ev.Err = errText(err)
		}
		sess.Event(ev, "")
		p.check(0, -1, result.Check{Name: "dns", Status: result.Fail, Detail: ev.Err})
		return false
	}
	p.ip = pickAddr(ips)
	ev.Outcome, ev.Local = transcript.Resolved, p.ip.String()
	sess.Event(ev, "")
	return true
}

// pickAddr prefers IPv4, which every FTP server's passive mode speaks.
func pickAddr(ips []netip.Addr) netip.Addr {
	for _, ip := range ips {
		if ip.Unmap().Is4() {
			return ip.Unmap()
		}
	}
	return ips[0]
}

func (p *prober) addr() string {
	return net.JoinHostPort(p.ip.String(), strconv.Itoa(p.target.Port))
}

// check records one check's result at its place in the plan, masked as
// the transcript is.
func (p *prober) check(sessIdx, stepIdx int, c result.Check) {
	c.Detail = p.red.Redact(c.Detail)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checks[sessIdx*100+stepIdx] = c
}

func (p *prober) isLoggedIn() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.loggedIn
}

func (p *prober) ext(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.site[name]
}

// Record is what the probe saw, for diagnose.NewResult: the target
// without its password, the checks, the network and the transcript.
func (o *Outcome) Record() result.Record {
	user := o.Target.User
	if o.Target.Anonymous() {
		user = ""
	}
	network := o.Network
	return result.Record{
		Target:   result.Target{URL: o.Target.URL(), Host: o.Target.Host, Port: o.Target.Port, User: user},
		Started:  o.Started.UTC(),
		Duration: o.Duration,
		Entries:  o.Log.Entries(),
		Checks:   o.Checks,
		Network:  &network,
	}
}
