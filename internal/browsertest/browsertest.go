// Package browsertest finds what the browser tests need: Debian's
// chromium, node, and the npm packages of tools/browser. Without them a
// test skips, unless CI is set: there test.sh installs them, and a missing
// one fails the test.
package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need returns chromium's path and the tools/browser directory, found from
// the test's package directory (one level below the module's root), or
// skips t (fails it in CI).
func Need(t testing.TB) (chromium, tools string) {
	t.Helper()
	missing := func(what string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing; test.sh installs it", what)
		}
		t.Skipf("%s is missing (test.sh installs it)", what)
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		missing("chromium (apt-get install chromium)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node (apt-get install nodejs npm)")
	}
	tools, err = filepath.Abs(filepath.Join("..", "tools", "browser"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(tools, "node_modules", "playwright-core")); err != nil {
		missing("tools/browser/node_modules (npm ci --prefix tools/browser)")
	}
	return chromium, tools
}
