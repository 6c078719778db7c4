// Package report turns a transcript into findings (Diagnose, a pure
// function) and renders a result as text, markdown, JSON, a support e-mail
// or an HTML page with a timeline.
// The finding catalogue lives here.
package report

import (
	"time"

	"ftpdiag/transcript"
)

// Schema names the JSON document's format; see ../shared/DIAGNOSES.md.
const Schema = "ftpdiag/probe/v1"

// Severity of a finding.
type Severity string

const (
	Info     Severity = "info"
	Warning  Severity = "warning"
	Critical Severity = "critical"
)

// Verdict of a whole result: the worst severity found, ok when nothing is
// above info, unknown when the probe itself could not run.
type Verdict string

const (
	OK        Verdict = "ok"
	VWarning  Verdict = "warning"
	VCritical Verdict = "critical"
	Unknown   Verdict = "unknown"
)

// ExitStatus is the monitoring-plugin exit status of a verdict.
func (v Verdict) ExitStatus() int {
	switch v {
	case OK:
		return 0
	case VWarning:
		return 1
	case VCritical:
		return 2
	}
	return 3
}

// Finding is one diagnosed problem (or fact), with a stable code from the
// contract.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	Detail   string   `json:"detail"`
	// Hints for the server's administrator.
	Hints []string `json:"hints"`
	// ClientHints for the person running the client; often someone else.
	ClientHints []string `json:"client_hints,omitempty"`
	Ports       []int    `json:"ports,omitempty"`
	// Lines are indexes into the transcript of the entries that show it.
	Lines []int `json:"lines,omitempty"`
}

// Check status values; "not checked" is distinct from "fail".
const (
	Pass       = "pass"
	Fail       = "fail"
	Warn       = "warn"
	NotChecked = "not checked"
)

// Check is one step the probe ran.
type Check struct {
	Name       string `json:"name"`
	Status     string `json:"status"`
	DurationMs int64  `json:"duration_ms"`
	Detail     string `json:"detail,omitempty"`
}

// Tool names the program that made a result.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target is what was probed; URL never holds a password.
type Target struct {
	URL  string `json:"url"`
	Host string `json:"host"`
	Port int    `json:"port"`
	User string `json:"user,omitempty"`
}

// Network is what support staff always ask about.
type Network struct {
	LocalAddr string   `json:"local_addr,omitempty"` // the client's own address on the control connection
	SeenAddr  string   `json:"seen_addr,omitempty"`  // the client's address as the server saw it, where it told
	Modes     []string `json:"modes,omitempty"`      // "passive", "active"
}

// Result is the JSON document of ../shared/DIAGNOSES.md.
type Result struct {
	Schema     string             `json:"schema"`
	Tool       Tool               `json:"tool"`
	Target     Target             `json:"target"`
	Started    time.Time          `json:"started"`
	DurationMs int64              `json:"duration_ms"`
	Verdict    Verdict            `json:"verdict"`
	Findings   []Finding          `json:"findings"`
	Checks     []Check            `json:"checks"`
	Network    *Network           `json:"network,omitempty"`
	Transcript []transcript.Entry `json:"transcript"`
}

// VerdictOf is the worst severity among the findings.
func VerdictOf(fs []Finding) Verdict {
	v := OK
	for _, f := range fs {
		switch f.Severity {
		case Critical:
			return VCritical
		case Warning:
			v = VWarning
		}
	}
	return v
}
