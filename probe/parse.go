package probe

import (
	"fmt"
	"slices"
	"strings"

	"ftpdiag/result"
)

// The one mapping of a user's words into Options: the command line's flags,
// the exporter's module keys and selftest's settings all go through these,
// so the valid values and the messages about them live here only.

// TLSModes are the valid TLS modes, in the order help text lists them.
var TLSModes = []TLSMode{TLSAuto, TLSRequire, TLSOff}

// Modes are the data-connection modes the probe can try.
var Modes = []string{"passive", "active"}

// Families are the address families a probe can be kept to, as the
// contract's JSON spells them.
var Families = []string{result.FamilyIPv4, result.FamilyIPv6}

// ParseTLSMode reads a TLS mode: auto, require or off.
func ParseTLSMode(s string) (TLSMode, error) {
	if m := TLSMode(s); slices.Contains(TLSModes, m) {
		return m, nil
	}
	return "", fmt.Errorf("%q is not a TLS mode: want %s", s, oneOf(TLSModes))
}

// ParseModes reads the modes to try (each "passive" or "active", no
// repeats); none or both means both. It returns Options.PassiveOnly and
// Options.ActiveOnly.
func ParseModes(modes []string) (passiveOnly, activeOnly bool, err error) {
	if err := distinct("a mode", "mode", modes, Modes); err != nil {
		return false, false, err
	}
	if len(modes) == 1 {
		return modes[0] == "passive", modes[0] == "active", nil
	}
	return false, false, nil
}

// ParseFamilies reads the address families to check (each "ipv4" or
// "ipv6", no repeats); none or both means both. It returns Options.Family.
func ParseFamilies(families []string) (string, error) {
	if err := distinct("an address family", "address family", families, Families); err != nil {
		return "", err
	}
	if len(families) == 1 {
		return families[0], nil
	}
	return "", nil
}

// distinct checks that every value is valid and none repeats; a and what
// name the kind of value ("a mode", "mode").
func distinct(a, what string, values, valid []string) error {
	for i, v := range values {
		switch {
		case !slices.Contains(valid, v):
			return fmt.Errorf("%q is not %s: want %s", v, a, oneOf(valid))
		case slices.Contains(values[:i], v):
			return fmt.Errorf("%s %q is given twice", what, v)
		}
	}
	return nil
}

// oneOf lists valid values as a message says them: "auto, require or off".
func oneOf[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
