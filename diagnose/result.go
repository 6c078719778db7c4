package diagnose

import "ftpdiag/result"

// Input is what a result is made of, whoever recorded the transcript: a
// live probe, the self-test, or a client's log read by explain.
type Input struct {
	Tool result.Tool
	result.Record
	// FromLog marks a client's log: its findings get the hints that say what
	// a log alone cannot settle, and its checks are read from the lines.
	FromLog bool
	// Local are findings about this machine that no transcript shows (the
	// self-test's local.* codes).
	Local []result.Finding
	// Thresholds on the time to the verdict (probe -w, -c): passing one is
	// a probe.slow finding.
	Thresholds Thresholds
}

// NewResult is the one constructor of the contract's document: the
// findings of Diagnose (and the local ones), the verdict they make, held
// to the evidence rule (evidence.go: no ok without a login and a transfer
// seen to its end), and the checks, network and transcript as recorded.
func NewResult(in Input) *result.Result {
	findings := Diagnose(in.Entries)
	if in.FromLog {
		findings = FromLog(findings, in.Target)
	}
	findings = append(findings, in.Local...)
	took := in.Duration
	if n := len(in.Entries); took == 0 && n > 0 {
		took = in.Entries[n-1].T
	}
	if f, ok := thresholdFinding(in.Thresholds, took, in.Entries); ok {
		findings = append(findings, f)
	}
	checks := in.Checks
	if checks == nil {
		checks = LogChecks(in.Entries, findings)
	}
	res := &result.Result{
		Schema:     result.Schema,
		Tool:       in.Tool,
		Target:     in.Target,
		Started:    in.Started,
		DurationMs: in.Duration.Milliseconds(),
		Verdict:    VerdictOf(findings),
		Findings:   findings,
		Checks:     checks,
		Network:    in.Network,
		Transcript: in.Entries,
	}
	applyEvidence(res, in.FromLog)
	if n := len(in.Entries); in.Duration == 0 && n > 0 {
		res.DurationMs = in.Entries[n-1].T.Milliseconds()
	}
	return res
}

// VerdictOf is the worst severity among the findings.
func VerdictOf(fs []result.Finding) result.Verdict {
	v := result.VerdictOK
	for _, f := range fs {
		switch f.Severity {
		case result.Critical:
			return result.VerdictCritical
		case result.Warning:
			v = result.VerdictWarning
		}
	}
	return v
}
