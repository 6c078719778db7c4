package diagnose

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdiag/internal/golden"
	"ftpdiag/result"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestDiagnoseGolden reads each transcript under testdata/diagnose, checks
// the codes found against the table below and the whole findings against
// NAME.findings.json.
func TestDiagnoseGolden(t *testing.T) {
	want := map[string][]string{
		"healthy":                      {},
		"dns-failed":                   {CodeDNSFailed},
		"control-refused":              {CodeControlRefused},
		"control-timeout":              {CodeControlTimeout},
		"control-unreachable":          {CodeControlUnreachable},
		"control-no-greeting":          {CodeControlNoGreeting},
		"control-not-ftp-ssh":          {CodeControlNotFTP},
		"control-not-ftp-http":         {CodeControlNotFTP},
		"control-not-ftp-tls":          {CodeControlNotFTP},
		"control-not-ftp-smtp":         {CodeControlNotFTP},
		"control-not-ftp-too-long":     {CodeControlNotFTP},
		"control-busy":                 {CodeControlBusy},
		"control-busy-per-address":     {CodeControlBusy},
		"control-greeting-error":       {CodeControlGreetingError},
		"control-closed":               {CodeControlClosed},
		"login-rejected":               {CodeLoginRejected, CodeReplySlow},
		"login-tls-required":           {CodeLoginTLSRequired},
		"login-locked-out":             {CodeLoginLockedOut, CodeTLSUnsupported},
		"pasv-unsupported":             {CodePasvUnsupported},
		"pasv-bad-reply-port0":         {CodePasvBadReply},
		"pasv-bad-reply-garbage":       {CodePasvBadReply},
		"pasv-private-address":         {CodePasvPrivate},
		"pasv-private-followed":        {CodePasvPrivate, CodePassiveTimeout},
		"pasv-foreign-address":         {CodePasvForeign},
		"pasv-trusted-address-refused": {CodePasvForeign, CodePassiveRefused},
		"data-passive-timeout":         {CodePassiveTimeout},
		"data-passive-timeout-echo":    {CodePassiveTimeout},
		"data-passive-refused":         {CodePassiveRefused},
		"data-passive-partial":         {CodePassivePartial},
		"data-sweep-refused":           {CodeSweepRefused, CodeTLSUnsupported},
		"data-rejected":                {CodeDataRejected},
		"data-rejected-foreign-log":    {CodeDataRejected},
		"data-rejected-silent":         {CodeDataRejected},
		"epsv-unsupported":             {CodeEPSVUnsupported},
		"active-port-refused":          {CodePortRefused},
		"active-eprt-only-refused":     {},
		"active-no-callback":           {CodeNoCallback},
		"active-no-callback-425":       {CodeNoCallback},
		// Real probes of Debian's pyftpdlib 1.5.7 and Twisted 22.4.0 in a
		// namespace pair (issue 31): a stall beside other sessions that
		// completed alone; PORT unanswered while pyftpdlib connects back
		// (the client drops it); Twisted's 425 to PORT; Twisted's late 550
		// for a PASV whose data port a firewall dropped.
		"transfer-stalled-parallel":  {CodeStalledParallel},
		"active-callback-pending":    {CodeNoCallback},
		"active-no-callback-at-port": {CodeEPSVUnsupported, CodeNoCallback},
		// A real probe of ftpdiag serve --pasv-ports 30600-30601 on
		// loopback: the probe's parallel sessions used the two ports up.
		"pasv-range-exhausted":       {CodePasvExhausted},
		"late-reply-twisted":         {CodePassiveTimeout, CodeEPSVUnsupported},
		"data-rejected-active":       {CodeDataRejected},
		"active-client-nat":          {CodeClientNAT},
		"active-alg-rewrite":         {CodeALGRewrite},
		"transfer-stalled":           {CodeTransferStalled},
		"transfer-size-mismatch":     {CodeSizeMismatch},
		"transfer-denied":            {CodeTransferDenied},
		"transfer-truncated":         {CodeTransferTruncated},
		"active-server-failed":       {CodeActiveServerFailed},
		"tls-unsupported":            {CodeTLSUnsupported},
		"tls-session-reuse-required": {CodeTLSSessionReuse},
		"tls-handshake-failed":       {CodeTLSHandshake},
		"tls-data-handshake-failed":  {CodeTLSDataHandshake},
		"tls-cert-untrusted":         {CodeTLSCertUntrusted},
		"tls-cert-name-mismatch":     {CodeTLSCertName},
		"tls-cert-expired":           {CodeTLSCertExpired},
		"tls-prot-refused":           {CodeTLSProtRefused},
		"tls-alg-blind":              {CodeTLSALGBlind},
		"tls-passive-dropped":        {CodePassiveTimeout},
		"tls-reuse-enforced":         {CodeTLSReuseEnforced},
		"tls-plaintext-refused":      {CodeTLSPlainRefused},
		"tls-session-reuse-probe":    {CodeTLSSessionReuse},
		"reply-slow":                 {CodeReplySlow},
		"root-cause-only":            {CodeLoginRejected},
		// Issue 27, from the real-world logs of testdata/world.
		"server-failed":            {CodeServerFailed},
		"pasv-ipv6-refused":        {CodePasvIPv6Refused},
		"tls-data-no-close-notify": {CodeTLSNoCloseNotify},
		"control-out-of-step":      {CodeOutOfStep},
		"tls-data-required":        {CodeTLSDataRequired},
		"control-reply-unread":     {CodeReplyUnread},
		// Hop traces recorded in the lab (internal/lab TestHopTrace).
		"trace-dropped-middle":       {CodePassiveTimeout, CodeDataDroppedAt},
		"trace-dropped-last-router":  {CodePassiveTimeout, CodeDataDroppedAt},
		"trace-dropped-server-input": {CodePassiveTimeout, CodeDataDroppedAt},
		"trace-rejected-icmp":        {CodePassiveTimeout, CodeDataDroppedAt},
		"trace-reset":                {CodePassiveRefused, CodeDataDroppedAt},
		// Packet captures from the lab (internal/lab TestCaptures), read by explain.
		"capture-reject-client": {CodePassiveTimeout, CodeSeenInCapture},
		"capture-drop-server":   {CodePassiveTimeout, CodeSeenInCapture},
		"capture-drop-client":   {CodePassiveTimeout, CodeSeenInCapture},
		"capture-mtu-server":    {CodeTransferStalled, CodeSeenInCapture},
	}
	files, _ := filepath.Glob("testdata/diagnose/*.json")
	seen := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".findings.json") {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		seen++
		t.Run(name, func(t *testing.T) {
			codes, ok := want[name]
			if !ok {
				t.Fatalf("no expected codes for %s in the table", name)
			}
			got := Diagnose(readEntries(t, path))
			if gc := codesOf(got); !slices.Equal(gc, codes) {
				t.Errorf("codes = %v, want %v", gc, codes)
			}
			checkLines(t, got, path)
			goldenJSON(t, strings.TrimSuffix(path, ".json")+".findings.json", got)
		})
	}
	if seen != len(want) {
		t.Errorf("%d transcripts under testdata/diagnose, %d in the table", seen, len(want))
	}
}

// TestEveryCodeHasAGolden keeps the goldens complete as codes are added.
func TestEveryCodeHasAGolden(t *testing.T) {
	found := map[string]bool{}
	files, _ := filepath.Glob("testdata/diagnose/*.findings.json")
	server, _ := filepath.Glob("testdata/serverside/*.findings.json") // serverside_test.go
	files = append(files, server...)
	for _, path := range files {
		var fs []result.Finding
		b, err := os.ReadFile(path)
		if err != nil || json.Unmarshal(b, &fs) != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		for _, f := range fs {
			found[f.Code] = true
		}
	}
	for _, c := range Catalogue {
		if !found[c.Code] && !c.Local && !c.Threshold { // TestThresholds has those
			t.Errorf("no golden transcript shows %s", c.Code)
		}
	}
}

func readEntries(t *testing.T, path string) []result.Entry {
	t.Helper()
	var es []result.Entry
	golden.ReadJSON(t, path, &es)
	return es
}

func codesOf(fs []result.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// checkLines makes sure every finding points at lines that exist, and
// that its severity and title are the catalogue's.
func checkLines(t *testing.T, fs []result.Finding, path string) {
	t.Helper()
	n := len(readEntries(t, path))
	for _, f := range fs {
		c, ok := Lookup(f.Code)
		if !ok || c.Severity != f.Severity && c.Worse != f.Severity || c.Titled == nil && c.Title != f.Title {
			t.Errorf("%s: severity/title %q/%q differ from the catalogue", f.Code, f.Severity, f.Title)
		}
		if len(f.Lines) == 0 {
			t.Errorf("%s: no transcript line shows it", f.Code)
		}
		for _, l := range f.Lines {
			if l < 0 || l >= n {
				t.Errorf("%s: line %d outside the transcript (%d entries)", f.Code, l, n)
			}
		}
	}
}

// goldenJSON compares v, as indented JSON, with the file at path.
func goldenJSON(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, path, append(got, '\n'), *update)
}
