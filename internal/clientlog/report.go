package clientlog

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/render"
	"ftpdiag/result"
	"ftpdiag/transcript"
	"ftpdiag/transcript/foreign"
)

// Schema names the JSON document of an explained client log of several
// sessions.
const Schema = "ftpdiag/clientlog/v1"

// DefaultKeep is how many sessions a report prints whole.
const DefaultKeep = 3

// RenderFunc writes one session's result as the command line renders a
// probe's (its colour and options are the command line's).
type RenderFunc func(w io.Writer, res *result.Result) error

// WriteText writes the report of a log of several sessions: what ended
// how, which codes showed in how many sessions, then for the most severe
// codes the latest session that showed each, whole, as render writes a
// probe's result. A support engineer reads the customer's failure as it
// happens now (the latest), once per cause, not the same failure a
// thousand times; the counts say how often and since when.
func WriteText(w io.Writer, r *diagnose.ClientReport, keep int, one RenderFunc) error {
	ew := &transcript.ErrWriter{W: w}
	ew.Printf("ftpdiag explain: %s log, %s%s\n", r.Format, transcript.Plural(r.Sessions, "session"), transcript.LogSpan(r.First, r.Last))
	ew.Printf("verdict: %s (the worst session's)\n\n", r.Verdict())
	ew.Printf("Sessions:")
	sep := " "
	for _, v := range []result.Verdict{result.VerdictCritical, result.VerdictWarning, result.VerdictUnknown, result.VerdictOK} {
		if n := r.Verdicts[v]; n > 0 {
			ew.Printf("%s%d %s", sep, n, v)
			sep = ", "
		}
	}
	ew.Printf("\n")
	codes := r.SortedCodes()
	if len(codes) > 0 {
		ew.Printf("\nWhat went wrong, across sessions:\n")
	}
	for _, t := range codes {
		ew.Printf("  %-8s  %s: %s\n            %s (first in session %d, latest in session %d)\n", t.Finding.Severity, t.Finding.Code,
			visible(t.Finding.Title), transcript.Plural(t.Sessions, "session"), t.First, t.Latest.ID)
	}
	if r.Skipped > 0 {
		ew.Printf("\n%s of the log held no FTP command, reply or connection: not counted.\n", transcript.Plural(r.Skipped, "stretch"))
	}
	if r.Long > 0 {
		ew.Printf("\n%s longer than %d KiB cut there.\n", transcript.Plural(r.Long, "line"), foreign.MaxLine>>10)
	}
	shown := r.Shown(keep)
	if len(shown) > 0 && len(codes) > 0 {
		ew.Printf("\nThe latest session that shows each, whole:\n")
	} else if len(shown) > 0 {
		ew.Printf("\nThe latest session, whole:\n")
	}
	for _, s := range shown {
		ew.Printf("\n=== session %d (log line %d%s): %s\n\n", s.ID, s.Line, when(s.Started), s.Result.Verdict)
		if ew.Err == nil {
			ew.Err = one(w, s.Result)
		}
	}
	return ew.Err
}

// doc is the JSON document of a client log of several sessions.
type doc struct {
	Schema   string                 `json:"schema"`
	Format   string                 `json:"format"`
	Lines    int                    `json:"lines"`
	Sessions int                    `json:"sessions"`
	Skipped  int                    `json:"skipped,omitempty"`
	First    *time.Time             `json:"first,omitempty"`
	Last     *time.Time             `json:"last,omitempty"`
	Verdict  result.Verdict         `json:"verdict"`
	Verdicts map[result.Verdict]int `json:"verdicts"`
	Codes    []docCode              `json:"codes"`
	Shown    []docSession           `json:"shown_sessions"`
}

type docCode struct {
	Code     string          `json:"code"`
	Severity result.Severity `json:"severity"`
	Title    string          `json:"title"`
	Sessions int             `json:"sessions"`
	First    int             `json:"first_session"`
	Latest   int             `json:"latest_session"`
}

type docSession struct {
	ID     int            `json:"id"`
	Line   int            `json:"line"`
	Result *result.Result `json:"result"`
}

// WriteJSON writes the report as its JSON document (Schema): the counts,
// and the sessions WriteText prints whole, each a probe's result document.
func WriteJSON(w io.Writer, r *diagnose.ClientReport, keep int) error {
	d := doc{Schema: Schema, Format: r.Format, Lines: r.Lines, Sessions: r.Sessions, Skipped: r.Skipped,
		Verdict: r.Verdict(), Verdicts: r.Verdicts, Codes: []docCode{}, Shown: []docSession{}}
	if !r.First.IsZero() {
		d.First, d.Last = &r.First, &r.Last
	}
	for _, t := range r.SortedCodes() {
		d.Codes = append(d.Codes, docCode{Code: t.Finding.Code, Severity: t.Finding.Severity, Title: t.Finding.Title,
			Sessions: t.Sessions, First: t.First, Latest: t.Latest.ID})
	}
	for _, s := range r.Shown(keep) {
		d.Shown = append(d.Shown, docSession{ID: s.ID, Line: s.Line, Result: render.Redacted(s.Result)})
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func visible(s string) string { return transcript.Visible(s, false) }

func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ", " + transcript.LogStamp(t)
}
