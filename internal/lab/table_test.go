//go:build linux

package lab

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// sideBySide renders the rows as a markdown table, in scenario order.
func sideBySide(rs []row) string {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b row) int {
		if a.order != b.order {
			return a.order - b.order
		}
		return strings.Compare(a.server, b.server)
	})
	var b strings.Builder
	b.WriteString("| scenario | server | what curl tells the user | after | what ftpdiag tells | after |\n")
	b.WriteString("|---|---|---|---:|---|---:|\n")
	for _, r := range rs {
		var said, took []string
		for _, c := range r.curl {
			said = append(said, curlSays(c))
			took = append(took, seconds(c.Elapsed))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.scenario, r.server,
			strings.Join(said, "<br>"), strings.Join(took, "<br>"), probeSays(r), seconds(r.probe.Elapsed))
	}
	return b.String()
}

func curlSays(c CurlRun) string {
	mode := "passive"
	if c.Active {
		mode = "active"
	}
	if c.Exit == 0 {
		return mode + ": " + c.Got + " received (exit 0)"
	}
	msg := c.Error
	if msg == "" {
		msg = "no error line"
	}
	return fmt.Sprintf("%s: `%s` (exit %d)", mode, cell(msg), c.Exit)
}

func probeSays(r row) string {
	if r.probeErr != nil {
		return "did not run: " + cell(r.probeErr.Error())
	}
	cs := codes(r.probe.Result.Findings)
	if len(cs) == 0 {
		return fmt.Sprintf("%s (exit %d)", r.probe.Result.Verdict, r.probe.Exit)
	}
	return fmt.Sprintf("%s: `%s` (exit %d)", r.probe.Result.Verdict, strings.Join(cs, "`, `"), r.probe.Exit)
}

// cell keeps a text on one table row.
func cell(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.ReplaceAll(s, "|", `\|`)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
