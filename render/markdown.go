package render

import (
	"fmt"
	"ftpdiag/result"
	"io"
	"strings"
)

// renderMarkdown writes the text format's content for a ticket or a wiki:
// the verdict first, a table of the checks, findings with their hints, and
// the annotated transcript in fenced blocks, one per session.
func renderMarkdown(w io.Writer, res *result.Result, beforeTranscript string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# FTP check of %s: %s\n\n", mdInline(res.Target.URL), res.Verdict)
	fmt.Fprintf(&b, "**Verdict: %s**: %s.\n\n", res.Verdict, resultMeaning(res))
	fmt.Fprintf(&b, "- Target: %s\n", mdInline(targetLine(res.Target)))
	if cl := clientLine(res.Network); cl != "" {
		fmt.Fprintf(&b, "- Client: %s\n", mdInline(cl))
	}
	fmt.Fprintf(&b, "- Checked: %s, by %s %s\n", startedLine(res), res.Tool.Name, res.Tool.Version)
	mdChecks(&b, res.Checks)
	mdFindings(&b, res.Findings, res.Verdict)
	b.WriteString(beforeTranscript)
	mdTranscript(&b, res)
	_, err := io.WriteString(w, b.String())
	return err
}

func mdChecks(b *strings.Builder, checks []result.Check) {
	if len(checks) == 0 {
		return
	}
	b.WriteString("\n## Checks\n\n| check | result | time | detail |\n|---|---|---:|---|\n")
	for _, c := range checks {
		t := ""
		if c.DurationMs > 0 {
			t = humanMs(c.DurationMs)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdInline(c.Name), mdStatus(c.Status), t, mdInline(c.Detail))
	}
}

// mdStatus spells a check's status so it reads in a table without colour.
func mdStatus(s result.Status) string {
	switch s {
	case result.Pass:
		return "works"
	case result.Fail:
		return "**fails**"
	case result.Warn:
		return "**warning**"
	}
	return mdInline(string(s))
}

func mdFindings(b *strings.Builder, fs []result.Finding, v result.Verdict) {
	b.WriteString("\n## Findings\n")
	if len(fs) == 0 {
		b.WriteString("\nNone" + strings.TrimPrefix(noFindings(v), "none") + ".\n")
	}
	for k, f := range fs {
		fmt.Fprintf(b, "\n### %d. %s\n\n", k+1, mdInline(f.Title))
		fmt.Fprintf(b, "`%s`, %s\n\n%s\n", f.Code, f.Severity, mdInline(f.Detail))
		if len(f.Ports) > 0 {
			fmt.Fprintf(b, "\nPorts: %s\n", joinPorts(f.Ports))
		}
		for _, a := range audiences(f) {
			mdHints(b, a)
		}
	}
}

func mdHints(b *strings.Builder, a audience) {
	if len(a.hints) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**%s:**\n\n", a.who)
	for _, h := range a.hints {
		var prose, code []string
		for _, l := range hintLines(h) {
			if isVerbatim(l) {
				code = append(code, strings.TrimLeft(l, " \t"))
			} else {
				prose = append(prose, l)
			}
		}
		fmt.Fprintf(b, "- %s\n", mdInline(strings.Join(prose, " ")))
		if len(code) > 0 {
			body := strings.Join(code, "\n")
			f := fence(body)
			fmt.Fprintf(b, "\n  %s\n  %s\n  %s\n", f, strings.ReplaceAll(body, "\n", "\n  "), f)
		}
	}
}

// mdTranscript puts each session in its own fenced block under a heading
// saying what it tested, so a wiki shows them one after another.
func mdTranscript(b *strings.Builder, res *result.Result) {
	lines := annotatedTranscript(res)
	if len(lines) == 0 {
		return
	}
	b.WriteString("\n## Transcript\n")
	var block []string
	flush := func() {
		if len(block) == 0 {
			return
		}
		body := strings.Join(block, "\n")
		f := fence(body)
		fmt.Fprintf(b, "\n%stext\n%s\n%s\n", f, body, f)
		block = nil
	}
	for _, l := range lines {
		switch {
		case l.heading:
			flush()
			fmt.Fprintf(b, "\n### Session %d: %s\n", l.entry.Session, mdInline(l.entry.Text))
		case l.entry == nil:
			flush()
		default:
			block = append(block, wrapNote(l, textWidth)...)
		}
	}
	flush()
}

// fence is a code fence longer than any run of backticks in body, so a
// server's reply cannot close the block early.
func fence(body string) string {
	longest, run := 0, 0
	for _, r := range body {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// mdEscaper escapes what a server or a user controls (reply texts, file
// names) so that it cannot turn into markup, links or HTML.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "#", `\#`, "|", `\|`,
)

// mdInline escapes s and keeps it on one line (a table cell, a list item).
func mdInline(s string) string {
	return mdEscaper.Replace(strings.ReplaceAll(s, "\n", " "))
}
