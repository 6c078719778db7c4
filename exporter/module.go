package exporter

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"ftpdiag/probe"
)

// Module is one named set of probe settings. Zero values mean the probe's
// defaults.
type Module struct {
	Name         string
	Timeout      time.Duration // connection attempts
	ReplyTimeout time.Duration // server replies
	Modes        []string      // "passive", "active"; nil: both
	TLS          string        // "auto" (the default), "require", "off"
	Families     []string      // "ipv4", "ipv6"; nil: both
	Sweep        bool
	User         string
	PasswordFile string
	password     string // never printed: not in String, the page or a metric
}

// Module keys and their values.
var (
	validModes    = []string{"passive", "active"}
	validTLS      = []string{"auto", "require", "off"}
	validFamilies = []string{"ipv4", "ipv6"}
)

func parseModule(name, body *yaml.Node, dir string) (*Module, error) {
	m := &Module{Name: name.Value}
	if strings.ContainsAny(name.Value, " \t/?&#") || name.Value == "" {
		return m, lineErr(name, "module name %q: use letters, digits, '-' and '_'", name.Value)
	}
	if body.Kind == yaml.ScalarNode && body.Tag == "!!null" {
		return m, nil // "name:" alone: the probe's defaults
	}
	var pwNode *yaml.Node
	err := eachKey(body, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "timeout":
			m.Timeout, err = parseDuration(v, k.Value)
		case "reply_timeout":
			m.ReplyTimeout, err = parseDuration(v, k.Value)
		case "modes":
			m.Modes, err = parseList(v, k.Value, validModes)
		case "tls":
			m.TLS, err = parseTLS(v)
		case "families":
			m.Families, err = parseFamilies(v)
		case "sweep":
			err = scalar(v, k.Value).Decode(&m.Sweep)
			if err != nil {
				err = lineErr(v, "sweep: %q is not true or false", v.Value)
			}
		case "user":
			m.User = scalar(v, k.Value).Value
		case "password_file":
			m.PasswordFile, pwNode = scalar(v, k.Value).Value, v
		default:
			err = lineErr(k, "unknown key %q in module %q (known: timeout, reply_timeout, modes, tls, families, sweep, user, password_file)", k.Value, m.Name)
		}
		return err
	})
	if err != nil {
		return m, err
	}
	return m, m.finish(name, pwNode, dir)
}

// finish checks what needs several keys, and reads the password.
func (m *Module) finish(name, pwNode *yaml.Node, dir string) error {
	switch {
	case pwNode != nil && m.User == "":
		return lineErr(pwNode, "password_file without user in module %q", m.Name)
	case pwNode == nil && m.User != "":
		return lineErr(name, "module %q names user %q but no password_file", m.Name, m.User)
	case pwNode == nil:
		return nil
	}
	pw, err := readPasswordFile(pwNode, m.PasswordFile, dir)
	m.password = pw
	return err
}

// scalar returns v, or a node whose Decode fails, for a key that needs
// one value and got a list or map.
func scalar(v *yaml.Node, key string) *yaml.Node {
	if v.Kind != yaml.ScalarNode {
		return &yaml.Node{Kind: yaml.ScalarNode, Value: "", Line: v.Line}
	}
	return v
}

func parseList(v *yaml.Node, key string, valid []string) ([]string, error) {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return nil, lineErr(v, "%s: give a list such as [%s]", key, strings.Join(valid, ", "))
	}
	var out []string
	for _, item := range v.Content {
		switch {
		case !slices.Contains(valid, item.Value):
			return nil, lineErr(item, "%s: %q is not one of %s", key, item.Value, strings.Join(valid, ", "))
		case slices.Contains(out, item.Value):
			return nil, lineErr(item, "%s: %q twice", key, item.Value)
		}
		out = append(out, item.Value)
	}
	return out, nil
}

func parseTLS(v *yaml.Node) (string, error) {
	if !slices.Contains(validTLS, v.Value) || v.Kind != yaml.ScalarNode {
		return "", lineErr(v, "tls: %q is not one of %s", v.Value, strings.Join(validTLS, ", "))
	}
	return v.Value, nil
}

func parseFamilies(v *yaml.Node) ([]string, error) {
	return parseList(v, "families", validFamilies)
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
	if m.Modes != nil {
		add("modes", strings.Join(m.Modes, ","))
	}
	if m.TLS != "" {
		add("tls", m.TLS)
	}
	if m.Families != nil {
		add("families", strings.Join(m.Families, ","))
	}
	if m.Sweep {
		add("sweep", "on")
	}
	if m.User != "" {
		add("user", m.User)
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
	}
	if len(m.Modes) == 1 {
		o.PassiveOnly, o.ActiveOnly = m.Modes[0] == "passive", m.Modes[0] == "active"
	}
	// The probe library's zero TLS mode is off; a module's default is the
	// command line's, auto, so monitoring sees the certificate too.
	o.TLS = probe.TLSAuto
	if m.TLS != "" {
		o.TLS = probe.TLSMode(m.TLS)
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

// target fills in the module's user and password: the URL never has one.
func (m *Module) target(t probe.Target) (probe.Target, error) {
	if m.User == "" {
		return t, nil
	}
	if !t.Anonymous() && t.User != m.User {
		return t, fmt.Errorf("the target's user %q is not module %q's user %q", t.User, m.Name, m.User)
	}
	t.User, t.Password = m.User, m.password
	return t, nil
}
