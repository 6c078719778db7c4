package render

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
	"ftpdiag/transcript/foreign"
)

// The HTML goldens' results: each a story a support engineer meets, with a
// transcript shaped as the probe writes it (sessions side by side, times
// consistent with the timeouts waited) and findings from Diagnose itself.
// probe-healthy.json and probe-sweep.json are real probes of 'ftpdiag
// serve' on loopback (see testdata/html/README.md).

// htmlScenarioNames are the goldens under testdata/html/, in order.
var htmlScenarioNames = []string{"healthy", "passive-dropped", "sweep-partial", "active-blocked", "filezilla-explained"}

func htmlScenarios(t *testing.T) map[string]*result.Result {
	t.Helper()
	return map[string]*result.Result{
		"healthy":             readResult(t, filepath.Join("testdata", "html", "probe-healthy.json")),
		"passive-dropped":     passiveDroppedScenario(),
		"sweep-partial":       partialSweepScenario(t),
		"active-blocked":      activeBlockedScenario(),
		"filezilla-explained": explainedScenario(t, filepath.Join("..", "testdata", "logs", "filezilla-pasv-private-timeout.log")),
	}
}

func readResult(t *testing.T, path string) *result.Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var res result.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &res
}

// diagnosed finishes a fixture as the probe does: findings from Diagnose.
func (f *fx) diagnosed() *result.Result {
	res := f.result()
	res.Findings = diagnose.Diagnose(res.Transcript)
	res.Verdict = diagnose.VerdictOf(res.Findings)
	res.DurationMs = res.Transcript[len(res.Transcript)-1].T.Milliseconds()
	return res
}

// passiveDroppedScenario: a firewall drops the whole passive range. The
// passive session and the range sample each wait one timeout, side by side,
// while active mode works.
func passiveDroppedScenario() *result.Result {
	f := newFx()
	p := f.login("passive mode: log in, list and download")
	r := f.login("passive range: which ports the server hands out")
	a := f.login("active mode: the server connects back (PORT, EPRT)")
	p.Command("EPSV")
	p.Reply(229, "229 Entering Extended Passive Mode (|||3003|)")
	for k := range 3 {
		r.Command("PASV")
		r.Reply(227, fmt.Sprintf("227 Entering Passive Mode (198,18,1,2,11,%d)", 188+k))
		f.wait(20 * time.Millisecond)
	}
	activeListing(f, a, "PORT 10,0,0,2,156,65", "10.0.0.2:40001")
	f.wait(5 * time.Second)
	p.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Timeout, 5*time.Second), "")
	for k := range 3 {
		r.Event(ev(result.OpDataConnect, fmt.Sprintf("198.18.1.2:%d", 3004+k), result.Timeout, 5*time.Second-time.Duration(k)*20*time.Millisecond), "")
	}
	p.Command("QUIT")
	p.Reply(221, "221 Goodbye")
	f.check("login", result.Pass, 12, "logged in as john")
	f.check("EPSV+LIST", result.Fail, 5003, "no answer from 198.18.1.2:3003 in 5s")
	f.check("passive range", result.Fail, 5060, "3 passive ports seen (3004-3006): none answered; 3004-3006 did not")
	f.check("PORT+LIST", result.Pass, 6, "312 bytes")
	return f.diagnosed()
}

// activeListing runs one active-mode listing that works: the server
// connects back from port 20 and sends 312 bytes.
func activeListing(f *fx, a *transcript.Session, port, listen string) {
	a.Event(ev(result.OpDataListen, listen, result.Connected, 0), "")
	a.Command(port)
	a.Reply(200, "200 PORT command successful")
	a.Command("LIST")
	a.Event(ev(result.OpDataAccept, "198.18.1.2:20", result.Connected, 2*time.Millisecond), "")
	a.Reply(150, "150 Here comes the directory listing")
	a.Event(result.EventInfo{Op: result.OpDataClose, Outcome: result.Complete, By: "server", Bytes: 312, Dur: 2 * time.Millisecond}, "")
	a.Reply(226, "226 Directory send OK")
}

// activeBlockedScenario: passive mode works; in active mode the server
// accepts PORT and EPRT but its connections back never arrive.
func activeBlockedScenario() *result.Result {
	f := newFx()
	p := f.login("passive mode: log in, list and download")
	a := f.login("active mode: the server connects back (PORT, EPRT)")
	p.Command("EPSV")
	p.Reply(229, "229 Entering Extended Passive Mode (|||3003|)")
	p.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Connected, 1200*time.Microsecond), "")
	p.Command("LIST")
	p.Reply(150, "150 Here comes the directory listing")
	p.Event(result.EventInfo{Op: result.OpDataClose, Outcome: result.Complete, By: "server", Bytes: 312, Dur: 3 * time.Millisecond}, "")
	p.Reply(226, "226 Directory send OK")
	p.Command("QUIT")
	p.Reply(221, "221 Goodbye")
	for k, cmd := range []string{"PORT 10,0,0,2,156,65", "EPRT |1|10.0.0.2|40002|"} {
		a.Event(ev(result.OpDataListen, fmt.Sprintf("10.0.0.2:%d", 40001+k), result.Connected, 0), "")
		a.Command(cmd)
		a.Reply(200, "200 PORT command successful. Consider using PASV.")
		a.Command("LIST")
		f.wait(5 * time.Second)
		a.Event(ev(result.OpDataAccept, "", result.Timeout, 5*time.Second), "")
		a.Reply(425, "425 Failed to establish connection.")
	}
	a.Command("QUIT")
	a.Reply(221, "221 Goodbye")
	f.check("login", result.Pass, 12, "logged in as john")
	f.check("EPSV+LIST", result.Pass, 8, "312 bytes")
	f.check("PORT+LIST", result.Fail, 5004, "the server never connected back")
	f.check("EPRT+LIST", result.Fail, 5004, "the server never connected back")
	f.network = &result.Network{LocalAddr: "10.0.0.2:51234", Modes: []string{"passive", "active"}}
	return f.diagnosed()
}

// Ports the partial sweep's firewall drops and rejects.
const (
	sweepDropLo, sweepDropHi     = 33040, 33059
	sweepRejectLo, sweepRejectHi = 33070, 33072
	sweepTimeout                 = 5 * time.Second
)

// partialSweepScenario is the real sweep of probe-sweep.json with a
// firewall's effect written in: 20 ports dropped (they answer after the
// probe's timeout, and every later line of the session waits for them),
// 3 rejected with a reset. The diagnosis is made afresh.
func partialSweepScenario(t *testing.T) *result.Result {
	t.Helper()
	res := readResult(t, filepath.Join("testdata", "html", "probe-sweep.json"))
	es := res.Transcript
	sweepSession, first := 0, -1
	for i, e := range es {
		if e.Event != nil && e.Event.Op == result.OpDataConnect && len(attemptsOf(dataAttempts(es), e.Session)) > sweepThreshold {
			sweepSession, first = e.Session, i
			break
		}
	}
	if first < 0 {
		t.Fatal("probe-sweep.json holds no sweep")
	}
	for i := first; i < len(es); i++ {
		e := &es[i]
		if e.Session != sweepSession {
			continue
		}
		e.T += sweepTimeout
		if e.Event == nil || e.Event.Op != result.OpDataConnect {
			continue
		}
		ev := *e.Event
		switch p := portOf(ev.Addr); {
		case p >= sweepDropLo && p <= sweepDropHi:
			ev.Outcome, ev.Dur, ev.Err = result.Timeout, sweepTimeout, "i/o timeout"
		case p >= sweepRejectLo && p <= sweepRejectHi:
			ev.Outcome, ev.Dur, ev.Err = result.Refused, 300*time.Microsecond, "connection refused"
		}
		e.Event, e.Text = &ev, transcript.Describe(ev)
	}
	detail := "33000-33039, 33060-33069, 33073-33099 open; 33040-33059 no answer; 33070-33072 refused"
	for i := range es {
		if es[i].Session == sweepSession && es[i].Kind == result.Note {
			es[i].Text = "sweep: " + detail
		}
	}
	for i, c := range res.Checks {
		if c.Name == "SITE SWEEP" {
			res.Checks[i] = result.Check{Name: c.Name, Status: result.Fail, DurationMs: c.DurationMs + sweepTimeout.Milliseconds(), Detail: detail}
		}
	}
	res.Findings = diagnose.Diagnose(es)
	res.Verdict = diagnose.VerdictOf(res.Findings)
	res.DurationMs += sweepTimeout.Milliseconds()
	return res
}

// explainedScenario reads a client's log as 'ftpdiag explain' does.
func explainedScenario(t *testing.T, path string) *result.Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log, err := foreign.Parse(b, "")
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	entries := transcript.FromEntries(log.Entries, transcript.WithSecrets(log.Secrets...)).Entries()
	target := result.Target{URL: fmt.Sprintf("ftp://%s@%s:%d/", log.Target.User, log.Target.Host, log.Target.Port),
		Host: log.Target.Host, Port: log.Target.Port, User: log.Target.User}
	fs := diagnose.FromLog(diagnose.Diagnose(entries), target)
	res := &result.Result{Schema: result.Schema, Tool: result.Tool{Name: "ftpdiag", Version: "0.1.0"}, Target: target, Started: log.Started,
		Verdict: diagnose.VerdictOf(fs), Findings: fs, Checks: diagnose.LogChecks(entries, fs), Transcript: entries}
	if n := len(entries); n > 0 {
		res.DurationMs = entries[n-1].T.Milliseconds()
	}
	return res
}
