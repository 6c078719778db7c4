package render

import (
	"fmt"
	"io"
	"mime"
	"net"
	"strconv"
	"strings"

	"ftpdiag/result"
)

// EmailWidth is the longest line of an e-mail body: under the 78 columns of
// RFC 5322's advice, with room for the "> " of a reply quoting it twice.
const EmailWidth = 72

// emailFoldIndent stands before the pieces of a folded transcript line,
// deeper than a note's "^" so a fold never reads as a new line.
const emailFoldIndent = "        "

// renderEmail writes a support message ready to send: a Subject header, a
// short body with the verdict and findings, the network details support
// always asks for, and the whole transcript, redacted.
func renderEmail(w io.Writer, res *result.Result, opt RenderOptions) error {
	var b strings.Builder
	b.WriteString(emailSubject(res) + "\n\n")
	emailIntro(&b, res)
	emailAttachment(&b, opt.HTMLFile)
	emailFindings(&b, res.Findings, res.Verdict)
	emailNetwork(&b, res)
	emailTranscript(&b, res)
	_, err := io.WriteString(w, b.String())
	return err
}

// emailSubject names the server and the main problem, folded as RFC 5322
// allows, and MIME-encoded when it holds anything but ASCII.
func emailSubject(res *result.Result) string {
	server := res.Target.Host
	if server != "" {
		server = net.JoinHostPort(server, strconv.Itoa(res.Target.Port))
	} else {
		server = res.Target.URL
	}
	s := fmt.Sprintf("FTP check of %s: %s", server, res.Verdict)
	if f, ok := worstFinding(res.Findings); ok && res.Verdict != result.VerdictOK {
		s = fmt.Sprintf("FTP problem with %s: %s", server, f.Title)
		if n := len(res.Findings) - 1; n > 0 {
			s += fmt.Sprintf(" (and %d more)", n)
		}
	}
	s = mime.QEncoding.Encode("utf-8", s)
	return strings.Join(wrapWords(s, 78, "Subject: ", " "), "\n")
}

// worstFinding is the first finding of the highest severity: the one a
// subject line names.
func worstFinding(fs []result.Finding) (result.Finding, bool) {
	rank := map[result.Severity]int{result.Info: 1, result.Warning: 2, result.Critical: 3}
	best := -1
	for i, f := range fs {
		if best < 0 || rank[f.Severity] > rank[fs[best].Severity] {
			best = i
		}
	}
	if best < 0 {
		return result.Finding{}, false
	}
	return fs[best], true
}

func emailIntro(b *strings.Builder, res *result.Result) {
	para := func(s string) {
		writeLines(b, wrapWords(s, EmailWidth, "", ""))
		b.WriteString("\n")
	}
	b.WriteString("Hello,\n\n")
	para(fmt.Sprintf("%s %s checked the FTP server %s. Its verdict: %s: %s.",
		res.Tool.Name, res.Tool.Version, res.Target.URL, strings.ToUpper(string(res.Verdict)), resultMeaning(res)))
	works, fails, skipped := checkGroups(res.Checks)
	if len(works) > 0 {
		writeLines(b, wrapWords(checkNames(works)+".", EmailWidth, "What works: ", "  "))
		b.WriteString("\n")
	}
	emailChecks(b, "What does not work:", fails)
	emailChecks(b, "Not checked:", skipped)
}

func emailChecks(b *strings.Builder, heading string, cs []result.Check) {
	if len(cs) == 0 {
		return
	}
	b.WriteString(heading + "\n")
	for _, c := range cs {
		writeLines(b, wrapWords(checkLine(c), EmailWidth, "- ", "  "))
	}
	b.WriteString("\n")
}

func emailFindings(b *strings.Builder, fs []result.Finding, v result.Verdict) {
	if len(fs) == 0 {
		writeLines(b, wrapWords("Findings: "+noFindings(v)+".", EmailWidth, "", ""))
		b.WriteString("\n")
		return
	}
	b.WriteString("Findings\n\n")
	for k, f := range fs {
		head := fmt.Sprintf("%d. %s (%s, %s)", k+1, f.Title, f.Severity, f.Code)
		writeLines(b, wrapWords(head, EmailWidth, "", "   "))
		writeLines(b, wrapWords(f.Detail, EmailWidth, "   ", "   "))
		if len(f.Ports) > 0 {
			writeLines(b, wrapWords("Ports: "+joinPorts(f.Ports), EmailWidth, "   ", "   "))
		}
		for _, a := range audiences(f) {
			writeHints(b, a, EmailWidth, emailVerbatim)
		}
		b.WriteString("\n")
	}
}

// emailVerbatim folds a hint's command or rule at EmailWidth: mail
// programs break long lines themselves, and less predictably.
func emailVerbatim(line string) []string {
	return foldLine("       "+strings.TrimLeft(line, " \t"), EmailWidth, "         ")
}

// emailNetwork lists the details support asks for before anything else.
func emailNetwork(b *strings.Builder, res *result.Result) {
	known := func(s string) string {
		if s == "" {
			return "not known"
		}
		return s
	}
	n := result.Network{}
	if res.Network != nil {
		n = *res.Network
	}
	modes := strings.Join(n.Modes, ", ")
	if modes == "" {
		modes = modesSeen(res.Transcript)
	}
	rows := [][2]string{
		{"Tool", res.Tool.Name + " " + res.Tool.Version},
		{"Time", startedLine(res)},
		{"Target", targetLine(res.Target)},
		{"Client address", known(n.LocalAddr)},
		{"Seen by server", known(n.SeenAddr)},
		{"Modes tried", known(modes)},
	}
	b.WriteString("Network details\n\n")
	for _, r := range rows {
		writeLines(b, wrapWords(r[1], EmailWidth, fmt.Sprintf("  %-15s ", r[0]+":"), strings.Repeat(" ", 18)))
	}
	b.WriteString("\n")
}

func emailTranscript(b *strings.Builder, res *result.Result) {
	lines := annotatedTranscript(res)
	if len(lines) == 0 {
		return
	}
	b.WriteString("Transcript (passwords removed)\n\n")
	for _, l := range lines {
		for _, piece := range wrapNote(l, EmailWidth) {
			writeLines(b, foldLine(piece, EmailWidth, emailFoldIndent))
		}
	}
}

// modesSeen reads the data-connection modes from the commands sent, for
// results that do not list them (a client's log read by explain).
func modesSeen(entries []result.Entry) string {
	var passive, active bool
	for _, e := range entries {
		if e.Kind != result.Command {
			continue
		}
		verb, _, _ := strings.Cut(strings.ToUpper(e.Text), " ")
		passive = passive || verb == "PASV" || verb == "EPSV"
		active = active || verb == "PORT" || verb == "EPRT"
	}
	switch {
	case passive && active:
		return "passive, active (from the commands sent)"
	case passive:
		return "passive (from the commands sent)"
	case active:
		return "active (from the commands sent)"
	}
	return ""
}
