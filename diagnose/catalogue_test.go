package diagnose

import (
	"ftpdiag/result"
	"os"
	"regexp"
	"slices"
	"testing"
)

// contract is where the shared contract lives beside the repository.
const contract = "../../shared/DIAGNOSES.md"

// TestCatalogueMatchesContract reads the code table of DIAGNOSES.md and
// compares codes, order and severities with the catalogue.
func TestCatalogueMatchesContract(t *testing.T) {
	b, err := os.ReadFile(contract)
	if err != nil {
		t.Skipf("the contract is not beside the repository here: %v", err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z.-]+)` \\| (info|warning|critical) \\|")
	rows := row.FindAllStringSubmatch(string(b), -1)
	severity := map[string]string{}
	var want []string
	for _, r := range rows {
		severity[r[1]] = r[2]
		want = append(want, r[1])
	}
	var got []string
	for _, c := range Catalogue {
		sev, ok := severity[c.Code]
		switch {
		case !ok && !Additions[c.Code]:
			t.Errorf("%s is neither in the contract nor one of the documented additions", c.Code)
		case ok && sev != string(c.Severity):
			t.Errorf("%s: catalogue %s, contract %s", c.Code, c.Severity, sev)
		}
		if ok {
			got = append(got, c.Code)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the catalogue's contract codes, in order:\n%q\nthe contract's:\n%q", got, want)
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
