package exporter

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"ftpdiag/probe"
)

// DefaultProbeTimeout bounds a whole probe whatever the scrape's timeout
// header says (a module's probe_timeout changes it): a header of 3600 must
// not let one scrape hold a probe slot for an hour. It is the example
// scrape_timeout of docs/prometheus/prometheus.yml, and about the worst
// case of the plan with the waits the budget shares allow.
const DefaultProbeTimeout = 30 * time.Second

// maxSetting bounds every duration setting: longer is a typo.
const maxSetting = time.Hour

// Module is one named set of probe settings, as in force: defaults filled in.
type Module struct {
	Name         string
	Timeout      time.Duration // connection attempts
	ReplyTimeout time.Duration // server replies
	ProbeTimeout time.Duration // the whole probe, whatever the scrape allows
	Modes        []string      // "passive", "active"
	TLS          probe.TLSMode // "" in a zero Module: auto
	Families     []string      // "ipv4", "ipv6"
	Sweep        bool
	// Trace is the hop trace's mode (probe --trace); off unless the module
	// says: monitoring should not send TTL-stepped probes on every scrape.
	Trace        probe.TraceMode
	User         string
	PasswordFile string
	// Allowed are the targets a module with credentials may probe; others
	// are refused before anything connects.
	Allowed  targetRules
	password string // never printed: not in String, /config, the page or a metric
}

// moduleFile is a module as the file writes it. Its fields' own types check
// their values where they are decoded, so errors name the value's line.
type moduleFile struct {
	Timeout        duration     `yaml:"timeout"`
	ReplyTimeout   duration     `yaml:"reply_timeout"`
	ProbeTimeout   duration     `yaml:"probe_timeout"`
	Modes          modeList     `yaml:"modes,flow"`
	TLS            tlsSetting   `yaml:"tls,omitempty"`
	Families       familyList   `yaml:"families,flow"`
	Sweep          bool         `yaml:"sweep"`
	Trace          traceSetting `yaml:"trace,omitempty"`
	User           string       `yaml:"user,omitempty"`
	PasswordFile   string       `yaml:"password_file,omitempty"`
	AllowedTargets targetRules  `yaml:"allowed_targets,omitempty,flow"`
}

// defaultModuleFile is what a module says before its keys are read.
func defaultModuleFile() moduleFile {
	return moduleFile{
		Timeout: duration(probe.DefaultTimeout), ReplyTimeout: duration(probe.DefaultReplyTimeout),
		ProbeTimeout: duration(DefaultProbeTimeout), Modes: modeList{"passive", "active"}, Families: familyList{"ipv4", "ipv6"},
	}
}

// UnmarshalYAML sets the defaults, then decodes the keys over them. It has
// the older form (an unmarshal callback) on purpose: yaml.v3 runs that
// callback with the decoder that called it, so KnownFields stays in force
// and a misspelt key is refused; the form taking a *yaml.Node would decode
// with node.Decode, a fresh decoder that silently ignores unknown keys
// (TestKnownFieldsInModules).
func (m *moduleFile) UnmarshalYAML(unmarshal func(any) error) error {
	*m = defaultModuleFile()
	type plain moduleFile // without this method, so no recursion
	return unmarshal((*plain)(m))
}

// newModule checks what needs several keys, and reads the password. f is
// nil for a module written as its name alone.
func newModule(name string, f *moduleFile, dir string) (*Module, error) {
	if f == nil {
		d := defaultModuleFile()
		f = &d
	}
	m := &Module{Name: name, Timeout: time.Duration(f.Timeout), ReplyTimeout: time.Duration(f.ReplyTimeout),
		ProbeTimeout: time.Duration(f.ProbeTimeout), Modes: f.Modes, TLS: probe.TLSMode(f.TLS), Families: f.Families,
		Sweep: f.Sweep, Trace: probe.TraceMode(f.Trace), User: f.User, PasswordFile: f.PasswordFile, Allowed: f.AllowedTargets}
	switch {
	case f.PasswordFile != "" && f.User == "":
		return m, errors.New("password_file without user")
	case f.PasswordFile == "" && f.User != "":
		return m, fmt.Errorf("user %q but no password_file", f.User)
	case hasControl(f.User):
		return m, errors.New("user: a control character would end the USER command and start another")
	case f.User == "":
		if m.TLS == "" {
			m.TLS = probe.TLSAuto
		}
		return m, nil
	}
	return m, m.credentials(dir)
}

// credentials checks a module that logs in: where it may go, how its
// password travels, and reads the password.
func (m *Module) credentials(dir string) error {
	switch m.TLS {
	case "":
		m.TLS = probe.TLSRequire
	case probe.TLSAuto:
		return errors.New("tls: auto would send the password in clear text to any server that refuses AUTH TLS; " +
			"write tls: require (the default for a module with a user) or, for a server without TLS, tls: off")
	}
	if len(m.Allowed) == 0 {
		return errors.New("a module with a user needs allowed_targets (host names, addresses or networks it may log in to): " +
			"without it, anyone who can reach the exporter could send its password to a server of their own")
	}
	pw, err := readPasswordFile(m.PasswordFile, dir)
	if err != nil {
		return err
	}
	if hasControl(pw) {
		return errors.New("password_file: the password holds a control character, which would end the PASS command")
	}
	m.password = pw
	return nil
}

// file is the module as /config shows it.
func (m *Module) file() *moduleFile {
	return &moduleFile{Timeout: duration(m.Timeout), ReplyTimeout: duration(m.ReplyTimeout), ProbeTimeout: duration(m.ProbeTimeout),
		Modes: m.Modes, TLS: tlsSetting(m.TLS), Families: m.Families, Sweep: m.Sweep, Trace: traceSetting(m.Trace), User: m.User, PasswordFile: m.PasswordFile,
		AllowedTargets: m.Allowed}
}

// duration is a setting such as 5s, from 1ms to an hour.
type duration time.Duration

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < time.Millisecond || v > maxSetting {
		return lineErr(n, "%q is not a duration from 1ms to 1h, such as 5s", n.Value)
	}
	*d = duration(v)
	return nil
}

func (d duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// modeList and familyList are non-empty lists of distinct known values.
type (
	modeList   []string
	familyList []string
)

func (l *modeList) UnmarshalYAML(n *yaml.Node) error {
	v, err := choiceList(n, "modes", []string{"passive", "active"})
	*l = v
	return err
}

func (l *familyList) UnmarshalYAML(n *yaml.Node) error {
	v, err := choiceList(n, "families", []string{"ipv4", "ipv6"})
	*l = v
	return err
}

func choiceList(n *yaml.Node, key string, valid []string) ([]string, error) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, lineErr(n, "%s: give a list such as [%s]", key, strings.Join(valid, ", "))
	}
	var out []string
	for _, item := range n.Content {
		switch {
		case item.Kind != yaml.ScalarNode || !slices.Contains(valid, item.Value):
			return nil, lineErr(item, "%s: %q is not one of %s", key, item.Value, strings.Join(valid, ", "))
		case slices.Contains(out, item.Value):
			return nil, lineErr(item, "%s: %q twice", key, item.Value)
		}
		out = append(out, item.Value)
	}
	return out, nil
}

// tlsSetting is the probe's TLS mode, read by the probe's own parser.
type tlsSetting probe.TLSMode

func (s *tlsSetting) UnmarshalYAML(n *yaml.Node) error {
	mode, err := probe.ParseTLSMode(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return lineErr(n, "tls: %q is not one of auto, require, off", n.Value)
	}
	*s = tlsSetting(mode)
	return nil
}

// traceSetting is a module's trace: off (the default), auto or always.
type traceSetting probe.TraceMode

func (s *traceSetting) UnmarshalYAML(n *yaml.Node) error {
	mode, err := probe.ParseTraceMode(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return lineErr(n, "trace: %q is not one of off, auto, always", n.Value)
	}
	*s = traceSetting(mode)
	return nil
}

// String describes the module for the status page and logs: never the password.
func (m *Module) String() string {
	parts := []string{}
	add := func(k, v string) { parts = append(parts, k+" "+v) }
	if m.Timeout > 0 {
		add("timeout", m.Timeout.String())
	}
	if m.ReplyTimeout > 0 {
		add("reply_timeout", m.ReplyTimeout.String())
	}
	if m.ProbeTimeout > 0 {
		add("probe_timeout", m.ProbeTimeout.String())
	}
	if m.Modes != nil {
		add("modes", strings.Join(m.Modes, ","))
	}
	if m.TLS != "" {
		add("tls", string(m.TLS))
	}
	if m.Families != nil {
		add("families", strings.Join(m.Families, ","))
	}
	if m.Sweep {
		add("sweep", "on")
	}
	if m.Trace != "" && m.Trace != probe.TraceOff {
		add("trace", string(m.Trace))
	}
	if m.User != "" {
		add("user", m.User)
	}
	if len(m.Allowed) > 0 {
		add("allowed_targets", m.Allowed.String())
	}
	if len(parts) == 0 {
		return "the probe's defaults"
	}
	return strings.Join(parts, ", ")
}

// Scrape budget shares: a probe's worst case is about three connection
// timeouts in a row (a blocked passive range is sampled after a failed
// listing) plus the server's replies, so each single wait gets a quarter
// of the budget and a whole transfer half of it.
const (
	waitShare     = 4
	transferShare = 2
)

// options turns the module into probe options whose waits fit in budget,
// so the probe answers within the scrape however many checks it runs.
func (m *Module) options(budget time.Duration) probe.Options {
	o := probe.Options{
		Timeout: orDefault(m.Timeout, probe.DefaultTimeout), ReplyTimeout: orDefault(m.ReplyTimeout, probe.DefaultReplyTimeout),
		StallTimeout: probe.DefaultStallTimeout, TransferTime: probe.DefaultTransferTime, Sweep: m.Sweep,
		Trace: m.Trace, // "" is off
	}
	if len(m.Modes) == 1 {
		o.PassiveOnly, o.ActiveOnly = m.Modes[0] == "passive", m.Modes[0] == "active"
	}
	// The probe library's zero TLS mode is off; a module's default is the
	// command line's, auto, so monitoring sees the certificate too (require
	// where the module logs in: newModule).
	o.TLS = probe.TLSAuto
	if m.TLS != "" {
		o.TLS = m.TLS
	}
	if len(m.Families) == 1 {
		o.Family = m.Families[0] // "ipv4" or "ipv6", as result.FamilyIPv4/IPv6 spell them
	}
	o.Timeout = min(o.Timeout, budget/waitShare)
	o.ReplyTimeout = min(o.ReplyTimeout, budget/waitShare)
	o.StallTimeout = min(o.StallTimeout, budget/waitShare)
	o.TransferTime = min(o.TransferTime, budget/transferShare)
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// target fills in the module's user and password, where the module may
// probe t: the URL never has a password.
// A module that lists allowed_targets (every module with a user must)
// probes nothing else.
func (m *Module) target(t probe.Target) (probe.Target, error) {
	if len(m.Allowed) > 0 && !m.Allowed.allows(t.Host) {
		return t, fmt.Errorf("module %q may probe only its allowed_targets (%s); %q is not one of them", m.Name, m.Allowed, t.Host)
	}
	if m.User == "" {
		return t, nil
	}
	if !t.Anonymous() && t.User != m.User {
		return t, fmt.Errorf("the target's user %q is not module %q's user %q", t.User, m.Name, m.User)
	}
	t.User, t.Password = m.User, m.password
	return t, nil
}
