// Package serverlog is explain's reading of a server's log: it streams the
// log through transcript/foreign's session splitter, diagnoses each session
// from the server's side, sums them up and writes the report.
package serverlog

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/render"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// ServerSchema names the JSON document of an explained server log.
const ServerSchema = "ftpdiag/serverlog/v1"

// Write writes the report of a server's log: the summary across
// sessions first (what failed, for how many sessions and which clients),
// then the worst sessions' transcripts with the lines each finding rests
// on marked. format is "text" or "json".
func Write(w io.Writer, r *diagnose.ServerReport, format string) error {
	switch format {
	case "text":
		return serverText(w, r)
	case "json":
		return serverJSON(w, r)
	}
	return fmt.Errorf("%w %q (a server log is reported as text or json)", render.ErrUnknownFormat, format)
}

// codeRow is one line of the summary: a code and who showed it.
type codeRow struct {
	tally *diagnose.CodeTally
	rank  int
}

func sortedCodes(r *diagnose.ServerReport) []codeRow {
	var rows []codeRow
	for _, t := range r.Codes {
		rows = append(rows, codeRow{t, severityRank(t.Finding.Severity)})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.rank != b.rank {
			return a.rank > b.rank
		}
		if a.tally.Sessions != b.tally.Sessions {
			return a.tally.Sessions > b.tally.Sessions
		}
		return a.tally.Finding.Code < b.tally.Finding.Code
	})
	return rows
}

func severityRank(s result.Severity) int {
	switch s {
	case result.Critical:
		return 2
	case result.Warning:
		return 1
	}
	return 0
}

func serverText(w io.Writer, r *diagnose.ServerReport) error {
	ew := &transcript.ErrWriter{W: w}
	ew.Printf("ftpdiag explain: %s log, %s from %s%s\n", r.Format, transcript.Plural(r.Sessions, "session"),
		transcript.Plural(len(r.Clients), "client address"), transcript.LogSpan(r.First, r.Last))
	v := r.Verdict()
	ew.Printf("verdict: %s\n\n", v)
	if len(r.Codes) > 0 || len(r.Findings()) > 0 {
		ew.Printf("What went wrong, across sessions:\n")
	}
	for _, f := range r.Findings() {
		ew.Printf("  %-8s  %s: %s\n            %s\n", f.Severity, f.Code, printableText(f.Title), printableText(f.Detail))
	}
	for _, row := range sortedCodes(r) {
		t := row.tally
		ew.Printf("  %-8s  %s: %s\n            %s from %d of %d client addresses: %s\n", t.Finding.Severity, t.Finding.Code,
			printableText(t.Finding.Title), transcript.Plural(t.Sessions, "session"), len(t.Clients), len(r.Clients),
			printableText(diagnose.ClientList(t.Clients, 5)))
	}
	for _, verdict := range []result.Verdict{result.VerdictOK, result.VerdictUnknown} {
		if n := r.Verdicts[verdict]; n > 0 {
			ew.Printf("  %-8s  %s%s\n", verdict, transcript.Plural(n, "session"), verdictNote(verdict))
		}
	}
	ew.Printf("%s", passiveLine(r))
	serverHints(ew, r)
	for _, s := range r.Worst {
		serverSession(ew, s)
	}
	return ew.Err
}

func verdictNote(v result.Verdict) string {
	if v == result.VerdictUnknown {
		return ": the log does not show enough to judge them (no login and finished transfer, or the log ends before they do)"
	}
	return ": logged in and transferred, nothing to fix"
}

// passiveLine tells the administrator which clients' passive connections
// arrive and which never do, the question behind "I can log in but not list".
func passiveLine(r *diagnose.ServerReport) string {
	var ok, failed []string
	for addr, c := range r.Clients {
		if c.PassiveFailed+c.PassiveFailedTLS > 0 {
			failed = append(failed, addr)
		}
		if c.PassiveOK+c.PassiveOKTLS > 0 {
			ok = append(ok, addr)
		}
	}
	if len(failed) == 0 {
		return ""
	}
	sort.Strings(failed)
	sort.Strings(ok)
	line := fmt.Sprintf("Passive data connections: %d of %d client addresses asked for one that never arrived (%s)",
		len(failed), len(r.Clients), strings.Join(firstN(failed, 8), ", "))
	if len(ok) > 0 {
		line += fmt.Sprintf("; %d opened theirs (%s)", len(ok), strings.Join(firstN(ok, 8), ", "))
	}
	return "\n" + printableText(line) + ".\n"
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(slices.Clone(s[:n]), fmt.Sprintf("and %d more", len(s)-n))
}

// serverHints prints the hints of the worst code: the administrator's
// first, then what to tell the user.
func serverHints(ew *transcript.ErrWriter, r *diagnose.ServerReport) {
	fs := r.Findings()
	if rows := sortedCodes(r); len(rows) > 0 && rows[0].rank > 0 {
		fs = append(fs, rows[0].tally.Finding)
	}
	if len(fs) == 0 {
		return
	}
	ew.Printf("\nFor the administrator:\n")
	for _, f := range fs {
		for _, h := range f.Hints {
			ew.Printf("  - %s\n", printableText(h))
		}
	}
	header := "\nWhat to tell the user:\n"
	for _, f := range fs {
		for _, h := range f.ClientHints {
			ew.Printf("%s  - %s\n", header, printableText(capitalize(strings.TrimPrefix(h, "Tell the user: "))))
			header = ""
		}
	}
}

// serverSession prints one session: its heading, its lines with the
// findings marked under the lines they rest on, and its findings.
func serverSession(ew *transcript.ErrWriter, s *diagnose.ServerSession) {
	res := s.Result
	who := s.Client
	if who == "" {
		who = "client address not in the log"
	}
	if s.User != "" {
		who += ", user " + s.User
	}
	when := ""
	if !s.Started.IsZero() {
		when = ", " + transcript.LogStamp(s.Started)
	}
	ew.Printf("\n=== session %d (%s; log line %d%s): %s\n", s.ID, printableText(who), s.Line, when, res.Verdict)
	marks := map[int][]string{}
	for _, f := range res.Findings {
		for _, l := range f.Lines {
			marks[l] = append(marks[l], f.Code)
		}
	}
	for i, e := range res.Transcript {
		for _, l := range transcript.RenderEntry(e) {
			ew.Printf("%s\n", transcript.Visible(l, false))
		}
		if codes := marks[i]; len(codes) > 0 {
			ew.Printf("%s^ %s\n", transcript.Indent, strings.Join(codes, ", "))
		}
	}
	for _, f := range res.Findings {
		ew.Printf("%s %s: %s\n  %s\n", f.Severity, f.Code, printableText(f.Title), printableText(f.Detail))
	}
	if res.Evidence != "" {
		ew.Printf("not judged: %s\n", printableText(res.Evidence))
	}
}

func printableText(s string) string { return transcript.Visible(s, false) }

// serverDoc is the JSON document of an explained server log.
type serverDoc struct {
	Schema   string                 `json:"schema"`
	Format   string                 `json:"format"`
	Lines    int                    `json:"lines"`
	Sessions int                    `json:"sessions"`
	Clients  int                    `json:"clients"`
	First    *time.Time             `json:"first,omitempty"`
	Last     *time.Time             `json:"last,omitempty"`
	Verdict  result.Verdict         `json:"verdict"`
	Verdicts map[result.Verdict]int `json:"verdicts"`
	Findings []result.Finding       `json:"findings,omitempty"`
	Codes    []serverCode           `json:"codes"`
	Worst    []serverDocSession     `json:"worst_sessions"`
}

type serverCode struct {
	Code     string          `json:"code"`
	Severity result.Severity `json:"severity"`
	Title    string          `json:"title"`
	Sessions int             `json:"sessions"`
	Clients  map[string]int  `json:"clients"`
}

type serverDocSession struct {
	ID     int            `json:"id"`
	Client string         `json:"client"`
	User   string         `json:"user,omitempty"`
	Line   int            `json:"line"`
	End    string         `json:"end"`
	Result *result.Result `json:"result"`
}

func serverJSON(w io.Writer, r *diagnose.ServerReport) error {
	doc := serverDoc{Schema: ServerSchema, Format: r.Format, Lines: r.Lines, Sessions: r.Sessions, Clients: len(r.Clients),
		Verdict: r.Verdict(), Verdicts: r.Verdicts, Findings: r.Findings(), Codes: []serverCode{}, Worst: []serverDocSession{}}
	if !r.First.IsZero() {
		doc.First, doc.Last = &r.First, &r.Last
	}
	for _, row := range sortedCodes(r) {
		t := row.tally
		doc.Codes = append(doc.Codes, serverCode{Code: t.Finding.Code, Severity: t.Finding.Severity, Title: t.Finding.Title,
			Sessions: t.Sessions, Clients: t.Clients})
	}
	for _, s := range r.Worst {
		doc.Worst = append(doc.Worst, serverDocSession{ID: s.ID, Client: s.Client, User: s.User, Line: s.Line, End: s.End, Result: render.Redacted(s.Result)})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Codes are the codes the report names, across sessions and of the
// sessions together, sorted.
func Codes(r *diagnose.ServerReport) []string {
	var out []string
	for code := range r.Codes {
		out = append(out, code)
	}
	for _, f := range r.Findings() {
		if !slices.Contains(out, f.Code) {
			out = append(out, f.Code)
		}
	}
	sort.Strings(out)
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
