package exporter

import (
	"errors"
	"ftpdiag/probe"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "monitor.pass"), []byte("s3cret\nignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := `# two modules
modules:
  default:
  passive:
    timeout: 2s
    reply_timeout: 4s
    modes: [passive]
    tls: require
    families: [ipv4, ipv6]
    sweep: true
    user: monitor
    password_file: monitor.pass
    allowed_targets: [ftp.example.com, 192.0.2.0/24, "2001:db8::1"]
`
	cfg, err := ParseConfig([]byte(good), dir)
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Modules["passive"]
	if m == nil || m.Timeout != 2*time.Second || m.ReplyTimeout != 4*time.Second || !m.Sweep || m.User != "monitor" || m.password != "s3cret" || len(m.Modes) != 1 {
		t.Errorf("module passive = %+v", m)
	}
	if strings.Contains(m.String(), "s3cret") {
		t.Errorf("String shows the password: %s", m)
	}
	if got := cfg.Names(); len(got) != 2 || got[0] != "default" {
		t.Errorf("Names = %v", got)
	}
}

func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"unknown top key", "modulez:\n  a:\n", "line 1: unknown key \"modulez\""},
		{"unknown module key", "modules:\n  a:\n    timeout: 1s\n    retries: 3\n", "line 4: unknown key \"retries\" in a module (known: timeout, reply_timeout, probe_timeout,"},
		{"misspelt key", "modules:\n  a:\n  b:\n    modes: [passive]\n    tiemout: 5s\n", "line 5: unknown key \"tiemout\""},
		{"bad duration", "modules:\n  a:\n    timeout: soon\n", "line 3: \"soon\" is not a duration"},
		{"probe_timeout beyond an hour", "modules:\n  a:\n    probe_timeout: 2h\n", "line 3: \"2h\" is not a duration from 1ms to 1h"},
		{"bad mode", "modules:\n  a:\n    modes: [passive, extended]\n", "line 3: modes: \"extended\" is not one of passive, active"},
		{"mode twice", "modules:\n  a:\n    modes:\n      - active\n      - active\n", "line 5: modes: \"active\" twice"},
		{"tls value unknown", "modules:\n  a:\n    tls: maybe\n", "line 3: tls: \"maybe\" is not one of auto, require, off"},
		{"no family", "modules:\n  a:\n\n    families: []\n", "line 4: families: give a list such as [ipv4, ipv6]"},
		{"bad family", "modules:\n  a:\n    families: [ipx]\n", "line 3: families: \"ipx\" is not one of ipv4, ipv6"},
		{"sweep not bool", "modules:\n  a:\n    sweep: often\n", "line 3: cannot unmarshal !!str `often` into bool"},
		{"user without password", "modules:\n  a:\n    user: bob\n", "line 2: module \"a\": user \"bob\" but no password_file"},
		{"password without user", "modules:\n  a:\n    password_file: x\n", "line 2: module \"a\": password_file without user"},
		{"missing password file", "modules:\n  a:\n    user: bob\n    password_file: nosuch.pass\n    allowed_targets: [127.0.0.1]\n", "line 2: module \"a\": password_file: open"},
		{"user without allowed targets", "modules:\n  a:\n    user: bob\n    password_file: pw\n", "line 2: module \"a\": a module with a user needs allowed_targets"},
		{"user with tls auto", "modules:\n  a:\n    user: bob\n    password_file: pw\n    tls: auto\n    allowed_targets: [127.0.0.1]\n", "tls: auto would send the password in clear text"},
		{"bad allowed target", "modules:\n  a:\n    allowed_targets:\n      - 127.0.0.1\n      - ftp://host/\n", "line 5: allowed_targets: \"ftp://host/\" is not a host name"},
		{"empty allowed targets", "modules:\n  a:\n    allowed_targets: []\n", "line 3: allowed_targets: give a list"},
		{"user with CR LF", "modules:\n  a:\n    user: \"bob\\r\\nDELE x\"\n    password_file: pw\n    allowed_targets: [127.0.0.1]\n", "line 2: module \"a\": user: a control character"},
		{"module twice", "modules:\n  a:\n  a:\n", "line 3: mapping key \"a\" already defined at line 2"},
		{"not a map", "modules: [a, b]\n", "line 1: modules: expected a map of module names, got a list"},
		{"module not a map", "modules:\n  a: [timeout]\n", "line 2: cannot unmarshal !!seq as a module: a module is a map of settings"},
		{"bad module name", "modules:\n  a b:\n", "line 2: module name \"a b\""},
		{"no modules", "modules: {}\n", "no modules defined"},
		{"empty file", "", "the file is empty"},
		{"bad yaml", "modules:\n  a: [\n", "line 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := writeFile(filepath.Join(dir, "pw"), "s3cret\n"); err != nil {
				t.Fatal(err)
			}
			_, err := ParseConfig([]byte(tc.text), dir)
			if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestOptionsFitTheBudget: whatever a module asks, no single wait of the
// probe is longer than a quarter of the scrape's budget.
func TestOptionsFitTheBudget(t *testing.T) {
	cases := []struct {
		name        string
		m           Module
		budget      time.Duration
		wantTimeout time.Duration
		wantReply   time.Duration
	}{
		{"defaults in a 10s scrape", Module{}, 9500 * time.Millisecond, 2375 * time.Millisecond, 2375 * time.Millisecond},
		{"module shorter than the budget", Module{Timeout: time.Second, ReplyTimeout: 2 * time.Second}, 60 * time.Second, time.Second, 2 * time.Second},
		{"long scrape keeps the probe's defaults", Module{}, 5 * time.Minute, 5 * time.Second, 20 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.m.options(tc.budget)
			if o.Timeout != tc.wantTimeout || o.ReplyTimeout != tc.wantReply || o.StallTimeout > tc.budget/4 || o.TransferTime > tc.budget/2 {
				t.Errorf("options = timeout %s, reply %s, stall %s, transfer %s", o.Timeout, o.ReplyTimeout, o.StallTimeout, o.TransferTime)
			}
		})
	}
}

// TestModuleOptions: a module's TLS policy and family reach the probe; the
// default TLS policy is the command line's, auto, and require for a module
// that logs in (issue 21: its password never crosses in clear text unless
// the module says tls: off).
func TestModuleOptions(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(filepath.Join(dir, "pw"), "s3cret\n"); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte("modules:\n  plain:\n    tls: off\n    families: [ipv4]\n  v6tls:\n    tls: require\n    families: [ipv6]\n  both:\n"+
		"  login:\n    user: bob\n    password_file: pw\n    allowed_targets: [127.0.0.1]\n"), dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		module string
		tls    probe.TLSMode
		family string
	}{{"plain", probe.TLSOff, "ipv4"}, {"v6tls", probe.TLSRequire, "ipv6"}, {"both", probe.TLSAuto, ""}, {"login", probe.TLSRequire, ""}}
	for _, tc := range cases {
		o := cfg.Modules[tc.module].options(10 * time.Second)
		if o.TLS != tc.tls || o.Family != tc.family {
			t.Errorf("%s: TLS %q family %q, want %q %q", tc.module, o.TLS, o.Family, tc.tls, tc.family)
		}
	}
}

// TestKnownFieldsInModules: the module's UnmarshalYAML sets defaults and
// keeps the decoder's KnownFields in force: a misspelt key in any module,
// after others that decode well, is refused with its line, and a module
// that sets some keys has the defaults for the others.
func TestKnownFieldsInModules(t *testing.T) {
	good := "modules:\n  a:\n    modes: [active]\n  b:\n    reply_timeout: 3s\n"
	cfg, err := ParseConfig([]byte(good), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Modules["b"]
	if b.Timeout != probe.DefaultTimeout || b.ReplyTimeout != 3*time.Second || b.ProbeTimeout != DefaultProbeTimeout || len(b.Modes) != 2 || b.TLS != probe.TLSAuto {
		t.Errorf("module b = %+v, want the defaults but reply_timeout 3s", b)
	}
	bad := good + "    tiemout: 5s\n"
	_, err = ParseConfig([]byte(bad), t.TempDir())
	if want := `line 6: unknown key "tiemout"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want one containing %q", err, want)
	}
}

// TestConfigYAML: /config's text is the configuration in force, loaded
// again to the same modules, and holds no password.
func TestConfigYAML(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(filepath.Join(dir, "pw"), "s3cret\n"); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte("modules:\n  a:\n  login:\n    user: bob\n    password_file: pw\n    allowed_targets: [127.0.0.1, 10.0.0.0/8, ftp.example.com]\n"), dir)
	if err != nil {
		t.Fatal(err)
	}
	text := cfg.YAML()
	if strings.Contains(string(text), "s3cret") {
		t.Fatalf("/config shows the password:\n%s", text)
	}
	again, err := ParseConfig(text, dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	for _, name := range cfg.Names() {
		if got, want := again.Modules[name].String(), cfg.Modules[name].String(); got != want {
			t.Errorf("module %s: %s, want %s", name, got, want)
		}
	}
}

// TestModuleTrace (issue 29): the hop trace is off for monitoring unless a
// module turns it on; a value that is no mode names its line.
func TestModuleTrace(t *testing.T) {
	cfg, err := ParseConfig([]byte("modules:\n  quiet:\n  traced:\n    trace: auto\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Modules["quiet"].options(10 * time.Second).Trace; got != "" && got != probe.TraceOff {
		t.Errorf("a module without trace traces: %q", got)
	}
	if got := cfg.Modules["traced"].options(10 * time.Second).Trace; got != probe.TraceAuto {
		t.Errorf("trace: auto gave %q", got)
	}
	if !strings.Contains(cfg.Modules["traced"].String(), "trace auto") {
		t.Errorf("the status page does not say the module traces: %s", cfg.Modules["traced"])
	}
	if _, err := ParseConfig([]byte("modules:\n  bad:\n    trace: sometimes\n"), t.TempDir()); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("trace: sometimes: %v, want an error naming line 3", err)
	}
}
