// Package layers keeps the layering of docs/ARCHITECTURE.md true: every
// package's imports against the table there, and the table's packages
// against `go list ./...`.
package layers

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// module is the module path; every project package starts with it.
const module = "ftpdiag"

// rule is one row of the table: a package's layer and what it must never
// import (patterns, "ftpdiag/..." for every package of the project), with
// the exceptions to those patterns.
type rule struct {
	layer  int
	never  []string
	except []string
}

// rowRE matches a row of the table: | `pkg` | layer | nevers | why |
var rowRE = regexp.MustCompile("^\\| `([^`]+)` \\| (\\d+) \\|([^|]*)\\|")

var tickRE = regexp.MustCompile("`([^`]+)`")

// parseRules reads the table of docs/ARCHITECTURE.md.
func parseRules(doc string) (map[string]rule, error) {
	rules := map[string]rule{}
	sc := bufio.NewScanner(strings.NewReader(doc))
	for sc.Scan() {
		m := rowRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		layer, _ := strconv.Atoi(m[2])
		if _, dup := rules[m[1]]; dup {
			return nil, fmt.Errorf("%s has two rows", m[1])
		}
		r := rule{layer: layer}
		never, except, _ := strings.Cut(m[3], " but ")
		for _, t := range tickRE.FindAllStringSubmatch(never, -1) {
			r.never = append(r.never, t[1])
		}
		for _, t := range tickRE.FindAllStringSubmatch(except, -1) {
			r.except = append(r.except, t[1])
		}
		rules[m[1]] = r
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("no table of layers")
	}
	return rules, nil
}

// matches says whether pkg is named by pattern: the path itself, or, for
// "a/...", a or any package under it.
func matches(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

func matchesAny(patterns []string, pkg string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return matches(p, pkg) })
}

// check returns every breach of rules by graph (a package's project
// imports), and every package that is in one but not the other.
func check(rules map[string]rule, graph map[string][]string) []string {
	var bad []string
	for pkg, imports := range graph {
		r, ok := rules[pkg]
		if !ok {
			bad = append(bad, fmt.Sprintf("%s is not in docs/ARCHITECTURE.md's table of layers", pkg))
			continue
		}
		for _, imp := range imports {
			ir, ok := rules[imp]
			switch {
			case !ok:
				// Reported as a package of its own.
			case ir.layer > r.layer:
				bad = append(bad, fmt.Sprintf("%s (layer %d) imports %s of a higher layer (%d)", pkg, r.layer, imp, ir.layer))
			case matchesAny(r.never, imp) && !matchesAny(r.except, imp):
				bad = append(bad, fmt.Sprintf("%s imports %s, which it must never import", pkg, imp))
			}
		}
	}
	for pkg := range rules {
		if _, ok := graph[pkg]; !ok {
			bad = append(bad, fmt.Sprintf("docs/ARCHITECTURE.md names %s, which go list ./... does not list", pkg))
		}
	}
	sort.Strings(bad)
	return bad
}

// projectImports lists every package of the module with its direct
// imports of the project, from its non-test files.
func projectImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		var own []string
		for _, imp := range f[1:] {
			if matches(module+"/...", imp) {
				own = append(own, imp)
			}
		}
		graph[f[0]] = own
	}
	return graph
}

// TestLayers: every package's imports keep docs/ARCHITECTURE.md's layers
// and nevers, and the table lists exactly the packages of go list ./....
func TestLayers(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := parseRules(string(doc))
	if err != nil {
		t.Fatal(err)
	}
	graph := projectImports(t, root)
	if len(graph) < 10 {
		t.Fatalf("go list found only %d packages: %v", len(graph), graph)
	}
	for _, b := range check(rules, graph) {
		t.Error(b)
	}
}

// TestCheck: the checker finds each kind of breach in a made-up graph.
func TestCheck(t *testing.T) {
	doc := "| package | layer | must never import | why |\n|---|---|---|---|\n" +
		"| `ftpdiag/ftp` | 0 | `ftpdiag/...` | leaf |\n" +
		"| `ftpdiag/probe` | 2 | `ftpdiag/diagnose` | never judges |\n" +
		"| `ftpdiag/diagnose` | 2 | | judge |\n" +
		"| `ftpdiag/render` | 3 | | output |\n" +
		"| `ftpdiag` | 6 | `ftpdiag/...` but `ftpdiag/internal/cli` | main |\n" +
		"| `ftpdiag/internal/cli` | 5 | | cli |\n"
	rules, err := parseRules(doc)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		graph map[string][]string
		want  []string
	}{
		{"clean", map[string][]string{
			"ftpdiag/ftp": nil, "ftpdiag/probe": {"ftpdiag/ftp"}, "ftpdiag/diagnose": {"ftpdiag/ftp"},
			"ftpdiag/render": {"ftpdiag/diagnose"}, "ftpdiag": {"ftpdiag/internal/cli"}, "ftpdiag/internal/cli": {"ftpdiag/render"},
		}, nil},
		{"leaf imports", map[string][]string{
			"ftpdiag/ftp": {"ftpdiag/diagnose"}, "ftpdiag/probe": nil, "ftpdiag/diagnose": nil,
			"ftpdiag/render": nil, "ftpdiag": {"ftpdiag/internal/cli"}, "ftpdiag/internal/cli": nil,
		}, []string{"ftpdiag/ftp (layer 0) imports ftpdiag/diagnose of a higher layer (2)"}},
		{"never, same layer", map[string][]string{
			"ftpdiag/ftp": nil, "ftpdiag/probe": {"ftpdiag/diagnose"}, "ftpdiag/diagnose": nil,
			"ftpdiag/render": nil, "ftpdiag": {"ftpdiag/internal/cli"}, "ftpdiag/internal/cli": nil,
		}, []string{"ftpdiag/probe imports ftpdiag/diagnose, which it must never import"}},
		{"main beyond its exception", map[string][]string{
			"ftpdiag/ftp": nil, "ftpdiag/probe": nil, "ftpdiag/diagnose": nil,
			"ftpdiag/render": nil, "ftpdiag": {"ftpdiag/internal/cli", "ftpdiag/render"}, "ftpdiag/internal/cli": nil,
		}, []string{"ftpdiag imports ftpdiag/render, which it must never import"}},
		{"package not in the table, row without a package", map[string][]string{
			"ftpdiag/ftp": nil, "ftpdiag/probe": nil, "ftpdiag/diagnose": nil,
			"ftpdiag/web": nil, "ftpdiag": {"ftpdiag/internal/cli"}, "ftpdiag/internal/cli": nil,
		}, []string{
			"docs/ARCHITECTURE.md names ftpdiag/render, which go list ./... does not list",
			"ftpdiag/web is not in docs/ARCHITECTURE.md's table of layers",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := check(rules, tc.graph)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
