// Package labcheck tells whether this machine can run the tests that record
// real clients in network namespaces (testdata/logs/lab.sh and the like):
// root, ip, nft, curl, lftp and openssl. Without them such a test skips,
// unless CI is set: there a missing peer is a failure.
package labcheck

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Require skips t, or fails it in CI, where the lab cannot run.
func Require(t testing.TB) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, bin := range []string{"ip", "nft", "curl", "lftp", "openssl"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("the lab needs %s", strings.Join(missing, ", "))
	}
	t.Skipf("the lab needs %s", strings.Join(missing, ", "))
}
