package cli

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/internal/labcheck"
	"ftpdiag/probe"
	"ftpdiag/render"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

func TestProbeBadUsage(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no URL", []string{"probe"}, "exactly one URL"},
		{"two URLs, a flag after them", []string{"probe", "ftp://127.0.0.1/", "ftp://127.0.0.2/", "--format", "json"}, "exactly one URL, got 2"},
		{"empty host", []string{"probe", "ftp://"}, "no host"},
		{"other scheme", []string{"probe", "http://x"}, `scheme "http" is neither ftp nor ftps`},
		{"unknown TLS mode", []string{"probe", "--tls", "maybe", "ftp://127.0.0.1/"}, `--tls "maybe"`},
		{"implicit TLS turned off", []string{"probe", "--tls", "off", "ftps://127.0.0.1/"}, "ftps:// is implicit TLS"},
		{"CA file missing", []string{"probe", "--ca-file", "/nonexistent/ca.pem", "ftp://127.0.0.1/"}, "--ca-file"},
		{"port out of range", []string{"probe", "ftp://host:99999"}, `port "99999"`},
		{"both modes excluded", []string{"probe", "--passive-only", "--active-only", "ftp://127.0.0.1/"}, "exclude each other"},
		{"both families excluded", []string{"probe", "-4", "-6", "ftp://127.0.0.1/"}, "-4 and -6 exclude each other"},
		{"-6 with an IPv4 address", []string{"probe", "-6", "ftp://127.0.0.1/"}, "-6 with the address 127.0.0.1, which is IPv4"},
		{"-4 with an IPv6 address", []string{"probe", "-4", "ftp://[::1]/"}, "-4 with the address ::1, which is IPv6"},
		{"zero timeout", []string{"probe", "--timeout", "0s", "ftp://127.0.0.1/"}, "--timeout 0s is out of range"},
		{"zero max bytes", []string{"probe", "--max-bytes", "0", "ftp://127.0.0.1/"}, "--max-bytes must be at least 1"},
		{"unknown format", []string{"probe", "--format", "yaml", "ftp://127.0.0.1/"}, `unknown format "yaml"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out, errOut := runCLI(t, tc.args...)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if status != exitUnknown || out != "" {
				t.Errorf("status %d, stdout %q; want %d and nothing", status, out, exitUnknown)
			}
			if len(lines) != 2 || !strings.Contains(lines[0], tc.wantErr) || !strings.HasPrefix(lines[1], "ftpdiag: hint: ") {
				t.Errorf("stderr %q, want an error saying %q and a hint", errOut, tc.wantErr)
			}
		})
	}
}

// TestProbePasswordNeverShown gives the password in each accepted way and
// looks for it in every format, with the default --tls auto against a
// server with TLS whose certificate --ca-file trusts: every session, the
// plain-text one included, and a verdict ok.
func TestProbePasswordNeverShown(t *testing.T) {
	const pw = "s3cr3t-Pa55"
	cert, err := server.SelfSigned("127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644); err != nil {
		t.Fatal(err)
	}
	s := servertest.Start(t, server.Config{Users: map[string]string{"john": pw}, TLS: &cert})
	addr := s.Addr().String()
	cases := []struct {
		name  string
		url   string
		stdin string
		env   bool
		flags []string
	}{
		{"in the URL", "ftp://john:" + pw + "@" + addr + "/", "", false, nil},
		{"from stdin", "ftp://john@" + addr + "/", pw + "\n", false, []string{"--password-stdin"}},
		{"from the environment", "ftp://john@" + addr + "/", "", true, nil},
	}
	for _, tc := range cases {
		for _, format := range render.Formats {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				if tc.env {
					t.Setenv("FTPDIAG_PASSWORD", pw)
				}
				args := append([]string{"probe", "--format", format, "--timeout", "2s", "--ca-file", ca}, tc.flags...)
				status, out, errOut := runCLIStdin(t, tc.stdin, append(args, tc.url)...)
				if status != exitOK {
					t.Errorf("exit status %d, want 0\n%s%s", status, out, errOut)
				}
				if strings.Contains(out+errOut, pw) {
					t.Errorf("the password shows in the %s output", format)
				}
			})
		}
	}
}

func TestProbeExitStatus(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	status, out, _ := runCLI(t, "probe", "--format", "json", "ftp://127.0.0.1:"+strconv.Itoa(port)+"/")
	var res result.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if status != exitCritical || res.Verdict != result.VerdictCritical || res.Schema != result.Schema {
		t.Errorf("status %d, verdict %s, schema %s; want 2, critical, %s", status, res.Verdict, res.Schema, result.Schema)
	}
	if len(res.Findings) != 1 || res.Findings[0].Code != diagnose.CodeControlRefused {
		t.Errorf("findings %+v, want control.refused alone", res.Findings)
	}
}

// stallBound is the contract's bound where a data connection stalls: the
// stall timeout, plus about a second.
const stallBound = probe.DefaultStallTimeout + 1500*time.Millisecond

// TestProbeStallVsftpd: against vsftpd whose passive data stops after
// 20000 bytes, transfer.stalled is known at the stall timeout and the
// verdict comes then (issue 14: it came after 30 s, another session
// waiting out its reply timeout). The probe runs in a namespace of the
// script's own (testdata/peers/stall-vsftpd.sh).
func TestProbeStallVsftpd(t *testing.T) {
	if testing.Short() {
		t.Skip("a stall costs the stall timeout; skipped with -short")
	}
	labcheck.Require(t)
	bin := filepath.Join(t.TempDir(), "ftpdiag")
	if b, err := exec.Command("go", "build", "-o", bin, "ftpdiag").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join("..", "..", "testdata", "peers", "stall-vsftpd.sh"), bin)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stall-vsftpd.sh: %v", err)
	}
	var res result.Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("not a result: %v\n%s", err, out)
	}
	if got := codes(res.Findings); !strings.Contains(got, "transfer.stalled") || res.Verdict != result.VerdictCritical {
		t.Errorf("%s %q, want critical with transfer.stalled", res.Verdict, got)
	}
	// The listing passed and the large download stalled (issue 20).
	for _, f := range res.Findings {
		if f.Code == "transfer.stalled" && !strings.Contains(strings.Join(f.Hints, " "), "path-MTU") {
			t.Errorf("small transfers pass and a large one stalls, but no hint names a path-MTU black hole: %q", f.Hints)
		}
	}
	if took := time.Duration(res.DurationMs) * time.Millisecond; took > stallBound {
		t.Errorf("verdict after %v, more than the stall timeout %v plus about a second", took, probe.DefaultStallTimeout)
	}
	if err := diagnose.Backed(&res); err != nil {
		t.Error(err)
	}
}

// TestProbeImplicitTLS: ftps:// reaches the implicit-FTPS port; without
// --ca-file the self-signed certificate is a warning and the transfers are
// still checked.
func TestProbeImplicitTLS(t *testing.T) {
	cert, err := server.SelfSigned("127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := servertest.Start(t, server.Config{TLS: &cert, ImplicitTLS: "127.0.0.1:0"})
	ln, err := s.ListenImplicit()
	if err != nil {
		t.Fatal(err)
	}
	go s.ServeImplicit(ln)
	url := "ftps://" + servertest.User + ":" + servertest.Password + "@" + ln.Addr().String() + "/"
	status, out, errOut := runCLI(t, "probe", "--format", "json", "--timeout", "2s", url)
	var res result.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s%s", err, out, errOut)
	}
	var codes []string
	for _, f := range res.Findings {
		codes = append(codes, f.Code)
	}
	want := []string{diagnose.CodeTLSCertUntrusted, diagnose.CodeTLSReuseEnforced}
	if status != exitWarning || strings.Join(codes, " ") != strings.Join(want, " ") || !strings.HasPrefix(res.Target.URL, "ftps://") {
		t.Errorf("status %d, codes %v, target %s; want 1, %v, ftps://", status, codes, res.Target.URL, want)
	}
	for _, c := range res.Checks {
		if (c.Name == "PASV+LIST" || c.Name == "PASV+RETR") && c.Status != result.Pass {
			t.Errorf("check %s: %s (%s), want pass", c.Name, c.Status, c.Detail)
		}
	}
}

// TestProbeThresholds: -w and -c, in seconds, raise a healthy probe's
// verdict when it takes longer (probe.slow); a warning above the critical
// threshold is bad usage.
func TestProbeThresholds(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	url := servertest.URL(s)
	cases := []struct {
		name   string
		args   []string
		status int
	}{
		{"none", nil, exitOK},
		{"generous", []string{"-w", "60", "-c", "120"}, exitOK},
		{"over -w", []string{"-w", "0.000001"}, exitWarning},
		{"over -c", []string{"-w", "0.000001", "-c", "0.000002"}, exitCritical},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"probe", url, "--tls", "off", "--format", "nagios"}, tc.args...)
			status, out, errOut := runCLI(t, args...)
			if status != tc.status {
				t.Errorf("exit status %d, want %d; stdout %q, stderr %q", status, tc.status, out, errOut)
			}
			if tc.status != exitOK && !strings.Contains(out, "The probe took longer than its threshold") {
				t.Errorf("the nagios line does not name probe.slow: %q", out)
			}
			if tc.name == "generous" && !regexp.MustCompile(`\| time=[0-9.]+s;60;120 `).MatchString(out) {
				t.Errorf("the perfdata does not carry -w 60 -c 120 beside the time: %q", out)
			}
		})
	}
	status, out, _ := runCLI(t, "probe", url, "-w", "10", "-c", "5", "--format", "nagios")
	if status != exitUnknown || !strings.HasPrefix(out, "FTPDIAG UNKNOWN - the warning threshold 10s is above the critical one 5s") {
		t.Errorf("-w 10 -c 5: exit status %d, stdout %q", status, out)
	}
}
