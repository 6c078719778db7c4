package diagnose

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ftpdiag/result"
)

// contract is the contract's copy in the repository.
const contract = "../docs/DIAGNOSES.md"

// contractRow is one row of a code table: `code` | severity | when. A
// severity cell may name two ("info or warning") where the finding's maker
// chooses.
var contractRow = regexp.MustCompile("(?m)^\\| `([a-z0-9.-]+)` \\| ((?:info|warning|critical)(?: or (?:info|warning|critical))?) \\|")

// TestCatalogueMatchesContract reads every code table of DIAGNOSES.md and
// compares codes, order and severities with the catalogue, both ways.
func TestCatalogueMatchesContract(t *testing.T) {
	b, err := os.ReadFile(contract)
	if err != nil {
		t.Fatalf("the contract must be in the repository: %v", err)
	}
	severities := map[string][]string{}
	var want []string
	for _, r := range contractRow.FindAllStringSubmatch(string(b), -1) {
		severities[r[1]] = strings.Split(r[2], " or ")
		want = append(want, r[1])
	}
	if len(want) < 30 {
		t.Fatalf("found only %d code rows in %s: has the table's layout changed?", len(want), contract)
	}
	var got []string
	for _, c := range Catalogue {
		got = append(got, c.Code)
		if sev, ok := severities[c.Code]; ok && c.Worse != "" && !slices.Contains(sev, string(c.Worse)) {
			t.Errorf("%s: catalogue raises it to %s, contract %s", c.Code, c.Worse, strings.Join(sev, " or "))
		}
		if sev, ok := severities[c.Code]; ok && !slices.Contains(sev, string(c.Severity)) {
			t.Errorf("%s: catalogue %s, contract %s", c.Code, c.Severity, strings.Join(sev, " or "))
		}
		if c.Title == "" || c.Admin == nil && c.Client == nil {
			t.Errorf("%s: the catalogue needs a title and hints", c.Code)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the catalogue's codes, in order:\n%q\nthe contract's:\n%q", got, want)
	}
}

// TestEveryEmittedCodeIsCatalogued finds every code literal in the
// program's Go files: each must be a catalogue code.
func TestEveryEmittedCodeIsCatalogued(t *testing.T) {
	out, err := exec.Command("git", "-C", "..", "ls-files", "*.go").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	// A code ends in a letter or digit; a prefix of codes (data.passive. and the like) is none.
	literal := regexp.MustCompile(`"((?:dns|control|login|pasv|data|epsv|active|transfer|tls|reply|local|ipv6)\.[a-z0-9.-]*[a-z0-9])"`)
	seen := 0
	for _, f := range strings.Fields(string(out)) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile("../" + f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			seen++
			if _, ok := Lookup(m[1]); !ok {
				t.Errorf("%s uses %q, which is not in the catalogue (nor the contract)", f, m[1])
			}
		}
	}
	if seen < 30 {
		t.Errorf("found only %d code literals: the search is broken", seen)
	}
}

func TestLookup(t *testing.T) {
	if c, ok := Lookup(CodePassiveTimeout); !ok || c.Severity != result.Critical || c.Title != "Passive data connections time out" {
		t.Errorf("Lookup(%s) = %+v, %v", CodePassiveTimeout, c, ok)
	}
	if _, ok := Lookup("no.such-code"); ok {
		t.Errorf("Lookup found a code the contract does not have")
	}
}
