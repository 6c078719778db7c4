// Package result is the contract's document (docs/DIAGNOSES.md): the
// result of a probe, a self-test or an explained log, as every renderer and
// every script reads it. Nothing here judges a transcript or prints one.
package result

import (
	"net/netip"
	"time"
)

// Schema names the JSON document's format.
const Schema = "ftpdiag/probe/v1"

// Severity of a finding.
type Severity string

const (
	Info     Severity = "info"
	Warning  Severity = "warning"
	Critical Severity = "critical"
)

// Verdict of a whole result: the worst severity found, ok when nothing is
// above info, unknown when the probe could not run or the transcript does
// not show enough to judge.
type Verdict string

const (
	VerdictOK       Verdict = "ok"
	VerdictWarning  Verdict = "warning"
	VerdictCritical Verdict = "critical"
	VerdictUnknown  Verdict = "unknown"
)

// ExitStatus is the monitoring-plugin exit status of a verdict.
func (v Verdict) ExitStatus() int {
	switch v {
	case VerdictOK:
		return 0
	case VerdictWarning:
		return 1
	case VerdictCritical:
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
	// Family is set where the finding holds for one address family only
	// (FamilyIPv6 or FamilyIPv4) of a name that has both.
	Family string `json:"family,omitempty"`
}

// Address families, as the JSON names them.
const (
	FamilyIPv4 = "ipv4"
	FamilyIPv6 = "ipv6"
)

// FamilyOf names an address's family as the JSON does; an IPv4-mapped
// IPv6 address is IPv4, as it is on the wire.
func FamilyOf(ip netip.Addr) string {
	if ip.Unmap().Is4() {
		return FamilyIPv4
	}
	return FamilyIPv6
}

// Status of a check; "not checked" is distinct from "fail".
type Status string

const (
	Pass       Status = "pass"
	Fail       Status = "fail"
	Warn       Status = "warn"
	NotChecked Status = "not checked"
)

// Check is one step the probe ran.
type Check struct {
	Name       string `json:"name"`
	Status     Status `json:"status"`
	DurationMs int64  `json:"duration_ms"`
	Detail     string `json:"detail,omitempty"`
	Family     string `json:"family,omitempty"` // set where the check ran over one family of several
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
	Families  []string `json:"families,omitempty"`   // the address families checked, preferred first
}

// Result is the contract's JSON document.
type Result struct {
	Schema     string    `json:"schema"`
	Tool       Tool      `json:"tool"`
	Target     Target    `json:"target"`
	Started    time.Time `json:"started"`
	DurationMs int64     `json:"duration_ms"`
	Verdict    Verdict   `json:"verdict"`
	// Evidence, where set, says what the transcript does not show that an
	// ok verdict needs (a login, a listing or download seen to its end):
	// where it ends, and what was not seen. Every format shows it.
	Evidence   string    `json:"evidence,omitempty"`
	Findings   []Finding `json:"findings"`
	Checks     []Check   `json:"checks"`
	Network    *Network  `json:"network,omitempty"`
	Transcript []Entry   `json:"transcript"`
}

// Record is what a recorder saw, before any judgement: the document less
// its findings and verdict. The probe returns one; explain reads one from
// a client's log.
type Record struct {
	Target   Target // its URL never holds a password
	Started  time.Time
	Duration time.Duration // 0: taken from the transcript's last entry
	Entries  []Entry
	// Checks the recorder ran; nil for a client's log, whose checks are
	// read from its transcript.
	Checks  []Check
	Network *Network
}
