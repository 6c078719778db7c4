package cli

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
)

// failingResolver fails t whenever anything is looked up.
func failingResolver(t *testing.T) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		t.Errorf("a DNS lookup was made (%s %s)", network, address)
		return nil, errors.New("no DNS in this test")
	}}
}

// TestProbeNearlyRightURLs: a URL whose host is missing or misplaced is a
// usage error (exit 3, one error line and a hint) before anything is looked
// up, and neither output shows the password.
func TestProbeNearlyRightURLs(t *testing.T) {
	const pw = "S3cr3tPW"
	old := probeResolver
	probeResolver = failingResolver(t)
	t.Cleanup(func() { probeResolver = old })
	for _, raw := range []string{
		"ftp:///u:" + pw + "@host.invalid/",
		"ftp:/u:" + pw + "@host.invalid/",
		"ftp:host.invalid",
		"ftp//host.invalid",
		"ftp//u:" + pw + "@host.invalid/",
		"ftp://u:" + pw + "/x@host.invalid/",
		"u:" + pw + "@host.invalid",
	} {
		t.Run(raw, func(t *testing.T) {
			status, out, errOut := runCLI(t, "probe", "--timeout", "1s", raw)
			wantUsageError(t, status, errOut, "bad URL")
			if out != "" || strings.Contains(errOut, pw) {
				t.Errorf("stdout %q, stderr %q: want nothing on stdout and no password", out, errOut)
			}
		})
	}
}
