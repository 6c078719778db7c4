package diagnose

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// ServerSession is one session of a server's log, diagnosed.
type ServerSession struct {
	ID      int
	Client  string
	User    string
	Line    int       // the log line it starts on
	Started time.Time // zero when the log has no times
	End     string    // how it ended, as transcript/foreign names it
	Result  *result.Result
}

// ServerReport sums up the sessions of a server's log: how many, from
// which clients, what failed for whom. It keeps the worst sessions whole
// (up to Keep of them) and only counts for the rest, so that a log of any
// length costs memory for its distinct clients and codes, not its sessions.
type ServerReport struct {
	Format   string
	Lines    int
	Sessions int
	First    time.Time
	Last     time.Time
	Keep     int
	Worst    []*ServerSession // worst first; ties: the earliest first
	Verdicts map[result.Verdict]int
	Codes    map[string]*CodeTally
	Clients  map[string]*ClientTally
}

// CodeTally counts the sessions and clients that showed one code.
type CodeTally struct {
	Finding  result.Finding // as first seen
	Sessions int
	Clients  map[string]int
}

// ClientTally is what one client address did across its sessions.
type ClientTally struct {
	Sessions int
	Verdict  result.Verdict // its worst
	// Passive data connections that arrived and that never did, in plain
	// text and under TLS.
	PassiveOK, PassiveFailed, PassiveOKTLS, PassiveFailedTLS int
}

// NewServerReport starts an empty report keeping the keep worst sessions.
func NewServerReport(format string, keep int) *ServerReport {
	return &ServerReport{Format: format, Keep: keep, Verdicts: map[result.Verdict]int{},
		Codes: map[string]*CodeTally{}, Clients: map[string]*ClientTally{}}
}

// Add counts one session.
func (r *ServerReport) Add(s *ServerSession) {
	r.Sessions++
	if !s.Started.IsZero() {
		if r.First.IsZero() || s.Started.Before(r.First) {
			r.First = s.Started
		}
		if end := s.Started.Add(time.Duration(s.Result.DurationMs) * time.Millisecond); r.Last.IsZero() || end.After(r.Last) {
			r.Last = end
		}
	}
	v := s.Result.Verdict
	r.Verdicts[v]++
	c := r.Clients[s.Client]
	if c == nil {
		c = &ClientTally{Verdict: result.VerdictOK}
		r.Clients[s.Client] = c
	}
	c.Sessions++
	if rankVerdict(v) > rankVerdict(c.Verdict) {
		c.Verdict = v
	}
	for _, f := range s.Result.Findings {
		t := r.Codes[f.Code]
		if t == nil {
			t = &CodeTally{Finding: f, Clients: map[string]int{}}
			r.Codes[f.Code] = t
		}
		t.Sessions++
		t.Clients[s.Client]++
	}
	r.countPassive(c, s.Result)
	r.keep(s)
}

// countPassive notes whether the session's passive connections arrived,
// and whether it was encrypted: the pair that shows a router's FTP helper
// working for plain text only.
func (r *ServerReport) countPassive(c *ClientTally, res *result.Result) {
	failed := slices.ContainsFunc(res.Findings, func(f result.Finding) bool {
		return f.Code == CodePassiveNeverArrived || f.Code == CodePassiveFallback
	})
	tls, passive, done, xfer := false, false, false, false
	for _, e := range res.Transcript {
		switch {
		case e.Kind == result.Command:
			verb, _, _ := strings.Cut(strings.TrimSpace(e.Text), " ")
			xfer = ftp.IsTransfer(strings.ToUpper(verb))
		case xfer && e.Kind == result.Reply && (e.Code == int(ftp.ClosingData) || e.Code == int(ftp.FileActionOK)):
			done = true
		case e.Kind == result.Reply && e.Code == int(ftp.AuthOK):
			tls = true
		case e.Kind == result.Reply && (e.Code == int(ftp.EnteringPassive) || e.Code == int(ftp.EnteringExtPassive)):
			passive = true
		}
	}
	worked := passive && !failed && done && res.Verdict != result.VerdictCritical
	switch {
	case failed && tls:
		c.PassiveFailedTLS++
	case failed:
		c.PassiveFailed++
	case worked && tls:
		c.PassiveOKTLS++
	case worked:
		c.PassiveOK++
	}
}

func (r *ServerReport) keep(s *ServerSession) {
	if r.Keep <= 0 {
		return
	}
	i := sort.Search(len(r.Worst), func(i int) bool {
		return sessionRank(s) > sessionRank(r.Worst[i])
	})
	if i >= r.Keep {
		return
	}
	r.Worst = slices.Insert(r.Worst, i, s)
	if len(r.Worst) > r.Keep {
		r.Worst[len(r.Worst)-1] = nil
		r.Worst = r.Worst[:r.Keep]
	}
}

// sessionRank orders sessions for the report: failures first, then
// warnings, then sessions that cannot be judged, then the healthy.
func sessionRank(s *ServerSession) int { return rankVerdict(s.Result.Verdict) }

func rankVerdict(v result.Verdict) int {
	switch v {
	case result.VerdictCritical:
		return 3
	case result.VerdictWarning:
		return 2
	case result.VerdictUnknown:
		return 1
	}
	return 0
}

// Verdict is the worst verdict of any session, or of the findings across
// sessions; unknown where no session could be judged.
func (r *ServerReport) Verdict() result.Verdict {
	v := result.VerdictUnknown
	if r.Verdicts[result.VerdictOK] > 0 {
		v = result.VerdictOK
	}
	for _, w := range []result.Verdict{result.VerdictWarning, result.VerdictCritical} {
		if r.Verdicts[w] > 0 {
			v = w
		}
	}
	if len(r.Findings()) > 0 {
		v = result.VerdictCritical
	}
	return v
}

// Findings are what only the sessions together show: passive connections
// that arrive from a client in plain text but never under TLS (a router's
// FTP helper that cannot read encrypted sessions).
func (r *ServerReport) Findings() []result.Finding {
	var blind []string
	for addr, c := range r.Clients {
		if c.PassiveOK > 0 && c.PassiveFailedTLS > 0 && c.PassiveOKTLS == 0 {
			blind = append(blind, addr)
		}
	}
	if len(blind) == 0 {
		return nil
	}
	sort.Strings(blind)
	f := Make(Fact{Code: CodeTLSALGBlind,
		Detail: fmt.Sprintf("Passive data connections from %s arrive in plain-text sessions and never in encrypted ones: "+
			"something between them and the server (a router's FTP helper) opens or rewrites passive connections only where it can read the control connection.",
			strings.Join(blind, ", "))})
	return []result.Finding{seenFromServer(f)}
}

// ClientList names clients with their counts, the most first, at most n.
func ClientList(counts map[string]int, n int) string {
	type kv struct {
		addr string
		n    int
	}
	var all []kv
	for a, c := range counts {
		all = append(all, kv{a, c})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].addr < all[j].addr
	})
	var parts []string
	for i, e := range all {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(all)-n))
			break
		}
		addr := e.addr
		if addr == "" {
			addr = "(address not in the log)"
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", addr, e.n))
	}
	return strings.Join(parts, ", ")
}
