package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// nagiosStatus is the monitoring-plugin status word of each verdict.
var nagiosStatus = map[result.Verdict]string{result.VerdictOK: "OK", result.VerdictWarning: "WARNING", result.VerdictCritical: "CRITICAL", result.VerdictUnknown: "UNKNOWN"}

// nagiosPerf names the perfdata of the status line and the transcript
// phases each sums, in the contract's order; "time" is the whole probe.
var nagiosPerf = []struct {
	label  string
	phases []string
}{
	{"control", []string{transcript.PhaseConnect, transcript.PhaseGreeting}},
	{"login", []string{transcript.PhaseLogin}},
	{"data", []string{transcript.PhaseData}},
}

// renderNagios writes the monitoring-plugin output of ../shared/DIAGNOSES.md:
// "FTPDIAG STATUS - <worst finding's title> | perfdata", then every other
// finding on a line of its own. Nagios and Icinga read the first line as
// the service's state and the text after "|" as performance data, so no
// text of ours may hold a "|" or a line break there.
func renderNagios(w io.Writer, res *result.Result, opt RenderOptions) error {
	status, ok := nagiosStatus[res.Verdict]
	if !ok {
		status = "UNKNOWN"
	}
	worst := nagiosWorst(res.Findings)
	summary := nagiosSummary(res)
	if worst >= 0 {
		summary = res.Findings[worst].Title
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FTPDIAG %s - %s", status, nagiosText(summary))
	if perf := nagiosPerfdata(res, opt); perf != "" {
		b.WriteString(" | " + perf)
	}
	b.WriteString("\n")
	for i, f := range res.Findings {
		if i != worst {
			fmt.Fprintf(&b, "%s %s: %s\n", strings.ToUpper(string(f.Severity)), f.Code, nagiosText(f.Title))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// nagiosWorst is the index of the first finding of the highest severity
// above info, -1 when none is: an info finding never heads an OK line.
func nagiosWorst(fs []result.Finding) int {
	rank := map[result.Severity]int{result.Warning: 1, result.Critical: 2}
	best := -1
	for i, f := range fs {
		if rank[f.Severity] > 0 && (best < 0 || rank[f.Severity] > rank[fs[best].Severity]) {
			best = i
		}
	}
	return best
}

// nagiosSummary heads a line without a finding to name: the verdict, and
// where the transcript shows too little, what it ends before.
func nagiosSummary(res *result.Result) string {
	switch {
	case res.Evidence != "":
		return resultMeaning(res)
	case res.Verdict == result.VerdictOK:
		return "login, listing and download work"
	case res.Verdict == result.VerdictUnknown:
		return "the probe stopped before it could judge"
	}
	return verdictMeaning(res.Verdict)
}

// nagiosPerfdata is "time=0.013s control=0.003s login=0.001s data=0.002s";
// a phase the transcript does not show is left out rather than faked as 0.
func nagiosPerfdata(res *result.Result, opt RenderOptions) string {
	var parts []string
	if res.DurationMs > 0 || !res.Started.IsZero() { // a probe refused at once took 0 ms
		took := perfSeconds("time", time.Duration(res.DurationMs)*time.Millisecond)
		if opt.Warning > 0 || opt.Critical > 0 {
			took += ";" + perfLimit(opt.Warning) + ";" + perfLimit(opt.Critical)
		}
		parts = append(parts, took)
	}
	seen := map[string]time.Duration{}
	for _, p := range transcript.Phases(res.Transcript) {
		seen[p.Name] = p.Dur
	}
	for _, pd := range nagiosPerf {
		var sum time.Duration
		found := false
		for _, name := range pd.phases {
			if d, ok := seen[name]; ok {
				sum, found = sum+d, true
			}
		}
		if found {
			parts = append(parts, perfSeconds(pd.label, sum))
		}
	}
	return strings.Join(parts, " ")
}

func perfSeconds(label string, d time.Duration) string {
	// Microseconds, as the transcript records, without trailing zeros.
	return label + "=" + strconv.FormatFloat(d.Truncate(time.Microsecond).Seconds(), 'f', -1, 64) + "s"
}

// perfLimit is a threshold in the perfdata's unit, seconds; "" for none.
func perfLimit(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// nagiosText keeps a title on one line and out of the perfdata: "|" would
// start it, so it becomes "/".
func nagiosText(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	return strings.Join(strings.Fields(s), " ")
}
