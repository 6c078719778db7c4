package cli

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"ftpdiag/probe"
	"ftpdiag/result"
	"ftpdiag/web"
)

// TestSelftestFrom: selftest --from asks a web service to probe it back
// and puts what the outside saw beside the loopback view. Here the
// "outside" is a web service on loopback (allowed private addresses), so
// it sees 127.0.0.1, an address of this machine: no NAT.
func TestSelftestFrom(t *testing.T) {
	svc := web.New(web.Options{AllowPrivate: true, Probe: probe.Options{Timeout: 2e9, ReplyTimeout: 2e9}})
	t.Cleanup(svc.Close)
	hs := httptest.NewServer(svc.Handler())
	t.Cleanup(hs.Close)

	status, out, errOut := runCLI(t, "selftest", "--format", "json", "--timeout", "2s", "--address", "127.0.0.1", "--from", hs.URL)
	if status != exitOK {
		t.Fatalf("exit status %d; stderr:\n%s\nstdout:\n%s", status, errOut, out)
	}
	var res result.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not a JSON result: %v", err)
	}
	var from *result.Check
	for i, c := range res.Checks {
		if c.Name == "from outside" {
			if from != nil {
				t.Fatalf("two 'from outside' checks: %+v", res.Checks)
			}
			from = &res.Checks[i]
		}
	}
	if from == nil || from.Status != result.Pass || !strings.Contains(from.Detail, "saw this machine as 127.0.0.1: ok") {
		t.Errorf("from outside: %+v, want a pass seen as 127.0.0.1", from)
	}
	if strings.Contains(from.Detail, "behind NAT") {
		t.Errorf("127.0.0.1 is this machine's own address: %s", from.Detail)
	}

	status, _, errOut = runCLI(t, "selftest", "--from", "ftp://nowhere/")
	if status != exitUnknown || !strings.Contains(errOut, "not an http(s) URL") {
		t.Errorf("--from ftp://: exit %d, %s", status, errOut)
	}
}
