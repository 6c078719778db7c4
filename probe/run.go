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

// prober is the state shared by the sessions of one address family.
type prober struct {
	opts   Options
	target Target
	log    *transcript.Log
	plan   Plan
	ip     netip.Addr // the server's address in this family, resolved once
	// heading is what each session's heading adds where several families
	// are checked (" over IPv6 (2001:db8::21)"), so a reader of the
	// transcript sees at once which family broke.
	heading string
	// known is closed once this family's first session knows whether
	// logging in works.
	known chan struct{}
	// fallback, where set, is the first session of the plan that runs only
	// if the preferred family (primary) cannot log in: then this family
	// gets the rest of the whole plan, as clients fall back to it.
	fallback int
	primary  *prober
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
	tlsOn    bool            // the first session's control connection is TLS
	certs    map[string]bool // certificates shown, by fingerprint
}

// Run probes the target as the plan says, within the options' deadlines,
// and returns what happened. It never prints. Where the name has both
// address families, both are checked side by side, so the second costs no
// second timeout.
func Run(ctx context.Context, t Target, opts Options) *Outcome {
	opts.Implicit = opts.Implicit || t.Implicit
	o := opts.withDefaults()
	var secrets []string
	if t.Password != AnonymousPassword {
		secrets = append(secrets, t.Password)
	}
	log := transcript.New(transcript.WithSecrets(secrets...))
	red := transcript.NewRedactor(secrets...)
	start := time.Now()
	res := resolveTarget(ctx, t, o)
	out := &Outcome{Target: t, Plan: NewPlan(o), Log: log, Started: log.Start(), Network: result.Network{Modes: modes(o)}}
	if len(res.addrs) == 0 {
		log.Session(sessMain).Event(*res.ev, "")
		out.Checks = []result.Check{{Name: "dns", Status: result.Fail, Detail: res.ev.Err}}
		out.Duration = time.Since(start)
		return out
	}
	probers, firsts := out.probers(o, res, red)
	if res.ev != nil {
		firsts[0].Event(*res.ev, "")
	}
	var wg sync.WaitGroup
	for i, p := range probers {
		wg.Go(func() { p.run(ctx, firsts[i]) })
	}
	wg.Wait()
	out.merge(probers, res)
	out.traceHops(ctx, o)
	out.Duration = time.Since(start)
	return out
}

// probers makes one prober per family to check, the preferred first with
// the whole plan, and opens their first sessions, in order, so that session
// numbers do not depend on which family answers first.
func (out *Outcome) probers(o Options, res resolution, red *transcript.Redactor) ([]*prober, []*transcript.Session) {
	probers := make([]*prober, len(res.addrs))
	firsts := make([]*transcript.Session, len(res.addrs))
	for i, ip := range res.addrs {
		p := &prober{opts: o, target: out.Target, plan: out.Plan, ip: ip, log: out.Log, checks: map[int]result.Check{},
			site: map[string]bool{}, known: make(chan struct{}), red: red}
		if i > 0 {
			p.plan = otherPlan(o, ip)
			p.fallback, p.primary = len(p.plan), probers[0]
			p.plan = append(p.plan, out.Plan[1:]...)
		}
		if len(res.addrs) > 1 {
			p.heading = over(ip)
		}
		probers[i] = p
		firsts[i] = out.Log.Session(p.plan[0].Name + p.heading)
		out.Network.Families = append(out.Network.Families, FamilyOf(ip))
	}
	return probers, firsts
}

func modes(o Options) []string {
	var m []string
	if !o.ActiveOnly {
		m = append(m, "passive")
	}
	if !o.PassiveOnly {
		m = append(m, "active")
	}
	return m
}

// merge gathers the families' checks, the preferred family's first, and
// the network facts of the preferred family.
func (out *Outcome) merge(probers []*prober, res resolution) {
	if res.note != "" {
		out.Checks = append(out.Checks, familyCheck(res.note, res.ev.Dur))
	}
	for i, p := range probers {
		cs := p.sortedChecks()
		if len(probers) > 1 {
			cs = tagChecks(cs, FamilyOf(p.ip))
		}
		out.Checks = append(out.Checks, cs...)
		if i == 0 {
			out.Network.LocalAddr, out.Network.SeenAddr = p.network.LocalAddr, p.network.SeenAddr
		}
	}
}

func (p *prober) sortedChecks() []result.Check {
	keys := make([]int, 0, len(p.checks))
	for k := range p.checks {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]result.Check, 0, len(keys))
	for _, k := range keys {
		out = append(out, p.checks[k])
	}
	return out
}

// run runs the first session up to its FEAT, then the others beside it.
func (p *prober) run(ctx context.Context, first *transcript.Session) {
	ready := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.session(ctx, 0, first, ready)
	}()
	<-ready
	close(p.known)
	if !p.isLoggedIn() {
		wg.Wait()
		return
	}
	sweep := -1
	for i := 1; i < len(p.plan); i++ {
		if p.fallback > 0 && i == p.fallback {
			<-p.primary.known
			if p.primary.isLoggedIn() {
				break // the preferred family runs these
			}
		}
		if p.opts.Sweep && p.plan[i].Name == sessRange {
			sweep = i // it holds the whole passive range: it runs alone
			continue
		}
		if p.plan[i].Name == sessPlain && !p.tlsUsed() {
			continue // nothing to compare with: the probe speaks plain text anyway
		}
		sess := p.log.Session(p.plan[i].Name + p.heading)
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.session(ctx, i, sess, nil)
		}()
	}
	wg.Wait()
	if sweep > 0 {
		p.session(ctx, sweep, p.log.Session(p.plan[sweep].Name+p.heading), nil)
	}
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
