package exporter

import (
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// verdicts are every value of ftpdiag_probe_verdict's label, so each is
// present (0 or 1) and an alert on one never sees a missing series.
var verdicts = []result.Verdict{result.VerdictOK, result.VerdictWarning, result.VerdictCritical, result.VerdictUnknown}

// passiveBlockedCodes are the findings about passive data ports; their
// ports are the blocked ones.
var passiveBlockedCodes = []string{diagnose.CodePassiveTimeout, diagnose.CodePassiveRefused, diagnose.CodePassivePartial}

// probeRegistry holds one probe's metrics, as docs/DIAGNOSES.md
// ("Output for monitoring") names them: a fresh registry per request, as the
// blackbox exporter does, so nothing of one target shows in another's scrape.
func probeRegistry(res *result.Result) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		reg.MustRegister(g)
		return g
	}
	vec := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(g)
		return g
	}
	success := gauge("ftpdiag_probe_success", "1 when the verdict is ok or warning: clients with default settings can log in, list and download.")
	if res.Verdict == result.VerdictOK || res.Verdict == result.VerdictWarning {
		success.Set(1)
	}
	v := vec("ftpdiag_probe_verdict", "1 for the verdict that holds (ok, warning, critical, unknown), 0 for the others.", "verdict")
	for _, each := range verdicts {
		v.WithLabelValues(string(each)).Set(boolValue(each == res.Verdict))
	}
	gauge("ftpdiag_probe_duration_seconds", "How long the probe took.").Set(float64(res.DurationMs) / 1e3)
	phases := vec("ftpdiag_phase_duration_seconds", "How long each phase of the first session took (resolve, connect, greeting, tls, login, data); a phase not reached is absent.", "phase")
	for _, p := range transcript.Phases(res.Transcript) {
		phases.WithLabelValues(p.Name).Set(p.Dur.Seconds())
	}
	findings := vec("ftpdiag_finding", "1 for each finding present, by its stable code of the contract.", "code", "severity")
	for _, f := range res.Findings {
		findings.WithLabelValues(f.Code, string(f.Severity)).Set(1)
	}
	if blocked, tried := passiveBlocked(res); tried {
		gauge("ftpdiag_passive_ports_blocked", "How many passive data ports the probe found blocked (dropped or refused); absent where no passive data connection was tried.").Set(float64(blocked))
	}
	if t, ok := certExpiry(res.Transcript); ok {
		gauge("ftpdiag_tls_cert_expiry_timestamp_seconds", "When the control connection's TLS certificate expires, in seconds since 1970.").Set(float64(t.Unix()))
	}
	return reg
}

// passiveBlocked counts the distinct ports named by the passive-port
// findings; tried tells whether a passive data connection was attempted
// at all (else 0 would claim what was never checked).
func passiveBlocked(res *result.Result) (blocked int, tried bool) {
	var ports []int
	for _, f := range res.Findings {
		if slices.Contains(passiveBlockedCodes, f.Code) {
			tried = true
			ports = append(ports, f.Ports...)
			if len(f.Ports) == 0 {
				ports = append(ports, -1) // a port the finding does not name still counts once
			}
		}
	}
	for _, e := range res.Transcript {
		if e.Kind == result.Event && e.Event.Op == result.OpDataConnect {
			tried = true
		}
	}
	slices.Sort(ports)
	return len(slices.Compact(ports)), tried
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
