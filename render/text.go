package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"ftpdiag/ftp"

	"github.com/fatih/color"

	"ftpdiag/result"
)

// textWidth is where the text format wraps prose: a terminal's usual 80
// columns, less a margin so a wrapped line never touches the edge.
const textWidth = 78

// textStyle colours the text format. Every printer is switched off when the
// caller decided against colour, so the same code writes both forms.
type textStyle struct {
	bold, faint, good, warn, bad, unknown, cmd *color.Color
}

func newTextStyle(on bool) textStyle {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return textStyle{
		bold: mk(color.Bold), faint: mk(color.Faint), good: mk(color.FgGreen),
		warn: mk(color.FgYellow), bad: mk(color.FgRed), unknown: mk(color.FgMagenta),
		cmd: mk(color.FgCyan),
	}
}

// renderText writes the verdict first (a summary block), then the findings
// with their hints, then the annotated transcript.
func renderText(w io.Writer, res *result.Result, opt RenderOptions) error {
	st := newTextStyle(opt.Color)
	var b strings.Builder
	textSummary(&b, res, st)
	textFindings(&b, res, st)
	b.WriteString(opt.BeforeTranscript)
	// The transcript goes out as it is laid out, through a buffer: a big
	// one (issue 16) need not be held whole a second time as text.
	bw := bufio.NewWriter(w)
	bw.WriteString(b.String())
	if len(res.Transcript) > 0 {
		bw.WriteString("\n" + st.bold.Sprint("Transcript") + "\n\n")
		for _, l := range annotatedTranscript(res) {
			for _, piece := range wrapNote(l, textWidth) {
				l.text = piece
				bw.WriteString(st.line(l))
				bw.WriteByte('\n')
			}
		}
	}
	return bw.Flush()
}

func (st textStyle) verdict(v result.Verdict) *color.Color {
	switch v {
	case result.VerdictOK:
		return st.good
	case result.VerdictWarning:
		return st.warn
	case result.VerdictCritical:
		return st.bad
	}
	return st.unknown
}

func (st textStyle) severity(s result.Severity) *color.Color {
	switch s {
	case result.Critical:
		return st.bad
	case result.Warning:
		return st.warn
	}
	return st.faint
}

func textSummary(b *strings.Builder, res *result.Result, st textStyle) {
	fmt.Fprintf(b, "%s %s\n", st.bold.Sprint("Target: "), targetLine(res.Target))
	if cl := clientLine(res.Network); cl != "" {
		fmt.Fprintf(b, "%s %s\n", st.bold.Sprint("Client: "), cl)
	}
	fmt.Fprintf(b, "%s %s\n", st.bold.Sprint("Checked:"), startedLine(res))
	word := strings.ToUpper(string(res.Verdict))
	plain := "Verdict: " + word + ": "
	styled := st.bold.Sprint("Verdict:") + " " + st.verdict(res.Verdict).Sprint(word) + ": "
	writeLines(b, wrapStyled(resultMeaning(res), plain, styled, "         "))
	works, fails, skipped := checkGroups(res.Checks)
	if len(works) > 0 {
		b.WriteString("\n")
		writeLines(b, wrapStyled(checkNames(works)+".", "What works: ", st.good.Sprint("What works:")+" ", "  "))
	}
	textChecks(b, "What does not work", "x", fails, st.bad)
	textChecks(b, "Not checked", "-", skipped, st.faint)
}

func textChecks(b *strings.Builder, heading, sign string, cs []result.Check, c *color.Color) {
	if len(cs) == 0 {
		return
	}
	b.WriteString("\n" + heading + ":\n")
	for _, ch := range cs {
		writeLines(b, wrapStyled(checkLine(ch), "  "+sign+" ", "  "+c.Sprint(sign)+" ", "    "))
	}
}

func textFindings(b *strings.Builder, res *result.Result, st textStyle) {
	if len(res.Findings) == 0 {
		b.WriteString("\nFindings: " + noFindings(res.Verdict) + ".\n")
		return
	}
	b.WriteString("\n" + st.bold.Sprint("Findings") + "\n")
	for k, f := range res.Findings {
		sev := st.severity(f.Severity).Sprint(strings.ToUpper(string(f.Severity)))
		fmt.Fprintf(b, "\n%d. %s  %s (%s)\n", k+1, st.bold.Sprint(f.Title), sev, f.Code)
		for _, l := range wrapWords(f.Detail, textWidth, "   ", "   ") {
			b.WriteString(l + "\n")
		}
		if len(f.Ports) > 0 {
			writeLines(b, wrapWords("Ports: "+joinPorts(f.Ports), textWidth, "   ", "   "))
		}
		for _, a := range audiences(f) {
			writeHints(b, a, textWidth, textVerbatim)
		}
	}
}

// textVerbatim keeps a hint's command or rule on one line, whatever its
// length, so it can be pasted from a terminal as it is.
func textVerbatim(line string) []string { return []string{"       " + line} }

// wrapStyled wraps text behind a prefix that is coloured: the wrapping
// counts the plain prefix, so colour never moves a line break.
func wrapStyled(text, plain, styled, rest string) []string {
	lines := wrapWords(text, textWidth, plain, rest)
	lines[0] = styled + strings.TrimPrefix(lines[0], plain)
	return lines
}

func writeLines(b *strings.Builder, lines []string) {
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
}

// joinPorts shows a finding's ports as runs ("3013-3024, 3030"): a
// blocked range is a few runs however many ports it holds. The JSON
// document keeps every port.
func joinPorts(ports []int) string { return ftp.JoinRuns(ftp.Runs(ports)) }

// line colours one transcript line by what it shows; the text is unchanged.
func (st textStyle) line(l tline) string {
	switch {
	case l.entry == nil:
		return l.text
	case l.heading:
		return st.bold.Sprint(l.text)
	case l.pointer:
		return st.bad.Sprint(l.text)
	case l.entry.Kind == result.Note || l.added:
		return st.faint.Sprint(l.text)
	case l.marked:
		return st.bold.Sprint(l.text)
	case l.entry.Kind == result.Command:
		return st.cmd.Sprint(l.text)
	case l.entry.Kind == result.Reply && l.entry.Code >= 400:
		return st.warn.Sprint(l.text)
	case l.entry.Kind == result.Event && eventFailed(l.entry.Event):
		return st.bad.Sprint(l.text)
	}
	return l.text
}

func eventFailed(ev *result.EventInfo) bool {
	if ev == nil {
		return false
	}
	switch ev.Outcome {
	case "", result.Connected, result.Resolved, result.Complete, result.Closed:
		return false
	}
	return true
}
