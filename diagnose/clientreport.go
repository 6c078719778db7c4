package diagnose

import (
	"sort"
	"time"

	"ftpdiag/result"
)

// ClientSession is one session of a client's log, diagnosed on its own.
type ClientSession struct {
	ID      int       // its number in the log, from 1, in the order they began
	Line    int       // the log line it begins on
	Started time.Time // zero when the log has no times
	Result  *result.Result
}

// ClientReport sums up the sessions of a client's log (a day of
// FileZilla's log file, a script's log of many runs): how many ended how,
// which codes showed in how many, and, for each code, the latest session
// that showed it, kept whole. A log of any length costs memory for its
// distinct codes, not its sessions.
type ClientReport struct {
	Format   string
	Lines    int
	Sessions int
	First    time.Time
	Last     time.Time
	Verdicts map[result.Verdict]int
	Codes    map[string]*ClientCodeTally
	// Only is the log's session while it has one: a log of one session is
	// reported as it always was, that session's result alone.
	Only *ClientSession
	// Latest is the last session that began, kept for a log where nothing
	// went wrong: the one to show for it.
	Latest *ClientSession
	// Skipped: stretches of the log with no FTP command, reply or
	// connection in them, not sessions. Long: lines cut at the reader's
	// line length cap.
	Skipped, Long int
}

// ClientCodeTally counts the sessions that showed one code.
type ClientCodeTally struct {
	Finding  result.Finding // as the latest session showed it
	Sessions int
	First    int            // the first session that showed it
	Latest   *ClientSession // the last session that showed it, whole
}

// NewClientReport starts an empty report.
func NewClientReport(format string) *ClientReport {
	return &ClientReport{Format: format, Verdicts: map[result.Verdict]int{}, Codes: map[string]*ClientCodeTally{}}
}

// Add counts one session. Sessions come as they end, not as they began: a
// short one may end before a long one that began earlier.
func (r *ClientReport) Add(s *ClientSession) {
	r.Sessions++
	r.Only = nil
	if r.Sessions == 1 {
		r.Only = s
	}
	if r.Latest == nil || s.ID > r.Latest.ID {
		r.Latest = s
	}
	if !s.Started.IsZero() {
		if r.First.IsZero() || s.Started.Before(r.First) {
			r.First = s.Started
		}
		if end := s.Started.Add(time.Duration(s.Result.DurationMs) * time.Millisecond); end.After(r.Last) {
			r.Last = end
		}
	}
	r.Verdicts[s.Result.Verdict]++
	for _, f := range s.Result.Findings {
		t := r.Codes[f.Code]
		if t == nil {
			t = &ClientCodeTally{First: s.ID}
			r.Codes[f.Code] = t
		}
		t.Sessions++
		t.First = min(t.First, s.ID)
		if t.Latest == nil || s.ID > t.Latest.ID {
			t.Finding, t.Latest = f, s
		}
	}
}

// Verdict is the worst verdict of any session; unknown where none could
// be judged.
func (r *ClientReport) Verdict() result.Verdict {
	v := result.VerdictUnknown
	for _, w := range []result.Verdict{result.VerdictOK, result.VerdictWarning, result.VerdictCritical} {
		if r.Verdicts[w] > 0 {
			v = w
		}
	}
	return v
}

// SortedCodes are the codes seen, the most severe first, then the ones
// most sessions showed.
func (r *ClientReport) SortedCodes() []*ClientCodeTally {
	var out []*ClientCodeTally
	for _, t := range r.Codes {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if x, y := severityOrder(a.Finding.Severity), severityOrder(b.Finding.Severity); x != y {
			return x > y
		}
		if a.Sessions != b.Sessions {
			return a.Sessions > b.Sessions
		}
		return a.Finding.Code < b.Finding.Code
	})
	return out
}

// Shown are the sessions a report prints whole, at most keep: for each
// code, most severe first, the latest session that showed it (a session
// that showed several codes once); where no session showed any, the
// latest session.
func (r *ClientReport) Shown(keep int) []*ClientSession {
	var out []*ClientSession
	seen := map[*ClientSession]bool{}
	for _, t := range r.SortedCodes() {
		if len(out) == keep {
			break
		}
		if !seen[t.Latest] {
			seen[t.Latest] = true
			out = append(out, t.Latest)
		}
	}
	if len(out) == 0 && r.Latest != nil && keep > 0 {
		out = append(out, r.Latest)
	}
	return out
}

func severityOrder(s result.Severity) int {
	switch s {
	case result.Critical:
		return 3
	case result.Warning:
		return 2
	case result.Info:
		return 1
	}
	return 0
}
