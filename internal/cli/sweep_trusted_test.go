package cli

import (
	"strings"
	"testing"
)

// TestServeSweepTrustedFlag (issue 20): --sweep-trusted takes an address
// or a network; anything else is a usage error naming the flag.
func TestServeSweepTrustedFlag(t *testing.T) {
	status, _, errOut := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--sweep-trusted", "monitor.example")
	if status != exitUnknown || !strings.Contains(errOut, "--sweep-trusted") {
		t.Errorf("exit %d, %q; want %d naming --sweep-trusted", status, errOut, exitUnknown)
	}
}
