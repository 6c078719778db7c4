package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"ftpdiag/result"
)

// TestArrange: flags typed after the URL or file are read as flags, each
// with its value; what is after "--" stays an argument.
func TestArrange(t *testing.T) {
	cases := []struct {
		name       string
		args       string
		want       string
		wantNagios bool
	}{
		{"flags first", "probe --format json ftp://h/", "probe --format json ftp://h/", false},
		{"flags after the URL", "probe ftp://h/ --format json --tls off", "probe --format json --tls off ftp://h/", false},
		{"both sides", "probe -4 ftp://h/ -f nagios", "probe -4 -f nagios ftp://h/", true},
		{"a value that looks like a URL", "probe --file ftp://x ftp://h/", "probe --file ftp://x ftp://h/", false},
		{"flag=value", "probe ftp://h/ --format=nagios", "probe --format=nagios ftp://h/", true},
		{"a bool flag takes no value", "probe ftp://h/ --sweep --passive-only", "probe --sweep --passive-only ftp://h/", false},
		{"standard input", "explain - --format json", "explain --format json -", false},
		{"after --", "explain --format json -- -odd-name.log", "explain --format json -- -odd-name.log", false},
		{"global flags first", "--no-color probe ftp://h/ --no-color", "--no-color probe --no-color ftp://h/", false},
		{"the last format wins", "probe -f nagios ftp://h/ -f json", "probe -f nagios -f json ftp://h/", false},
		{"no command", "--version", "--version", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("FTPDIAG_FORMAT", "")
			app := newApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
			a, err := arrange(app, append([]string{"ftpdiag"}, strings.Fields(tc.args)...))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(a.args[1:], " "); got != tc.want || a.nagios != tc.wantNagios {
				t.Errorf("got %q (nagios %v), want %q (nagios %v)", got, a.nagios, tc.want, tc.wantNagios)
			}
		})
	}
}

// TestSuggestions: a typo of a command or a flag gets the name meant; a
// word that is no typo of anything gets no guess.
func TestSuggestions(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		wantErr  string
		wantHint string
	}{
		{"command", []string{"prob", "ftp://127.0.0.1/"}, `unknown command "prob"`, "did you mean 'probe'?"},
		{"command, letters swapped", []string{"exlpain", "x.log"}, `unknown command "exlpain"`, "did you mean 'explain'?"},
		{"no near command", []string{"frobnicate"}, `unknown command "frobnicate"`, "the commands are serve, probe, selftest, report, explain, exporter"},
		{"flag", []string{"probe", "ftp://127.0.0.1/", "--formt", "json"}, "unknown flag --formt", "did you mean --format? see 'ftpdiag probe --help'"},
		{"flag with a value", []string{"probe", "--timout=5", "ftp://127.0.0.1/"}, "unknown flag --timout", "did you mean --timeout?"},
		{"flag of serve", []string{"serve", "--pasv-port", "3000-3010"}, "unknown flag --pasv-port", "did you mean --pasv-ports?"},
		{"no near flag", []string{"probe", "--frobnicate", "ftp://127.0.0.1/"}, "unknown flag --frobnicate", "see 'ftpdiag probe --help'"},
		{"-v before a command", []string{"-v"}, "unknown flag -v", "-V prints the version"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, errOut := runCLI(t, tc.args...)
			wantUsageError(t, status, errOut, tc.wantErr)
			if !strings.Contains(errOut, "ftpdiag: hint: "+tc.wantHint) {
				t.Errorf("hint does not say %q:\n%s", tc.wantHint, errOut)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"probe", "probe", 0},
		{"prob", "probe", 1},
		{"porbe", "probe", 1},
		{"formt", "format", 1},
		{"serv", "selftest", 6},
		{"", "ab", 2},
	}
	for _, tc := range cases {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestFlagsAfterTheURL: a probe with its flags after the URL runs as with
// them before (port 1 of loopback refuses at once).
func TestFlagsAfterTheURL(t *testing.T) {
	status, out, errOut := runCLI(t, "probe", "ftp://127.0.0.1:1/", "--format", "json", "--tls", "off", "--timeout", "2")
	var res result.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON (exit status %d, stderr %q): %v", status, errOut, err)
	}
	if status != exitCritical || res.Verdict != result.VerdictCritical {
		t.Errorf("exit status %d, verdict %s; want %d, critical", status, res.Verdict, exitCritical)
	}
}

// TestSeconds: a bare number is seconds, a duration keeps its unit.
func TestSeconds(t *testing.T) {
	cases := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"5", 5 * time.Second, false},
		{"2.5", 2500 * time.Millisecond, false},
		{"0", 0, false},
		{"500ms", 500 * time.Millisecond, false},
		{"1m", time.Minute, false},
		{"1h30m", 90 * time.Minute, false},
		{"-1", 0, true},
		{"soon", 0, true},
		{"5 s", 0, true},
	}
	for _, tc := range cases {
		got, err := parseSeconds(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("parseSeconds(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

// TestTimeoutInSeconds: --timeout 5 is five seconds, on every duration
// flag and in its environment variable; the probe's JSON records it.
func TestTimeoutInSeconds(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  string
	}{
		{"flag", []string{"--timeout", "3"}, ""},
		{"flag with unit", []string{"--timeout", "3s"}, ""},
		{"flag=", []string{"--timeout=3"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
			var got time.Duration
			cmd := app.Command("probe")
			cmd.Action = func(c *cli.Context) error { got = c.Duration("timeout"); return nil }
			if err := app.Run(append([]string{"ftpdiag", "probe"}, append(tc.args, "ftp://h/")...)); err != nil {
				t.Fatal(err)
			}
			if got != 3*time.Second {
				t.Errorf("timeout %v, want 3s", got)
			}
		})
	}
	t.Run("environment", func(t *testing.T) {
		t.Setenv("FTPDIAG_TIMEOUT", "4")
		app := newApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		var got time.Duration
		app.Command("selftest").Action = func(c *cli.Context) error { got = c.Duration("timeout"); return nil }
		if err := app.Run([]string{"ftpdiag", "selftest"}); err != nil {
			t.Fatal(err)
		}
		if got != 4*time.Second {
			t.Errorf("timeout %v, want 4s", got)
		}
	})
}

// TestVersionFlags: -V and --version print the version; -v is verbose.
func TestVersionFlags(t *testing.T) {
	for _, arg := range []string{"-V", "--version"} {
		status, out, _ := runCLI(t, arg)
		if status != exitOK || strings.TrimSpace(out) != "ftpdiag version "+version {
			t.Errorf("%s: status %d, output %q", arg, status, out)
		}
	}
	status, _, errOut := runCLI(t, "probe", "ftp://127.0.0.1:1/", "-v", "--tls", "off", "--format", "json")
	if status != exitCritical || !strings.Contains(errOut, "ftpdiag: ") || !strings.Contains(errOut, "s connecting to 127.0.0.1:1") {
		t.Errorf("probe -v: exit status %d, stderr %q; want the steps on stderr", status, errOut)
	}
}

// TestNagiosUsageErrors: with --format nagios, bad usage and bad input
// are a plugin's UNKNOWN line on stdout, exit status 3.
func TestNagiosUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"no URL", []string{"probe", "--format", "nagios"}, "", "FTPDIAG UNKNOWN - probe needs exactly one URL, got 0 arguments"},
		{"format after the URL", []string{"probe", "ftp://127.0.0.1/", "x", "-f", "nagios"}, "", "FTPDIAG UNKNOWN - probe needs exactly one URL, got 2 arguments"},
		{"unknown flag", []string{"probe", "-f", "nagios", "--formt", "json", "ftp://127.0.0.1/"}, "", "FTPDIAG UNKNOWN - unknown flag --formt"},
		{"bad URL", []string{"probe", "--format=nagios", "http://127.0.0.1/"}, "", "FTPDIAG UNKNOWN - "},
		{"missing log", []string{"explain", "-f", "nagios", "/nonexistent/ftpdiag.log"}, "", "FTPDIAG UNKNOWN - "},
		{"from the environment", []string{"probe"}, "nagios", "FTPDIAG UNKNOWN - probe needs exactly one URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("FTPDIAG_FORMAT", tc.env)
			status, out, _ := runCLI(t, tc.args...)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if status != exitUnknown || len(lines) != 1 || !strings.HasPrefix(lines[0], tc.want) {
				t.Errorf("exit status %d, stdout %q; want %d and one line starting %q", status, out, exitUnknown, tc.want)
			}
		})
	}
}
