// Package exporter is ftpdiag's Prometheus exporter, in the multi-target
// pattern of the blackbox exporter: GET /probe?target=ftp://host/&module=NAME
// runs one probe and answers with its metrics, /metrics has the exporter's
// own, / a short status page. Modules come from a YAML file decoded into
// typed settings with defaults, unknown keys refused, errors naming the line.
package exporter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultModule is the module used where a request names none, and the
// only one without --config.
const DefaultModule = "default"

// ErrConfig is wrapped by every error of a modules file.
var ErrConfig = errors.New("bad config")

// Config is a modules file: named sets of probe settings.
type Config struct {
	Modules map[string]*Module
}

// DefaultConfig is the configuration without a file: the default module
// with the probe's own defaults.
func DefaultConfig() *Config {
	m, _ := newModule(DefaultModule, nil, "")
	return &Config{Modules: map[string]*Module{DefaultModule: m}}
}

// LoadConfig reads and checks a modules file. A password_file is read
// relative to the file's directory, at load, so a missing one fails the
// start-up (or the reload) and not the first scrape.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	cfg, err := ParseConfig(data, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// fileConfig is the modules file as it is written.
type fileConfig struct {
	Modules map[string]*moduleFile `yaml:"modules"`
}

// ParseConfig reads a modules file's text; dir is where relative
// password files are found. The text is decoded into typed settings by a
// decoder that refuses unknown keys (KnownFields), at every depth: the
// module's UnmarshalYAML has the form that decodes with the same decoder
// (see moduleFile.UnmarshalYAML).
func ParseConfig(data []byte, dir string) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%w: the file is empty: it needs a 'modules:' map", ErrConfig)
	}
	names, err := moduleLines(doc.Content[0])
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f fileConfig
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, decodeErr(err)
	}
	cfg := &Config{Modules: map[string]*Module{}}
	for _, n := range names {
		m, err := newModule(n.Value, f.Modules[n.Value], dir)
		if err != nil {
			return nil, lineErr(n, "module %q: %v", n.Value, err)
		}
		cfg.Modules[n.Value] = m
	}
	return cfg, nil
}

// moduleLines checks the file's shape where the typed decoder's messages
// would name Go types, and returns the module names' nodes, for errors
// that concern a whole module to name its line.
func moduleLines(top *yaml.Node) ([]*yaml.Node, error) {
	if top.Kind != yaml.MappingNode {
		return nil, lineErr(top, "expected a map with the key modules, got %s", kindName(top))
	}
	var mods *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		if k := top.Content[i]; k.Value != "modules" {
			return nil, lineErr(k, "unknown key %q (the file has one key, modules)", k.Value)
		}
		mods = top.Content[i+1]
	}
	switch {
	case mods == nil:
		return nil, lineErr(top, "no modules: the file has one key, modules")
	case mods.Kind != yaml.MappingNode:
		return nil, lineErr(mods, "modules: expected a map of module names, got %s", kindName(mods))
	case len(mods.Content) == 0:
		return nil, lineErr(mods, "no modules defined")
	}
	var names []*yaml.Node
	for i := 0; i+1 < len(mods.Content); i += 2 {
		n := mods.Content[i]
		if n.Value == "" || strings.ContainsAny(n.Value, " \t/?&#%") || hasControl(n.Value) {
			return nil, lineErr(n, "module name %q: use letters, digits, '-' and '_'", n.Value)
		}
		names = append(names, n)
	}
	return names, nil
}

// unknownField is how yaml.v3 words a key KnownFields refuses.
var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// decodeErr words the typed decoder's errors for the file's author: an
// error of a setting's own check as it is, yaml's with the Go type names
// replaced by what the file calls them.
func decodeErr(err error) error {
	if errors.Is(err, ErrConfig) {
		return err
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  ")
	msg = unknownField.ReplaceAllString(msg, `unknown key "$1" in a module (known: `+strings.Join(moduleKeys(), ", ")+`)`)
	msg = strings.ReplaceAll(msg, "into exporter.plain", "as a module: a module is a map of settings (key: value)")
	return fmt.Errorf("%w: %s", ErrConfig, strings.TrimPrefix(msg, "yaml: "))
}

// moduleKeys are the keys a module may have, from moduleFile's tags.
func moduleKeys() []string {
	var keys []string
	ty := reflect.TypeFor[moduleFile]()
	for i := range ty.NumField() {
		name, _, _ := strings.Cut(ty.Field(i).Tag.Get("yaml"), ",")
		keys = append(keys, name)
	}
	return keys
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func lineErr(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrConfig, n.Line, fmt.Sprintf(format, args...))
}

// Names lists the modules, sorted, for the status page and errors.
func (c *Config) Names() []string {
	names := make([]string, 0, len(c.Modules))
	for n := range c.Modules {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// YAML writes the configuration as it is in force, defaults filled in, for
// /config: the password_file's name shows, the password never.
func (c *Config) YAML() []byte {
	f := fileConfig{Modules: map[string]*moduleFile{}}
	for name, m := range c.Modules {
		f.Modules[name] = m.file()
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return []byte("# cannot show the configuration: " + err.Error() + "\n")
	}
	return b.Bytes()
}

// readPasswordFile takes the first line of a password file, as
// --password-stdin takes the first line of standard input.
func readPasswordFile(path, dir string) (string, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("password_file: %w", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimRight(line, "\r"), nil
}
