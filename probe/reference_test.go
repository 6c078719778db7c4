package probe

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// bigRoot is a served tree with one file large enough to stall part-way.
func bigRoot(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), make([]byte, 256<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReferenceServerFaults runs the whole probe, both modes, against the
// reference server with one failure injected at a time.
func TestReferenceServerFaults(t *testing.T) {
	cases := []struct {
		name   string
		faults server.Faults
		root   bool
		want   []string
	}{
		{"healthy", server.Faults{}, false, []string{}},
		{"private PASV address", server.Faults{AdvertiseAddress: "10.0.0.5"}, false, []string{diagnose.CodePasvPrivate}},
		{"foreign PASV address", server.Faults{AdvertiseAddress: "198.18.7.7"}, false, []string{diagnose.CodePasvForeign}},
		{"passive port closed", server.Faults{AdvertisePortOffset: -2000}, false, []string{diagnose.CodePassiveRefused}},
		{"425 after the data connection", server.Faults{Reply425: true}, false, []string{diagnose.CodeDataRejected}},
		{"stalled download", server.Faults{StallAfter: 20000}, true, []string{diagnose.CodeTransferStalled}},
		{"size lie", server.Faults{SizeLie: 7}, false, []string{diagnose.CodeSizeMismatch}},
		{"TLS required", server.Faults{RequireTLS: true}, false, []string{diagnose.CodeLoginTLSRequired}},
		{"closes on PASV", server.Faults{CloseAfter: "PASV"}, false, []string{diagnose.CodeControlClosed}},
		{"EPSV refused", server.Faults{RefuseEPSV: true}, false, []string{diagnose.CodeEPSVUnsupported}},
		{"PASV refused", server.Faults{RefusePASV: true}, false, []string{diagnose.CodePasvUnsupported}},
		{"PORT refused", server.Faults{RefusePORT: true}, false, []string{diagnose.CodePortRefused}},
		{"no callback", server.Faults{NoCallback: true}, false, []string{diagnose.CodeNoCallback}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := server.Config{Faults: tc.faults, DataTimeout: 2 * time.Second}
			if tc.root {
				cfg.Root = bigRoot(t)
			}
			s := servertest.Start(t, cfg)
			o := quick()
			if tc.root {
				o.File = "big.bin"
			}
			res := diagnosed(probeAddr(t, servertest.URL(s), o), result.Tool{})
			if got := codes(res.Findings); !slices.Equal(got, tc.want) {
				t.Errorf("codes = %v, want %v\n%s", got, tc.want, render(res.Transcript))
			}
			for _, e := range res.Transcript {
				if strings.Contains(e.Text, servertest.Password) {
					t.Errorf("the password shows in %q", e.Text)
				}
			}
		})
	}
}

// TestDenied: a listing or download the server refuses with 550 (no such
// path, no permission) is a finding of its own, never the verdict ok.
func TestDenied(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	cases := []struct {
		name, path, file string
	}{
		{"missing directory", "nodir/", ""},
		{"missing file", "", "nosuch.bin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := quick()
			o.PassiveOnly, o.File = true, tc.file
			res := diagnosed(probeAddr(t, servertest.URL(s)+tc.path, o), result.Tool{})
			if got := codes(res.Findings); !slices.Equal(got, []string{diagnose.CodeTransferDenied}) || res.Verdict != result.VerdictCritical {
				t.Errorf("codes = %v, verdict %s; want [%s], critical\n%s", got, res.Verdict, diagnose.CodeTransferDenied, render(res.Transcript))
			}
		})
	}
}

// TestSweep opens the reference server's whole range with SITE SWEEP.
func TestSweep(t *testing.T) {
	lo := closedPort(t)
	s := servertest.Start(t, server.Config{PasvMin: lo, PasvMax: lo + 9})
	o := quick()
	o.Sweep, o.PassiveOnly = true, true
	out := probeAddr(t, servertest.URL(s), o)
	var sweep result.Check
	for _, c := range out.Checks {
		if c.Name == "SITE SWEEP" {
			sweep = c
		}
	}
	// Ports another program holds at that moment are "busy" and skipped;
	// every other port of the range must be open.
	want := itoa(lo) + "-" + itoa(lo+9) + " open"
	if sweep.Status != result.Pass || sweep.Detail != want && !strings.Contains(sweep.Detail, "busy on the server") {
		t.Errorf("sweep check = %+v, want pass %q", sweep, want)
	}
}

// TestSweepFallsBack samples the range where SITE SWEEP is not offered.
func TestSweepFallsBack(t *testing.T) {
	s := newScripted(t)
	o := quick()
	o.Sweep, o.PassiveOnly = true, true
	out := probeAddr(t, "ftp://"+s.addr()+"/", o)
	for _, c := range out.Checks {
		if c.Name == "SITE SWEEP" && (c.Status != result.Pass || !strings.HasPrefix(c.Detail, "no SITE SWEEP here, sampled: 8 passive ports seen")) {
			t.Errorf("sweep check = %+v, want a passing sample of 8 ports", c)
		}
	}
}

// TestTrustPasvAddress follows a 227 address only when told to. The
// server advertises 127.0.0.2, where nothing listens (it listens on
// 127.0.0.1): ignored, the probe connects to 127.0.0.1 and works; trusted,
// the connection to 127.0.0.2 is refused.
func TestTrustPasvAddress(t *testing.T) {
	cases := []struct {
		name  string
		trust bool
		want  []string
	}{
		{"ignored", false, []string{diagnose.CodePasvPrivate}},
		{"trusted", true, []string{diagnose.CodePasvPrivate, diagnose.CodePassiveRefused}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := servertest.Start(t, server.Config{Faults: server.Faults{AdvertiseAddress: "127.0.0.2"}})
			o := quick()
			o.TrustPasvAddress, o.PassiveOnly = tc.trust, true
			res := diagnosed(probeAddr(t, servertest.URL(s), o), result.Tool{})
			if got := codes(res.Findings); !slices.Equal(got, tc.want) {
				t.Errorf("codes = %v, want %v\n%s", got, tc.want, render(res.Transcript))
			}
		})
	}
}

// diagnosed makes the result the CLI makes of an outcome.
func diagnosed(o *Outcome, tool result.Tool) *result.Result {
	return diagnose.NewResult(diagnose.Input{Tool: tool, Record: o.Record()})
}
