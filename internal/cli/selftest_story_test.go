package cli

import (
	"strings"
	"testing"
)

// TestSelftestSaysWhatItChecked (issue 20): the headline of an ok
// self-test says it held on this machine through loopback and was not
// checked from outside, and "This machine" and "Next" come before the
// transcript, not after hundreds of its lines.
func TestSelftestSaysWhatItChecked(t *testing.T) {
	status, out, errOut := runCLI(t, "selftest", "--format", "text", "--timeout", "2s", "--no-color")
	if status != exitOK {
		t.Skipf("the self-test is not ok on this machine (exit %d): %s", status, errOut)
	}
	if !strings.Contains(out, "Verdict: OK: on this machine (through loopback); not checked from outside") {
		t.Errorf("the headline does not say it held through loopback only:\n%s", out[:min(len(out), 600)])
	}
	machine, next, transcript := strings.Index(out, "\nThis machine\n"), strings.Index(out, "\nNext: "), strings.Index(out, "\nTranscript\n")
	if machine < 0 || next < machine || transcript < next {
		t.Errorf("This machine at %d, Next at %d, Transcript at %d: want them in that order", machine, next, transcript)
	}
}
