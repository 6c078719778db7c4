package exporter

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// promtool is Debian's (package prometheus), installed by test.sh.
const promtool = "promtool"

// TestPrometheusDocs checks the scrape config and alert rules of docs/ the
// way Prometheus itself would load them, and runs the rules' unit tests.
func TestPrometheusDocs(t *testing.T) {
	if _, err := exec.LookPath(promtool); err != nil {
		t.Fatalf("promtool is not installed (test.sh installs Debian's prometheus): %v", err)
	}
	dir := filepath.Join("..", "docs", "prometheus")
	cases := []struct {
		name string
		args []string
	}{
		{"scrape config", []string{"check", "config", "prometheus.yml"}},
		{"alert rules", []string{"check", "rules", "alerts.yml"}},
		{"alert rules' tests", []string{"test", "rules", "alerts_test.yml"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(promtool, tc.args...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("promtool %v: %v\n%s", tc.args, err, out)
			}
		})
	}
}
