package cli

import (
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"testing"

	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestProbeTraceFlag: --trace reaches the probe (always traces a healthy
// server, the default auto does not), and a wrong value is a usage error.
func TestProbeTraceFlag(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	for _, tc := range []struct {
		name  string
		args  []string
		trace bool
	}{
		{"default auto, nothing timed out", nil, false},
		{"always", []string{"--trace", "always"}, true},
		{"off", []string{"--trace", "off"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"probe", "--format", "json", "--tls", "off", "--passive-only"}, tc.args...)
			_, out, errOut := runCLI(t, append(args, servertest.URL(s))...)
			var res result.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("not JSON: %v\n%s\n%s", err, out, errOut)
			}
			traced := slices.ContainsFunc(res.Checks, func(c result.Check) bool { return c.Name == "hop trace" })
			if traced != tc.trace {
				t.Errorf("hop trace check present %v, want %v (checks %+v)", traced, tc.trace, res.Checks)
			}
			if traced && runtime.GOOS != "linux" && !slices.ContainsFunc(res.Checks, func(c result.Check) bool { return c.Status == result.NotChecked }) {
				t.Errorf("off Linux the trace must say it did not run: %+v", res.Checks)
			}
		})
	}
	status, out, errOut := runCLI(t, "probe", "--trace", "sometimes", "ftp://127.0.0.1/")
	if status != exitUnknown || out != "" || !strings.Contains(errOut, `unknown --trace "sometimes"`) || !strings.Contains(errOut, "ftpdiag: hint: ") {
		t.Errorf("status %d, stdout %q, stderr %q: want a usage error and a hint", status, out, errOut)
	}
}
