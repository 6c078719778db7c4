package render

import (
	"ftpdiag/result"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nagiosLine is the first line of a plugin's output as Nagios and Icinga
// read it (the monitoring-plugins development guidelines): the status text,
// and after the first "|" the performance data.
type nagiosLine struct {
	status, text string
	perf         map[string]perfValue
}

type perfValue struct {
	value float64
	uom   string
}

// The guidelines' perfdata grammar: 'label'=value[UOM];[warn];[crit];[min];[max],
// items separated by spaces; a label is quoted where it holds spaces and
// never holds "=" or a single quote; UOM is one of the units listed there.
var (
	perfItem   = regexp.MustCompile(`^('[^'=]+'|[^'= ]+)=([-0-9.]+|U)(s|ms|us|%|B|KB|MB|TB|c)?(;[-0-9.:~@]*){0,4}$`)
	statusHead = regexp.MustCompile(`^FTPDIAG (OK|WARNING|CRITICAL|UNKNOWN) - (.+)$`)
)

// parseNagios reads out as a monitoring system does; any departure from the
// grammar is an error the test reports.
func parseNagios(t *testing.T, out string) nagiosLine {
	t.Helper()
	first, rest, _ := strings.Cut(out, "\n")
	if strings.Contains(rest, "|") {
		t.Errorf("a '|' after the first line starts long-text perfdata by mistake: %q", rest)
	}
	text, perf, hasPerf := strings.Cut(first, "|")
	m := statusHead.FindStringSubmatch(strings.TrimSuffix(text, " "))
	if m == nil {
		t.Fatalf("status line %q is not 'FTPDIAG STATUS - text'", first)
	}
	nl := nagiosLine{status: m[1], text: m[2], perf: map[string]perfValue{}}
	if !hasPerf {
		return nl
	}
	if !strings.HasPrefix(perf, " ") {
		t.Errorf("no space after '|' in %q", first)
	}
	for _, item := range strings.Fields(perf) {
		pm := perfItem.FindStringSubmatch(item)
		if pm == nil {
			t.Errorf("perfdata item %q breaks the label=value[UOM] grammar", item)
			continue
		}
		v, err := strconv.ParseFloat(pm[2], 64)
		if err != nil || v < 0 {
			t.Errorf("perfdata %q: value %q is not a non-negative number", item, pm[2])
		}
		nl.perf[strings.Trim(pm[1], "'")] = perfValue{v, pm[3]}
	}
	return nl
}

// TestNagiosParses renders every scenario and one result per code of the
// contract, and reads each back as Nagios would.
func TestNagiosParses(t *testing.T) {
	results := map[string]*result.Result{"seed": seedScenario(), "ok": okScenario(), "unknown": unknownScenario()}
	for _, code := range scenarioCodes() {
		results[code] = codeResult(t, code)
	}
	words := []string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}
	for name, res := range results {
		t.Run(name, func(t *testing.T) {
			out := string(render(t, res, "nagios", RenderOptions{}))
			nl := parseNagios(t, out)
			if want := words[res.Verdict.ExitStatus()]; nl.status != want {
				t.Errorf("status %s, want %s (verdict %s)", nl.status, want, res.Verdict)
			}
			for label, pv := range nl.perf {
				if pv.uom != "s" {
					t.Errorf("perfdata %s has unit %q, want s", label, pv.uom)
				}
			}
			want := 1 + len(res.Findings)
			if nagiosWorst(res.Findings) >= 0 {
				want-- // the worst finding is on the status line
			}
			if lines := strings.Count(out, "\n"); lines != want {
				t.Errorf("%d lines for %d findings:\n%s", lines, len(res.Findings), out)
			}
		})
	}
}

func TestNagiosPerfdata(t *testing.T) {
	nl := parseNagios(t, string(render(t, okScenario(), "nagios", RenderOptions{})))
	for _, label := range []string{"time", "control", "login", "data"} {
		if _, ok := nl.perf[label]; !ok {
			t.Errorf("perfdata lacks %s: %v", label, nl.perf)
		}
	}
	if got := nl.perf["time"].value; got != 5.123 {
		t.Errorf("time=%v, want the result's 5.123 s", got)
	}
}

// TestNagiosThresholds: the probe's -w and -c are written beside the
// time, in seconds, as ;warn;crit; other items carry none.
func TestNagiosThresholds(t *testing.T) {
	cases := []struct {
		name string
		opt  RenderOptions
		want string
	}{
		{"none", RenderOptions{}, "time=5.123s"},
		{"both", RenderOptions{Warning: 5 * time.Second, Critical: 10 * time.Second}, "time=5.123s;5;10"},
		{"-c alone", RenderOptions{Critical: 2500 * time.Millisecond}, "time=5.123s;;2.5"},
		{"-w alone", RenderOptions{Warning: time.Second}, "time=5.123s;1;"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := string(render(t, okScenario(), "nagios", tc.opt))
			parseNagios(t, out) // the guidelines' grammar still holds
			_, perf, _ := strings.Cut(strings.SplitN(out, "\n", 2)[0], "| ")
			if got := strings.Fields(perf)[0]; got != tc.want {
				t.Errorf("perfdata starts %q, want %q", got, tc.want)
			}
			if strings.Count(perf, ";") != strings.Count(tc.want, ";") {
				t.Errorf("thresholds on other items: %q", perf)
			}
		})
	}
}

// TestNagiosTextStaysOnItsLine: a title holding "|" or a line break (a
// server's text can end up in one) must not start perfdata or a new line.
func TestNagiosTextStaysOnItsLine(t *testing.T) {
	res := okScenario()
	res.Verdict = result.VerdictCritical
	res.Findings = []result.Finding{{Code: "x.y", Severity: result.Critical, Title: "a | b\nc"}}
	out := string(render(t, res, "nagios", RenderOptions{}))
	nl := parseNagios(t, out)
	// The renderers' sanitizer shows the line break as \x0a; it must not break the line.
	if lines := strings.Count(out, "\n"); lines != 1 || !strings.HasPrefix(nl.text, "a / b") {
		t.Errorf("%d lines, text %q; want 1 line starting %q", lines, nl.text, "a / b")
	}
}

// TestNagiosSaysWhatWasNotSeen: an unknown verdict for want of evidence
// says, on the status line, where the transcript ends.
func TestNagiosSaysWhatWasNotSeen(t *testing.T) {
	res := unknownScenario()
	res.Evidence = "the log ends after the greeting: nothing about login or data connections"
	nl := parseNagios(t, string(render(t, res, "nagios", RenderOptions{})))
	if nl.status != "UNKNOWN" || !strings.Contains(nl.text, "the log ends after the greeting") {
		t.Errorf("status %q, text %q; want UNKNOWN naming where the log ends", nl.status, nl.text)
	}
}
