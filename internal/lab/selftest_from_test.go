//go:build linux

package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ftpdiag/result"
)

// webPort is where the lab's check service listens, in the client's
// namespace: the "outside" that selftest --from asks.
const webPort = 8021

// selftestWait bounds one selftest --from run: the loopback probe with its
// sweep, then the probe from outside with its own timeouts.
const selftestWait = 150 * time.Second

// TestSelftestFrom runs `ftpdiag web` on the public client and `ftpdiag
// selftest --from` on a server behind a port-forwarding router: the
// loopback view is OK every time, and the outside view says what the router
// does to the passive range and which address the outside saw.
func TestSelftestFrom(t *testing.T) {
	Require(t)
	bin := ftpdiagBinary(t)
	scenarios := []struct {
		name    string
		forward []string
		pasv    string // --pasv-address
		verdict result.Verdict
		codes   []string // from outside: at least these
		fromOK  result.Status
	}{
		{"only port 21 forwarded", []string{"21"}, ServerPublic, result.VerdictCritical, []string{"data.passive.refused"}, result.Fail},
		// The probe, as FileZilla and curl do, dials the control address
		// instead of the private one, and the forwarded range answers
		// there: a warning, since clients that do not are stuck.
		{"range forwarded, no --pasv-address", []string{"21", PasvRange}, "", result.VerdictWarning, []string{"pasv.private-address"}, result.Warn},
		{"healthy", []string{"21", PasvRange}, ServerPublic, result.VerdictOK, nil, result.Pass},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			n := New(t, Topology{ServerNAT: true, Forward: sc.forward})
			web := n.Start(t, n.Client, bin, "web", "--listen", fmt.Sprintf("%s:%d", ClientPublic, webPort))
			n.WaitListen(t, web, n.Client, webPort)
			args := []string{"selftest", "--format", "json", "--timeout", "2s", "--max-connections", strconv.Itoa(PasvMax - PasvMin), "--from", fmt.Sprintf("http://%s:%d", ClientPublic, webPort)}
			if sc.pasv != "" {
				args = append(args, "--pasv-address", sc.pasv)
			}
			res, stderr := n.selftest(t, bin, args...)
			if res.Verdict != sc.verdict {
				t.Errorf("verdict %s, want %s; findings %v\nstderr: %s\nweb: %s", res.Verdict, sc.verdict, codes(res.Findings), stderr, web.Output())
			}
			var from *result.Check
			for i := range res.Checks {
				if res.Checks[i].Name == "from outside" {
					from = &res.Checks[i]
				}
			}
			if from == nil {
				t.Fatalf("no 'from outside' check: %+v", res.Checks)
			}
			if from.Status != sc.fromOK || !strings.Contains(from.Detail, "as "+ServerPublic) || !strings.Contains(from.Detail, "behind NAT") {
				t.Errorf("from outside: %s %q, want %s, seen as %s, behind NAT", from.Status, from.Detail, sc.fromOK, ServerPublic)
			}
			for _, c := range sc.codes {
				if !slices.ContainsFunc(res.Findings, func(f result.Finding) bool {
					return f.Code == c && strings.HasPrefix(f.Detail, "Seen from outside")
				}) {
					t.Errorf("no %s seen from outside in %v", c, codes(res.Findings))
				}
			}
			for _, f := range res.Findings {
				if !strings.HasPrefix(f.Detail, "Seen from outside") {
					t.Errorf("the loopback view found %s: %s", f.Code, f.Detail)
				}
			}
		})
	}
}

// selftest runs ftpdiag selftest in the server's namespace and decodes its
// JSON result.
func (n *Net) selftest(t testing.TB, bin string, args ...string) (result.Result, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), selftestWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Server, bin}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run() // the exit status follows the verdict; the JSON says more
	var res result.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("selftest output is not a JSON result: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	return res, stderr.String()
}
