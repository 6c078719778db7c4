package diagnose

import (
	"fmt"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// Thresholds are a monitoring system's limits on the time to the verdict
// (the plugins' -w and -c): over Warning the result is at least a
// warning, over Critical critical. Zero is no limit.
type Thresholds struct {
	Warning, Critical time.Duration
}

// Validate refuses a warning limit above the critical one, and negative
// limits, as the monitoring plugins do.
func (th Thresholds) Validate() error {
	switch {
	case th.Warning < 0 || th.Critical < 0:
		return fmt.Errorf("a threshold of %v is negative", min(th.Warning, th.Critical))
	case th.Warning > 0 && th.Critical > 0 && th.Warning > th.Critical:
		return fmt.Errorf("the warning threshold %v is above the critical one %v", th.Warning, th.Critical)
	}
	return nil
}

// thresholdFinding is probe.slow where took passes a threshold: critical
// over Critical, a warning over Warning. It cites the transcript's last
// reply or event, where the time was reached.
func thresholdFinding(th Thresholds, took time.Duration, entries []result.Entry) (result.Finding, bool) {
	sev, limit, name := result.Critical, th.Critical, "critical"
	if th.Critical == 0 || took <= th.Critical {
		sev, limit, name = result.Warning, th.Warning, "warning"
	}
	if limit == 0 || took <= limit {
		return result.Finding{}, false
	}
	var lines []int
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Kind != result.Note {
			lines = []int{i}
			break
		}
	}
	f := Make(Fact{Code: CodeProbeSlow, Lines: lines,
		Detail: fmt.Sprintf("The verdict took %s, over the %s threshold of %s.", transcript.Human(took), name, transcript.Human(limit))})
	f.Severity = sev
	return f, true
}
