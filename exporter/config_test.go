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
    tls: auto
    families: [ipv4, ipv6]
    sweep: true
    user: monitor
    password_file: monitor.pass
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
		{"unknown module key", "modules:\n  a:\n    timeout: 1s\n    retries: 3\n", "line 4: unknown key \"retries\" in module \"a\""},
		{"bad duration", "modules:\n  a:\n    timeout: soon\n", "line 3: timeout: \"soon\" is not a duration"},
		{"bad mode", "modules:\n  a:\n    modes: [passive, extended]\n", "line 3: modes: \"extended\" is not one of passive, active"},
		{"mode twice", "modules:\n  a:\n    modes:\n      - active\n      - active\n", "line 5: modes: \"active\" twice"},
		{"tls value unknown", "modules:\n  a:\n    tls: maybe\n", "line 3: tls: \"maybe\" is not one of auto, require, off"},
		{"no family", "modules:\n  a:\n\n    families: []\n", "line 4: families: give a list such as [ipv4, ipv6]"},
		{"bad family", "modules:\n  a:\n    families: [ipx]\n", "line 3: families: \"ipx\" is not one of ipv4, ipv6"},
		{"sweep not bool", "modules:\n  a:\n    sweep: often\n", "line 3: sweep: \"often\" is not true or false"},
		{"user without password", "modules:\n  a:\n    user: bob\n", "line 2: module \"a\" names user \"bob\" but no password_file"},
		{"password without user", "modules:\n  a:\n    password_file: x\n", "line 3: password_file without user"},
		{"missing password file", "modules:\n  a:\n    user: bob\n    password_file: nosuch.pass\n", "line 4: password_file: open"},
		{"module twice", "modules:\n  a:\n  a:\n", "line 3: module \"a\" is defined twice"},
		{"not a map", "modules: [a, b]\n", "line 1: expected a map of keys, got a list"},
		{"no modules", "modules: {}\n", "no modules defined"},
		{"empty file", "", "the file is empty"},
		{"bad yaml", "modules:\n  a: [\n", "line 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.text), t.TempDir())
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
// default TLS policy is the command line's, auto.
func TestModuleOptions(t *testing.T) {
	cfg, err := ParseConfig([]byte("modules:\n  plain:\n    tls: off\n    families: [ipv4]\n  v6tls:\n    tls: require\n    families: [ipv6]\n  both:\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		module string
		tls    probe.TLSMode
		family string
	}{{"plain", probe.TLSOff, "ipv4"}, {"v6tls", probe.TLSRequire, "ipv6"}, {"both", probe.TLSAuto, ""}}
	for _, tc := range cases {
		o := cfg.Modules[tc.module].options(10 * time.Second)
		if o.TLS != tc.tls || o.Family != tc.family {
			t.Errorf("%s: TLS %q family %q, want %q %q", tc.module, o.TLS, o.Family, tc.tls, tc.family)
		}
	}
}
