package exporter

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// targetRule is one entry of a module's allowed_targets: a host name, an
// address, or a network (CIDR). A name matches only itself: a network
// never admits a name, whose addresses whoever runs its DNS decides.
type targetRule struct {
	name   string       // lower case, without a trailing dot
	prefix netip.Prefix // an address is a /32 or /128
}

type targetRules []targetRule

func (r *targetRules) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return lineErr(n, "allowed_targets: give a list of host names, addresses or networks, such as [ftp.example.com, 192.0.2.0/24]")
	}
	var out targetRules
	for _, item := range n.Content {
		rule, err := parseTargetRule(item.Value)
		if item.Kind != yaml.ScalarNode || err != nil {
			return lineErr(item, "allowed_targets: %q is not a host name, an address or a network such as 192.0.2.0/24", item.Value)
		}
		out = append(out, rule)
	}
	*r = out
	return nil
}

func (r targetRules) MarshalYAML() (any, error) { return r.strings(), nil }

func parseTargetRule(s string) (targetRule, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return targetRule{prefix: p.Masked()}, nil
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		a = a.WithZone("")
		return targetRule{prefix: netip.PrefixFrom(a, a.BitLen())}, nil
	}
	name := strings.TrimSuffix(strings.ToLower(s), ".")
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") != "" {
		return targetRule{}, fmt.Errorf("not a host name")
	}
	return targetRule{name: name}, nil
}

func (t targetRule) String() string {
	if t.name != "" {
		return t.name
	}
	if t.prefix.IsSingleIP() {
		return t.prefix.Addr().String()
	}
	return t.prefix.String()
}

func (r targetRules) strings() []string {
	out := make([]string, len(r))
	for i, t := range r {
		out[i] = t.String()
	}
	return out
}

func (r targetRules) String() string { return strings.Join(r.strings(), ", ") }

// allows tells whether host (a target's, without brackets) is one the
// rules admit: an address within a network, or a name listed as it is.
func (r targetRules) allows(host string) bool {
	addr, err := netip.ParseAddr(host)
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	for _, t := range r {
		switch {
		case err == nil && t.name == "" && t.prefix.Contains(addr.Unmap().WithZone("")):
			return true
		case err == nil && t.name == "" && t.prefix.Contains(addr.WithZone("")):
			return true
		case err != nil && t.name != "" && t.name == name:
			return true
		}
	}
	return false
}

// hasControl tells whether s holds a control character (C0, DEL, C1):
// on the control connection CR and LF end a command and start the next.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}
