package report

import (
	"os"
	"regexp"
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
	if len(rows) != len(Catalogue) {
		t.Fatalf("the contract has %d codes, the catalogue %d", len(rows), len(Catalogue))
	}
	for i, r := range rows {
		if c := Catalogue[i]; c.Code != r[1] || string(c.Severity) != r[2] {
			t.Errorf("entry %d: catalogue %s/%s, contract %s/%s", i, c.Code, c.Severity, r[1], r[2])
		}
	}
}

func TestLookup(t *testing.T) {
	if c, ok := Lookup(CodePassiveTimeout); !ok || c.Severity != Critical || c.Title != "Passive data connections time out" {
		t.Errorf("Lookup(%s) = %+v, %v", CodePassiveTimeout, c, ok)
	}
	if _, ok := Lookup("no.such-code"); ok {
		t.Errorf("Lookup found a code the contract does not have")
	}
}
