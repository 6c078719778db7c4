// Package exporter is ftpdiag's Prometheus exporter, in the multi-target
// pattern of the blackbox exporter: GET /probe?target=ftp://host/&module=NAME
// runs one probe and answers with its metrics, /metrics has the exporter's
// own, / a short status page. Modules come from a YAML file, checked at
// start-up with errors naming the line.
package exporter

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

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
	return &Config{Modules: map[string]*Module{DefaultModule: {Name: DefaultModule}}}
}

// LoadConfig reads and checks a modules file. A password_file is read
// relative to the file's directory, at load, so a missing one fails the
// start-up and not the first scrape.
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

// ParseConfig reads a modules file's text; dir is where relative
// password files are found.
func ParseConfig(data []byte, dir string) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	cfg := &Config{Modules: map[string]*Module{}}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%w: the file is empty: it needs a 'modules:' map", ErrConfig)
	}
	top := doc.Content[0]
	err := eachKey(top, func(key, val *yaml.Node) error {
		if key.Value != "modules" {
			return lineErr(key, "unknown key %q (the file has one key, modules)", key.Value)
		}
		return eachKey(val, func(name, body *yaml.Node) error {
			if _, dup := cfg.Modules[name.Value]; dup {
				return lineErr(name, "module %q is defined twice", name.Value)
			}
			m, err := parseModule(name, body, dir)
			cfg.Modules[name.Value] = m
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if len(cfg.Modules) == 0 {
		return nil, lineErr(top, "no modules defined")
	}
	return cfg, nil
}

// eachKey walks a mapping node's pairs in order.
func eachKey(n *yaml.Node, fn func(key, val *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return lineErr(n, "expected a map of keys, got %s", kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if err := fn(n.Content[i], n.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
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

// readPasswordFile takes the first line of a password file, as
// --password-stdin takes the first line of standard input.
func readPasswordFile(n *yaml.Node, path, dir string) (string, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", lineErr(n, "password_file: %v", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimRight(line, "\r"), nil
}

// parseDuration reads a duration setting within the probe's own bounds.
func parseDuration(n *yaml.Node, key string) (time.Duration, error) {
	d, err := time.ParseDuration(n.Value)
	if err != nil || d <= 0 || d > time.Hour {
		return 0, lineErr(n, "%s: %q is not a duration from 1ms to 1h, such as 5s", key, n.Value)
	}
	return d, nil
}
