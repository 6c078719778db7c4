package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
	"ftpdiag/transcript/foreign"
)

// At the end of each session the server diagnoses it from its side, with
// the catalogue explain uses for server logs (diagnose.DiagnoseServer): the
// findings go to the end of the session's transcript file and into one log
// line per session (Config.SessionLog), and every session is counted for
// SITE STATS, the summary across the last hour's sessions.

// ErrLogFormat: --log-format names no format.
var ErrLogFormat = errors.New("unknown log format (text or json)")

// SessionLogger is the session log for --log-format: slog's text or JSON
// lines (for journald and log shippers) on w.
func SessionLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrLogFormat, format)
}

// diagMaxEntries bounds what a session without a transcript file keeps
// for its diagnosis; past it only the data connections' story matters,
// and a session that long has shown it already.
const diagMaxEntries = 5000

// StatsWindow is how far back SITE STATS looks.
const StatsWindow = time.Hour

// statsMax bounds the sessions SITE STATS remembers, however busy the hour.
const statsMax = 10_000

// sessionDiag keeps a session's entries in memory when no transcript file
// does.
type sessionDiag struct {
	mu      sync.Mutex
	entries []result.Entry
	left    int
	start   time.Time
}

func (d *sessionDiag) add(e result.Entry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.entries) >= diagMaxEntries {
		d.left++
		return
	}
	d.entries = append(d.entries, e)
}

// diagnoseLater makes sure the session is recorded for its end-of-session
// diagnosis: without a transcript directory it is recorded in memory.
func (s *session) diagnoseLater(c net.Conn) {
	s.diag = &sessionDiag{start: time.Now()}
	if s.tr != nil {
		return // the transcript file is read back at the end
	}
	log := transcript.New(transcript.Follow(s.diag.add), transcript.FollowOnly(), transcript.WithCommandRedactor(redactCommand))
	s.tr = &sessionTranscript{sess: log.Session(fmt.Sprintf("control connection from %s to %s", s.remote, s.local))}
	s.conn = transcript.Record(c, s.tr.sess, transcript.ServerSide)
}

// diagnoseEnd diagnoses the finished session, writes its findings at the
// end of its transcript file, logs its line and counts it.
func (s *session) diagnoseEnd() {
	if s.diag == nil {
		return
	}
	entries, file := s.diagEntries()
	client := s.remote.IP.String()
	if v4 := s.remote.IP.To4(); v4 != nil {
		client = v4.String()
	}
	target := result.Target{URL: "(a client of this server)", Host: client, User: s.user}
	res := diagnose.NewServerResult(diagnose.ServerInput{Tool: result.Tool{Name: "ftpdiag"}, Target: target, Client: client,
		Record: result.Record{Target: target, Started: s.diag.start, Entries: entries}})
	if file != "" && !s.tr.cut { // a file cut at its cap stays within it
		appendDiagnosis(file, res)
	}
	s.logSession(client, res)
	s.srv.diag.add(client, s.diag.start, res)
}

// diagEntries are the session's entries: read back from its transcript
// file where it has one, else as kept in memory.
func (s *session) diagEntries() ([]result.Entry, string) {
	if s.tr.f == nil {
		s.diag.mu.Lock()
		defer s.diag.mu.Unlock()
		return s.connectFirst(s.diag.entries), ""
	}
	name := s.tr.f.Name()
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, ""
	}
	l, err := foreign.ParseServer(data, foreign.ServeDir)
	if err != nil || len(l.Sessions) == 0 {
		return nil, name
	}
	return l.Sessions[0].Entries, name
}

// connectFirst gives the session's heading as what it is from the
// server's side, the client's connection (as the transcript reader does
// with a file's heading), so the evidence rule sees where it began.
func (s *session) connectFirst(entries []result.Entry) []result.Entry {
	out := slices.Clone(entries)
	for i, e := range out {
		if e.Event != nil && e.Event.Op == result.OpSession {
			ev := result.EventInfo{Op: result.OpConnect, Local: s.remote.String(), Outcome: result.Connected}
			out[i].Event, out[i].Text = &ev, "control connection from "+s.remote.String()
		}
	}
	return out
}

// appendDiagnosis writes the findings as notes at the end of the
// transcript file, where explain reads them back as notes too.
func appendDiagnosis(name string, res *result.Result) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return
	}
	defer f.Close()
	lines := []string{"diagnosis (seen from the server): " + string(res.Verdict)}
	for _, fd := range res.Findings {
		lines = append(lines, fd.Code+": "+fd.Title, fd.Detail)
		for _, h := range fd.Hints {
			lines = append(lines, "for the administrator: "+h)
		}
		for _, h := range fd.ClientHints {
			lines = append(lines, "for the user: "+h)
		}
	}
	if res.Evidence != "" {
		lines = append(lines, "not judged: "+res.Evidence)
	}
	for _, l := range lines {
		fmt.Fprintf(f, "%s^ %s\n", transcript.Indent, transcript.Visible(l, false))
	}
}

// logSession writes the session's one line: who, what it did, how it
// ended, and its diagnosis where it failed.
func (s *session) logSession(client string, res *result.Result) {
	lg := s.srv.cfg.SessionLog
	if lg == nil {
		return
	}
	did := sessionDid(res.Transcript)
	attrs := []any{
		slog.Int("session", s.id), slog.String("client", client), slog.String("user", s.user),
		slog.Int("logins", did.logins), slog.Int("transfers", did.transfers), slog.Int("failed_transfers", did.failed),
		slog.String("ended_by", s.closedBy), slog.String("duration", time.Since(s.diag.start).Round(time.Millisecond).String()),
		slog.String("verdict", string(res.Verdict)),
	}
	level, msg := slog.LevelInfo, "session"
	if len(res.Findings) > 0 {
		var codes []string
		for _, f := range res.Findings {
			codes = append(codes, f.Code)
		}
		worst := worstFinding(res.Findings)
		attrs = append(attrs, slog.String("codes", strings.Join(codes, ",")), slog.String("diagnosis", worst.Detail))
		msg = "session: " + strings.TrimSuffix(worst.Title, diagnose.SeenFromServer)
		if res.Verdict != result.VerdictOK {
			level = slog.LevelWarn
		}
	}
	lg.Log(s.ctx, level, msg, attrs...)
}

// worstFinding is the first finding of the highest severity.
func worstFinding(fs []result.Finding) result.Finding {
	rank := map[result.Severity]int{result.Info: 0, result.Warning: 1, result.Critical: 2}
	w := fs[0]
	for _, f := range fs[1:] {
		if rank[f.Severity] > rank[w.Severity] {
			w = f
		}
	}
	return w
}

// addresses is "1 client address", "4 client addresses".
func addresses(n int) string {
	if n == 1 {
		return "1 client address"
	}
	return fmt.Sprintf("%d client addresses", n)
}

// sessionDid counts what a session did: logins, transfers that finished
// (226/250 after a transfer command), and those that did not.
type did struct{ logins, transfers, failed int }

func sessionDid(entries []result.Entry) did {
	var d did
	xfer := false
	for _, e := range entries {
		switch {
		case e.Kind == result.Command:
			verb, _, _ := strings.Cut(strings.TrimSpace(e.Text), " ")
			verb = strings.ToUpper(verb)
			xfer = ftp.IsTransfer(verb) || verb == "STOR" || verb == "APPE" || verb == "STOU"
		case e.Kind != result.Reply:
		case e.Code == int(ftp.LoggedIn):
			d.logins++
		case xfer && (e.Code == int(ftp.ClosingData) || e.Code == int(ftp.FileActionOK)):
			d.transfers++
			xfer = false
		case xfer && e.Code >= 400:
			d.failed++
			xfer = false
		}
	}
	return d
}

// diagStats remembers the last hour's sessions for SITE STATS.
type diagStats struct {
	mu       sync.Mutex
	sessions []statSession
}

type statSession struct {
	at     time.Time
	client string
	res    *result.Result // without its transcript but the lines the summary reads
}

func (st *diagStats) add(client string, at time.Time, res *result.Result) {
	slim := *res
	slim.Transcript = nil
	for _, e := range res.Transcript {
		if e.Kind == result.Command || e.Kind == result.Reply && isStatReply(e.Code) {
			slim.Transcript = append(slim.Transcript, result.Entry{Kind: e.Kind, Code: e.Code, Text: firstWord(e)})
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sessions = append(st.sessions, statSession{at: at, client: client, res: &slim})
	if len(st.sessions) > statsMax {
		st.sessions = slices.Delete(st.sessions, 0, len(st.sessions)-statsMax)
	}
}

// isStatReply: the replies the summary counts (TLS, passive mode, transfers).
func isStatReply(code int) bool {
	switch code {
	case int(ftp.AuthOK), int(ftp.EnteringPassive), int(ftp.EnteringExtPassive), int(ftp.ClosingData), int(ftp.FileActionOK):
		return true
	}
	return false
}

func firstWord(e result.Entry) string {
	if e.Kind == result.Command {
		verb, _, _ := strings.Cut(strings.TrimSpace(e.Text), " ")
		return verb
	}
	return fmt.Sprint(e.Code)
}

// report sums up the sessions of the last window.
func (st *diagStats) report(now time.Time) *diagnose.ServerReport {
	rep := diagnose.NewServerReport("ftpdiag serve", 0)
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, s := range st.sessions {
		if now.Sub(s.at) > StatsWindow {
			continue
		}
		rep.Add(&diagnose.ServerSession{ID: i + 1, Client: s.client, Started: s.at, Result: s.res})
	}
	return rep
}

// StatsLines is the summary SITE STATS answers with: sessions, clients,
// what failed for how many of them, and which clients' passive
// connections arrive.
func (srv *Server) StatsLines(now time.Time) []string {
	rep := srv.diag.report(now)
	lines := []string{fmt.Sprintf("in the last %s: %d sessions from %s", StatsWindow, rep.Sessions, addresses(len(rep.Clients)))}
	for _, f := range rep.Findings() {
		lines = append(lines, fmt.Sprintf("%s %s: %s", f.Severity, f.Code, f.Detail))
	}
	var codes []*diagnose.CodeTally
	for _, t := range rep.Codes {
		codes = append(codes, t)
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i].Sessions > codes[j].Sessions })
	for _, t := range codes {
		lines = append(lines, fmt.Sprintf("%s %s: %d sessions, %d of %d client addresses: %s", t.Finding.Severity, t.Finding.Code,
			t.Sessions, len(t.Clients), len(rep.Clients), diagnose.ClientList(t.Clients, 5)))
	}
	if line := passiveSummary(rep); line != "" {
		lines = append(lines, line)
	}
	for _, v := range []result.Verdict{result.VerdictOK, result.VerdictUnknown} {
		if n := rep.Verdicts[v]; n > 0 {
			lines = append(lines, fmt.Sprintf("%s: %d sessions", v, n))
		}
	}
	return lines
}

// passiveSummary: "9 of 12 client addresses never opened their passive
// data connection; the 3 that did: ...".
func passiveSummary(rep *diagnose.ServerReport) string {
	var failed, ok []string
	for addr, c := range rep.Clients {
		switch {
		case c.PassiveFailed+c.PassiveFailedTLS > 0 && c.PassiveOK+c.PassiveOKTLS == 0:
			failed = append(failed, addr)
		case c.PassiveOK+c.PassiveOKTLS > 0:
			ok = append(ok, addr)
		}
	}
	if len(failed) == 0 {
		return ""
	}
	sort.Strings(failed)
	sort.Strings(ok)
	line := fmt.Sprintf("%d of %d client addresses never opened their passive data connection (%s)", len(failed), len(rep.Clients), joinFirst(failed, 5))
	if len(ok) > 0 {
		line += fmt.Sprintf("; the %d that did: %s", len(ok), joinFirst(ok, 5))
	}
	return line
}

func joinFirst(s []string, n int) string {
	if len(s) > n {
		return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
	}
	return strings.Join(s, ", ")
}

// siteStats answers SITE STATS, to the server's own host only: the
// summary names other clients' addresses.
func (s *session) siteStats() {
	if !s.remote.IP.IsLoopback() {
		s.reply(ftp.FileUnavailable, "SITE STATS is answered on the server's own host only (connect to 127.0.0.1 or ::1)")
		return
	}
	lines := s.srv.StatsLines(time.Now())
	middle := make([]string, 0, len(lines)-1)
	for _, l := range lines[1:] {
		middle = append(middle, " "+l)
	}
	s.replyMulti(ftp.SystemStatus, lines[0], middle, "End of statistics")
}
