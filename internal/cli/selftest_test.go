package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"ftpdiag/result"
)

func TestSelftestJSON(t *testing.T) {
	status, out, errOut := runCLI(t, "selftest", "--format", "json", "--timeout", "2s")
	if status != exitOK {
		t.Fatalf("exit status %d; stderr:\n%s\nstdout:\n%s", status, errOut, out)
	}
	var res result.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not a JSON result: %v", err)
	}
	if res.Schema != result.Schema || res.Verdict != result.VerdictOK {
		t.Errorf("schema %q verdict %q", res.Schema, res.Verdict)
	}
	names := map[string]result.Status{}
	for _, c := range res.Checks {
		names[c.Name] = c.Status
	}
	for _, want := range []string{"local ports", "local firewall", "from outside"} {
		if _, ok := names[want]; !ok {
			t.Errorf("no %q check in %v", want, names)
		}
	}
	if names["from outside"] != result.NotChecked {
		t.Errorf("from outside: %q, want %q", names["from outside"], result.NotChecked)
	}
	if strings.Contains(out, "This machine") {
		t.Errorf("the text epilogue leaked into the JSON output")
	}
}

// TestSelftestTLS: with --tls-self-signed the self-test's server offers
// AUTH TLS and the probe checks FTPS end to end, trusting that certificate:
// the control and data connections are encrypted and the verdict is ok.
func TestSelftestTLS(t *testing.T) {
	status, out, errOut := runCLI(t, "selftest", "--tls-self-signed", "--address", "127.0.0.1", "--timeout", "2s", "--format", "json")
	var res result.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON (status %d): %v\n%s", status, err, errOut)
	}
	if res.Verdict == result.VerdictCritical || res.Verdict == result.VerdictUnknown {
		t.Fatalf("verdict %s, findings %v", res.Verdict, res.Findings)
	}
	auth := false
	for _, c := range res.Checks {
		auth = auth || c.Name == "AUTH TLS" && c.Status == result.Pass
	}
	var control, data bool
	for _, e := range res.Transcript {
		if e.Event != nil && e.Event.TLS != nil && e.Event.Outcome == result.Connected {
			control = control || e.Event.TLS.Conn == result.TLSControl
			data = data || e.Event.TLS.Conn == result.TLSData && e.Event.TLS.Resumed
		}
	}
	if !auth || !control || !data {
		t.Errorf("AUTH TLS passed %v, control handshake %v, resumed data handshake %v", auth, control, data)
	}
	for _, f := range res.Findings {
		if f.Code == "tls.cert-untrusted" || f.Code == "tls.unsupported" {
			t.Errorf("finding %s: the self-test trusts its own certificate", f.Code)
		}
	}
}
