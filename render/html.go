package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// The HTML format: one self-contained page (inline CSS and SVG, no script,
// nothing fetched) with the verdict and findings first, a timeline of the
// connections, a table that says the same in words, and the annotated
// transcript, every finding linked to its lines and back. html/template
// escapes everything a server or a log wrote; printable has already spelled
// out control characters, as for the other formats.

// htmlPage is what the template reads.
type htmlPage struct {
	Title       string
	Target      string
	Client      string
	Checked     string
	Tool        string
	Verdict     string // the word, upper case
	VerdictKey  string // the CSS class suffix
	Meaning     string
	NoFindings  string
	Works       string
	Fails       []string
	Skipped     []string
	Findings    []htmlFinding
	Timeline    *svgTimeline
	Legend      []outcomeClass
	Connections []htmlConn
	Sessions    []htmlSession
}

type htmlFinding struct {
	N         int
	Severity  string
	Code      string
	Title     string
	Detail    string
	Ports     string
	Audiences []htmlAudience
	Lines     []htmlLineRef
}

type htmlAudience struct {
	Who   string
	Hints [][]htmlHintPart
}

// htmlHintPart is a paragraph of a hint, or its lines to paste.
type htmlHintPart struct {
	Text     string
	Verbatim bool
}

// htmlLineRef is a link from a finding to a transcript line.
type htmlLineRef struct {
	Entry int
	Label string // what the line says, shortened
}

type htmlConn struct {
	Session int
	Start   string
	Dur     string
	Addr    string
	Mode    string
	Outcome string
	Key     string
	Entry   int
}

type htmlSession struct {
	ID      int
	Heading string
	Lines   []htmlLine
}

// htmlLine is one line of the annotated transcript.
type htmlLine struct {
	ID      string // "l-12" on the first line of transcript entry 12
	Class   string
	Text    string
	Finding int    // a pointer note: the finding it names
	Lead    string // a pointer note's indent, kept out of its link
}

// renderHTML writes res as one HTML page; res is redacted and printable.
func renderHTML(w io.Writer, res *result.Result) error {
	if err := htmlTemplate.Execute(w, newHTMLPage(res)); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

func newHTMLPage(res *result.Result) *htmlPage {
	p := &htmlPage{
		Target: targetLine(res.Target), Client: clientLine(res.Network), Checked: startedLine(res),
		Tool:    strings.TrimSpace(res.Tool.Name + " " + res.Tool.Version),
		Verdict: strings.ToUpper(string(res.Verdict)), VerdictKey: string(res.Verdict),
		Meaning: resultMeaning(res), NoFindings: noFindings(res.Verdict),
	}
	p.Title = fmt.Sprintf("FTP check of %s: %s", orDash(res.Target.URL), res.Verdict)
	works, fails, skipped := checkGroups(res.Checks)
	if len(works) > 0 {
		p.Works = checkNames(works) + "."
	}
	for _, c := range fails {
		p.Fails = append(p.Fails, checkLine(c))
	}
	for _, c := range skipped {
		p.Skipped = append(p.Skipped, checkLine(c))
	}
	for k, f := range res.Findings {
		p.Findings = append(p.Findings, htmlFindingOf(res, k, f))
	}
	attempts := dataAttempts(res.Transcript)
	p.Timeline = buildTimeline(res, attempts)
	if p.Timeline != nil {
		p.Legend = outcomeClasses
	}
	p.Connections = htmlConns(res.Transcript, attempts)
	p.Sessions = htmlSessions(res)
	return p
}

func htmlFindingOf(res *result.Result, k int, f result.Finding) htmlFinding {
	hf := htmlFinding{N: k + 1, Severity: string(f.Severity), Code: f.Code, Title: f.Title, Detail: f.Detail}
	if len(f.Ports) > 0 {
		hf.Ports = joinPorts(f.Ports)
	}
	for _, a := range audiences(f) {
		if len(a.hints) == 0 {
			continue
		}
		ha := htmlAudience{Who: a.who}
		for _, h := range a.hints {
			ha.Hints = append(ha.Hints, hintParts(h))
		}
		hf.Audiences = append(hf.Audiences, ha)
	}
	marks := findingMarks([]result.Finding{f}, len(res.Transcript))
	for _, i := range f.Lines {
		if len(marks[i]) == 0 {
			continue
		}
		delete(marks, i) // a line named twice is linked once
		label := transcript.RenderEntry(res.Transcript[i])[0]
		hf.Lines = append(hf.Lines, htmlLineRef{Entry: i, Label: shorten(label, 80)})
	}
	return hf
}

// hintParts splits a hint into prose paragraphs and runs of lines to paste.
func hintParts(h string) []htmlHintPart {
	var out []htmlHintPart
	for _, line := range hintLines(h) {
		v := isVerbatim(line)
		if v {
			line = strings.TrimLeft(line, " \t")
		}
		if n := len(out); n > 0 && out[n-1].Verbatim == v {
			sep := " "
			if v {
				sep = "\n"
			}
			out[n-1].Text += sep + line
			continue
		}
		out = append(out, htmlHintPart{Text: line, Verbatim: v})
	}
	return out
}

// htmlConns is the timeline's text equivalent: every data connection, and a
// sweep as its runs of ports.
func htmlConns(entries []result.Entry, attempts []dataAttempt) []htmlConn {
	var out []htmlConn
	for _, id := range transcript.SessionOrder(entries) {
		as := attemptsOf(attempts, id)
		if len(as) > sweepThreshold {
			for _, r := range portRuns(as) {
				out = append(out, htmlConn{Session: id, Start: humanDur(r.start), Dur: humanDur(r.end - r.start),
					Addr: "ports " + r.String() + " (" + strconv.Itoa(r.hi-r.lo+1) + ")", Mode: "sweep",
					Outcome: r.outcome.Word, Key: r.outcome.Key, Entry: r.entry})
			}
			continue
		}
		for _, a := range as {
			c := htmlConn{Session: id, Start: humanDur(a.start), Dur: humanDur(a.end - a.start), Addr: orDash(a.addr),
				Mode: "passive", Outcome: a.word, Key: a.outcome.Key, Entry: a.entry}
			if a.active {
				c.Mode = "active"
				if a.port != 0 {
					c.Mode += ", to port " + strconv.Itoa(a.port)
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// htmlSessions lays the annotated transcript out as the text format does,
// a section per session, each line styled by what it shows.
func htmlSessions(res *result.Result) []htmlSession {
	index := make(map[*result.Entry]int, len(res.Transcript))
	for i := range res.Transcript {
		index[&res.Transcript[i]] = i
	}
	var out []htmlSession
	var prev *result.Entry
	for _, l := range annotatedTranscript(res) {
		if l.entry == nil {
			continue
		}
		if l.heading || len(out) == 0 || out[len(out)-1].ID != l.entry.Session {
			out = append(out, htmlSession{ID: l.entry.Session, Heading: fmt.Sprintf("session %d", l.entry.Session)})
		}
		s := &out[len(out)-1]
		if l.heading {
			s.Heading = strings.TrimPrefix(l.text, "=== ")
			prev = l.entry
			continue
		}
		hl := htmlLine{Text: l.text, Class: htmlLineClass(l)}
		if l.entry != prev {
			hl.ID = "l-" + strconv.Itoa(index[l.entry])
			prev = l.entry
		}
		if l.pointer {
			hl.Finding = pointerFinding(l.text)
			hl.Lead, hl.Text = transcript.Indent, strings.TrimPrefix(l.text, transcript.Indent)
		}
		s.Lines = append(s.Lines, hl)
	}
	return out
}

// pointerFinding reads the number back from "^ finding 2 (critical): ...".
func pointerFinding(text string) int {
	var n int
	fmt.Sscanf(strings.TrimPrefix(text, notePrefix), "finding %d", &n)
	return n
}

func htmlLineClass(l tline) string {
	e := l.entry
	switch {
	case l.pointer:
		return "pointer"
	case e.Kind == result.Note || l.added:
		return "note"
	case l.marked:
		return "marked"
	case e.Kind == result.Command:
		return "cmd"
	case e.Kind == result.Reply && e.Code >= 400:
		return "warn"
	case e.Kind == result.Event && eventFailed(e.Event):
		return "bad"
	}
	return ""
}
