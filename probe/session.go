package probe

import (
	"context"
	"crypto/tls"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// sessRun is one session of the plan while it runs.
type sessRun struct {
	p      *prober
	ctx    context.Context
	idx    int
	sess   *transcript.Session
	c      *ctrl
	client *typical // the typical client's session only

	file      string // the file to download
	passive   string // PASV, or EPSV when PASV is refused
	portcheck bool   // SITE PORTCHECK is offered: arm it before PORT
	// callbackFailed: the server took PORT's address and could not
	// connect back (its 425 or 421): EPRT is not tried as well.
	callbackFailed bool

	tlsCfg    *tls.Config // this control connection's TLS, its session cache
	protected bool        // PROT P accepted: data connections do TLS
	freshData bool        // the next data connection offers no session
	dtls      *dataTLS    // the handshake of the data connection just opened
}

// stepResult is what a step says about itself; stop ends the session's
// remaining steps (they are "not checked": their root cause is known).
type stepResult struct {
	status result.Status
	detail string
	stop   bool
}

type stepFunc func(r *sessRun) stepResult

// session runs one session's steps in order. ready, when set, is closed
// once FEAT has run (or the session ended before it), so that the other
// sessions start only when the login is known to work.
func (p *prober) session(ctx context.Context, idx int, sess *transcript.Session, ready chan struct{}) {
	r := &sessRun{p: p, ctx: ctx, idx: idx, sess: sess, passive: "PASV"}
	signal := func() {
		if ready != nil {
			close(ready)
			ready = nil
		}
	}
	defer signal()
	defer r.close()
	if p.plan[idx].Kind == SessPlain {
		sess.Note(plainNote(p.target))
	}
	stopped := false
	for i, step := range p.plan[idx].Steps {
		if stopped && step != StepQuit {
			r.record(i, step, stepResult{status: result.NotChecked, detail: "not reached: an earlier step failed"})
			continue
		}
		start := time.Now()
		res := stepTable[step].run(r)
		res.detail = strings.TrimSpace(res.detail)
		r.recordTimed(i, step, res, time.Since(start))
		stopped = stopped || res.stop
		if step == StepFEAT {
			signal()
		}
	}
}

// plainNote heads the plain-text comparison: why a password, if any,
// travels in clear text here.
func plainNote(t Target) string {
	if t.Anonymous() {
		return "this session logs in without TLS, as a client without TLS would; the anonymous login has no secret to protect"
	}
	return "this session logs in without TLS, so its password travels in clear text once: the TLS data connection failed and --compare-plain allows the comparison"
}

func (r *sessRun) record(i int, step Step, res stepResult) { r.recordTimed(i, step, res, 0) }

// recordTimed keeps a step's check. The steps every session repeats
// (connect, greeting, login, QUIT, the TLS ones) count once, in the first
// session.
func (r *sessRun) recordTimed(i int, step Step, res stepResult, d time.Duration) {
	if res.status == "" || r.idx > 0 && stepTable[step].once {
		return
	}
	r.p.check(planPos{r.idx, i}, result.Check{Name: step.checkName(), Status: res.status, DurationMs: d.Milliseconds(), Detail: res.detail})
}

func (r *sessRun) close() {
	if r.c != nil && !r.c.dead && r.ctx.Err() != nil {
		// The typical client's library was cut off by the overall
		// deadline: say so where its transcript ends.
		r.c.fail(context.Cause(r.ctx), "the rest of the standard client's session")
	}
	if r.c != nil && !r.c.dead {
		r.c.conn.Close()
	}
	if r.client != nil {
		r.client.close()
	}
}

func (r *sessRun) connect() stepResult {
	c, ok := r.p.dialControl(r.ctx, r.sess)
	if !ok {
		return stepResult{status: result.Fail, detail: "no control connection to " + r.p.addr(), stop: true}
	}
	r.c = c
	if r.idx == 0 { // the session SITE WHOAMI asks about
		r.p.mu.Lock()
		r.p.network.LocalAddr = c.local.String()
		r.p.mu.Unlock()
	}
	return stepResult{status: result.Pass, detail: "connected to " + r.p.addr() + " from " + c.local.String()}
}

func (r *sessRun) greeting() stepResult {
	code, text, ok := r.c.greeting()
	if !ok || code != ftp.ServiceReady {
		return stepResult{status: result.Fail, detail: "no 220 greeting", stop: true}
	}
	if strings.Contains(strings.ToUpper(firstLine(text)), "SMTP") {
		r.c.hangUp("a mail server (SMTP) answers here, not FTP")
		return stepResult{status: result.Fail, detail: "a mail server answers: " + firstLine(text), stop: true}
	}
	return stepResult{status: result.Pass, detail: firstLine(text)}
}

func (r *sessRun) login() stepResult {
	t := r.p.target
	r.p.logins.Lock()
	defer r.p.logins.Unlock()
	code, text, ok := r.c.cmd("USER %s", t.User)
	if ok && code == ftp.NeedPassword || ok && code == ftp.NeedAccount {
		code, text, ok = r.c.cmd("PASS %s", t.Password)
	}
	if r.c.refused != nil {
		return stepResult{status: result.Fail, detail: r.c.refused.Error(), stop: true}
	}
	if !ok || code < 200 || code >= 300 {
		return stepResult{status: result.Fail, detail: "login refused: " + firstLine(text), stop: true}
	}
	r.p.mu.Lock()
	r.p.loggedIn = true
	r.p.mu.Unlock()
	return stepResult{status: result.Pass, detail: "logged in as " + t.User}
}

// simple sends a command whose only interest is its reply.
func simple(line string) stepFunc {
	return func(r *sessRun) stepResult {
		code, text, ok := r.c.cmd("%s", line)
		switch {
		case !ok:
			return stepResult{status: result.Fail, detail: "no reply", stop: true}
		case code >= 400:
			return stepResult{status: result.Warn, detail: firstLine(text)}
		}
		return stepResult{status: result.Pass, detail: firstLine(text)}
	}
}

// feat reads the server's extensions, ftpdiag's own SITE ones among them.
func (r *sessRun) feat() stepResult {
	code, text, ok := r.c.cmd("FEAT")
	if !ok {
		return stepResult{status: result.Fail, detail: "no reply", stop: true}
	}
	if code != ftp.SystemStatus {
		return stepResult{status: result.Warn, detail: "FEAT not supported: " + firstLine(text)}
	}
	var ext []string
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		if len(f) == 3 && strings.EqualFold(f[0], "SITE") && strings.EqualFold(f[1], "FTPDIAG") {
			ext = strings.Split(strings.ToUpper(f[2]), ";")
		}
	}
	r.p.mu.Lock()
	for _, e := range ext {
		r.p.site[e] = true
	}
	r.p.mu.Unlock()
	detail := "the server lists its extensions"
	if len(ext) > 0 {
		detail += "; ftpdiag extensions: " + strings.Join(ext, ", ")
	}
	return stepResult{status: result.Pass, detail: detail}
}

func (r *sessRun) quit() stepResult {
	if r.c != nil {
		r.c.quit()
	}
	return stepResult{}
}

func firstLine(s string) string { return strings.TrimSpace(ftp.FirstLine(s)) }
