package probe

import (
	"context"
	"errors"
	"fmt"
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

// errDeadline is the cause of the context Run gives its sessions once the
// overall deadline (Options.Deadline) has passed.
var errDeadline = errors.New("the probe's overall deadline passed")

// endedWhy says why ctx, the probe's, is done: its own overall deadline,
// or the caller's context (a scrape's budget, an interrupt).
func (p *prober) endedWhy(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), errDeadline) {
		return fmt.Sprintf("the probe's overall deadline (%s) passed", transcript.Human(p.opts.Deadline))
	}
	return "the probe was stopped (" + errText(context.Cause(ctx)) + ")"
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
	checks   map[planPos]result.Check // by plan position, for a stable order
	network  result.Network
	site     map[string]bool // SITE FTPDIAG extensions FEAT advertised
	loggedIn bool
	tlsOn    bool // the first session's control connection is TLS
	// tlsDataFailed: a passive listing failed in a session whose data
	// connections do TLS: the question a plain-text session answers.
	tlsDataFailed bool
	// stalled: a transfer of this family's sessions stopped moving.
	stalled bool
	certs   map[string]bool // certificates shown, by fingerprint
}

// Run probes the target as the plan says, within the options' deadlines,
// and returns what happened. It never prints. Where the name has both
// address families, both are checked side by side, so the second costs no
// second timeout.
func Run(ctx context.Context, t Target, opts Options) *Outcome {
	opts.Implicit = opts.Implicit || t.Implicit
	o := opts.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, o.Deadline, errDeadline)
	defer cancel()
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
		log.Session(SessMain.String()).Event(*res.ev, "")
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
		p := &prober{opts: o, target: out.Target, plan: out.Plan, ip: ip, log: out.Log, checks: map[planPos]result.Check{},
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
		firsts[i] = out.Log.Session(p.plan[0].Kind.String() + p.heading)
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

// planPos is a step's place in the plan: its session's and its own index.
type planPos struct{ sess, step int }

func (p *prober) sortedChecks() []result.Check {
	keys := make([]planPos, 0, len(p.checks))
	for k := range p.checks {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b planPos) int {
		if a.sess != b.sess {
			return a.sess - b.sess
		}
		return a.step - b.step
	})
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
	sweep, plain := -1, -1
	for i := 1; i < len(p.plan); i++ {
		if p.fallback > 0 && i == p.fallback {
			<-p.primary.known
			if p.primary.isLoggedIn() {
				break // the preferred family runs these
			}
		}
		if p.opts.Sweep && p.plan[i].Kind == SessRange {
			sweep = i // it holds the whole passive range: it runs alone
			continue
		}
		if p.plan[i].Kind == SessPlain && !p.tlsUsed() {
			continue // nothing to compare with: the probe speaks plain text anyway
		}
		if p.plan[i].Kind == SessPlain && !p.target.Anonymous() {
			plain = i // with a password: only once TLS data is known to fail
			continue
		}
		sess := p.log.Session(p.plan[i].Kind.String() + p.heading)
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.session(ctx, i, sess, nil)
		}()
	}
	wg.Wait()
	if p.stalledBeside() {
		// Some servers (pyftpdlib) stall a transfer now and then while
		// the same client has other sessions open, which one client
		// alone never meets: before the path is blamed, the main
		// session runs once more, alone, as a client would.
		// It waits retryStall for a silent transfer: alone, a server
		// with that bug answers at once, and a stalled path costs one
		// stall timeout and a little more, not two.
		saved := p.opts.StallTimeout
		p.opts.StallTimeout = min(saved, retryStall)
		p.session(ctx, 0, p.log.Session(againAlone+p.heading), nil)
		p.opts.StallTimeout = saved
	}
	if plain > 0 && p.comparePlain(first) {
		p.session(ctx, plain, p.log.Session(p.plan[plain].Kind.String()+p.heading), nil)
	}
	if sweep > 0 {
		p.session(ctx, sweep, p.log.Session(p.plan[sweep].Kind.String()+p.heading), nil)
	}
}

// comparePlain decides, once the TLS sessions are done, whether the plain
// comparison may log in with the password: only where it can explain
// something (a TLS passive data connection failed: is a router's FTP helper
// blind to TLS?) and only where the user allowed it. Where it could
// explain something but is not allowed, the first session says so.
func (p *prober) comparePlain(first *transcript.Session) bool {
	p.mu.Lock()
	failed := p.tlsDataFailed
	p.mu.Unlock()
	switch {
	case !failed:
		return false
	case !p.opts.ComparePlain:
		first.Note("the TLS data connection failed; a session without TLS could tell whether a router's FTP helper (ALG) is the cause, " +
			"but it would send the password in clear text, so the probe leaves it out (--compare-plain allows it)")
		return false
	}
	return true
}

// retryStall is how long the main session run again alone waits on a
// silent transfer: time enough for a server on any path to send the first
// bytes of a listing, far less than a whole stall timeout.
const retryStall = time.Second

// markStalled notes a transfer that stopped moving, where a server that
// stalls under parallel sessions is the likelier cause than the path: a
// listing (a few hundred bytes, less than any path MTU problem needs) or a
// transfer that carried nothing at all. A download cut in its middle is the
// path's, as a firewall or an MTU black hole does it, and is not retried:
// its verdict stays within one stall timeout.
func (p *prober) markStalled(listing bool, bytes int64) {
	if !listing && bytes > 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = true
}

func isListing(verb string) bool { return verb == "LIST" || verb == "NLST" || verb == "MLSD" }

// stalledBeside tells whether a transfer stalled while the plan ran other
// sessions beside the one it was in.
func (p *prober) stalledBeside() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stalled && len(p.plan) > 1
}

func (p *prober) addr() string {
	return net.JoinHostPort(p.ip.String(), strconv.Itoa(p.target.Port))
}

// check records one check's result at its place in the plan, masked as
// the transcript is.
func (p *prober) check(at planPos, c result.Check) {
	c.Detail = p.red.Redact(c.Detail)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checks[at] = c
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
