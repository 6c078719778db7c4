package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// Formats a result can be rendered in, in the order the CLI lists them.
var Formats = []string{"text", "markdown", "json", "email", "html", "nagios"}

// ErrUnknownFormat is wrapped by Render when asked for a format not in Formats.
var ErrUnknownFormat = errors.New("unknown format")

// RenderOptions carry what the caller decided about the output.
type RenderOptions struct {
	// Color switches on ANSI colour in the text format. The CLI decides it
	// once (TTY, NO_COLOR, --no-color); the other formats never colour.
	Color bool
	// HTMLFile, when set, names the HTML report written beside this one
	// (the CLI's --html FILE): the e-mail format then says to attach it.
	HTMLFile string
	// Warning and Critical are the probe's thresholds on the time to the
	// verdict (-w, -c), written beside the time in the nagios perfdata as
	// the monitoring plugins do (time=0.042s;5;10); zero is none.
	Warning, Critical time.Duration
	// BeforeTranscript is text the text and markdown formats put after the
	// findings and before the transcript (the self-test's "This machine"
	// and "Next"), so what a person acts on comes before the long part.
	BeforeTranscript string
}

// Render writes res in format. Whatever res holds, the output is redacted
// again first, so no format can leak a password a hand-edited result carries,
// and what a server sent is shown, never obeyed, by a terminal (printable).
func Render(w io.Writer, res *result.Result, format string, opt RenderOptions) error {
	res = Redacted(res)
	switch format {
	case "text":
		return renderText(w, printable(res), opt)
	case "markdown":
		return renderMarkdown(w, printable(res), opt.BeforeTranscript)
	case "json":
		return renderJSON(w, res)
	case "email":
		return renderEmail(w, printable(res), opt)
	case "html":
		return renderHTML(w, printable(res))
	case "nagios":
		return renderNagios(w, printable(res), opt)
	}
	return fmt.Errorf("%w %q (use one of %s)", ErrUnknownFormat, format, strings.Join(Formats, ", "))
}

// renderJSON writes the contract's document, indented as the CLI always has.
func renderJSON(w io.Writer, res *result.Result) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the result: %w", err)
	}
	_, err = w.Write(append(jsonVisible(b), '\n'))
	return err
}

// verdictMeaning says in words what a verdict means for the person reading,
// in the words of the contract's exit status table.
func verdictMeaning(v result.Verdict) string {
	switch v {
	case result.VerdictOK:
		return "login, listing and download work in the default (passive) mode; nothing to fix"
	case result.VerdictWarning:
		return "transfers work, but something is wrong or fragile"
	case result.VerdictCritical:
		return "a client with default settings cannot log in, list or download"
	}
	return "the probe itself could not run to the end"
}

// resultMeaning is the verdict's meaning as a report prints it: where the
// transcript does not show what an ok verdict needs (res.Evidence, set by
// diagnose.NewResult), it says what was not seen instead of claiming it.
func resultMeaning(res *result.Result) string {
	switch {
	case res.Evidence == "":
		return verdictMeaning(res.Verdict)
	case res.Verdict == result.VerdictUnknown:
		return "not enough to judge: " + res.Evidence
	case res.Verdict == result.VerdictWarning:
		return "something is wrong or fragile, and " + res.Evidence
	}
	// An ok verdict with a note is qualified up front: the self-test's
	// "on this machine (through loopback); not checked from outside".
	return res.Evidence + ": " + verdictMeaning(res.Verdict)
}

// noFindings is what a report says where the findings would be: nothing to
// fix, unless the verdict is unknown (the probe stopped, or the transcript
// shows too little).
func noFindings(v result.Verdict) string {
	if v == result.VerdictUnknown {
		return "none: the probe stopped, or the transcript ends, before anything could be found"
	}
	return "none, nothing to fix"
}

// checkGroups sorts the checks into what works, what does not and what was
// not checked, the three lists of the summary block. Warnings count as not
// working: they are why the verdict is not ok.
func checkGroups(checks []result.Check) (works, fails, skipped []result.Check) {
	for _, c := range checks {
		switch c.Status {
		case result.Pass:
			works = append(works, c)
		case result.Fail, result.Warn:
			fails = append(fails, c)
		default:
			skipped = append(skipped, c)
		}
	}
	return works, fails, skipped
}

// checkNames lists the checks that work by name only: their details (the
// greeting's text, bytes listed) matter less than what fails, and a summary
// that a person reads first must stay short.
func checkNames(cs []result.Check) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// checkLine is one check as the summary lists it: name, time, detail.
func checkLine(c result.Check) string {
	s := c.Name
	if c.Status == result.Warn {
		s += " (warning)"
	}
	if c.DurationMs > 0 {
		s += ", " + humanMs(c.DurationMs)
	}
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

// targetLine names the target the way support reads it: URL (never with a
// password), then host, port and user spelled out.
func targetLine(t result.Target) string {
	s := t.URL
	if t.Host != "" {
		s += fmt.Sprintf(" (host %s, port %d", t.Host, t.Port)
		if t.User != "" {
			s += ", user " + t.User
		}
		s += ")"
	}
	return s
}

// clientLine is the client's address and the one the server saw, where
// known: the first thing to compare when NAT is suspected. "" if unknown.
func clientLine(n *result.Network) string {
	if n == nil || n.LocalAddr == "" {
		return ""
	}
	s := n.LocalAddr
	switch {
	case n.SeenAddr == "":
	case hostOf(n.SeenAddr) == hostOf(n.LocalAddr):
		// Ports may differ between sessions; the address is what tells NAT.
		s += " (the server sees the same address)"
	default:
		s += " (the server sees " + n.SeenAddr + ")"
	}
	return s
}

func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// startedLine is when the probe ran and how long it took, in UTC so that a
// reader in another time zone sees the same time as the server's logs.
func startedLine(res *result.Result) string {
	if res.Started.IsZero() {
		return "not recorded"
	}
	s := res.Started.UTC().Format("2006-01-02 15:04:05 UTC")
	if res.DurationMs > 0 {
		s += ", took " + humanMs(res.DurationMs)
	}
	return s
}

// hintLines splits a hint into its lines. A line that starts with white
// space is a command or rule to paste and is kept as it is; the rest is prose.
func hintLines(h string) []string {
	return strings.Split(strings.TrimRight(h, "\n"), "\n")
}

func isVerbatim(line string) bool {
	return strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
}

// audience is one group of a finding's hints and who can act on them: the
// server's admin and the client's user are often different people.
type audience struct {
	who   string
	hints []string
}

func audiences(f result.Finding) []audience {
	return []audience{{"For the server's administrator", f.Hints}, {"For the client's user", f.ClientHints}}
}

// writeHints lays out one audience's hints as the plain-text formats show
// them: a dash before each hint, its prose wrapped to width under it, and its
// verbatim lines as verbatim returns them (each format keeps them whole in
// its own way).
func writeHints(b *strings.Builder, a audience, width int, verbatim func(line string) []string) {
	if len(a.hints) == 0 {
		return
	}
	b.WriteString("   " + a.who + ":\n")
	for _, h := range a.hints {
		for i, line := range hintLines(h) {
			switch {
			case isVerbatim(line):
				writeLines(b, verbatim(line))
			case i == 0:
				writeLines(b, wrapWords(line, width, "   - ", "     "))
			default:
				writeLines(b, wrapWords(line, width, "     ", "     "))
			}
		}
	}
}

func humanMs(ms int64) string { return transcript.Human(time.Duration(ms) * time.Millisecond) }
