package foreign

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// Fuzz targets for every --from reader, seeded with the repository's real
// client logs of that format; FuzzParseDetect runs detection first, on all
// of them. test.sh runs each for a few seconds; go test runs the seeds.

// seedLogs adds every sample log whose name starts with prefix (all of
// them for ""); finding none fails, so a renamed directory cannot leave a
// fuzzer without seeds.
func seedLogs(f *testing.F, prefix string) {
	f.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", prefix+"*"))
	if prefix == "" {
		// The real-world corpus (issue 27): every wrapper and client it holds.
		world, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "world", "*.log"))
		paths = append(paths, world...)
	}
	json, _ := filepath.Glob(filepath.Join("..", "testdata", "*.json"))
	if prefix == "json" || prefix == "" {
		paths = append(paths, json...)
	}
	n := 0
	for _, p := range paths {
		if strings.HasSuffix(p, ".golden") || strings.HasSuffix(p, ".transcript") || strings.HasSuffix(p, ".sh") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		n++
	}
	if n == 0 {
		f.Fatalf("no seed log for %q", prefix)
	}
}

// knownErrors are the errors Parse may return; anything else is a bug.
var knownErrors = []error{ErrEmpty, ErrBinary, ErrHTML, ErrUnknown, ErrBadFormat, ErrTooLarge, ErrNoProtocol, ErrCapture}

// checkParse parses data as from and checks what every reader promises: no
// panic, a known error or a log with entries of known kinds, bounded, and
// no secret it learnt left in clear once the log is masked as explain does.
func checkParse(t *testing.T, data []byte, from Format) {
	l, err := Parse(data, from)
	if err != nil {
		for _, k := range knownErrors {
			if errors.Is(err, k) {
				return
			}
		}
		t.Fatalf("Parse: an error of no known kind: %v", err)
	}
	if len(l.Entries) == 0 || len(l.Entries) > MaxEntries+1 {
		t.Fatalf("%d entries", len(l.Entries))
	}
	for _, e := range transcript.FromEntries(l.Entries, transcript.WithSecrets(l.Secrets...)).Entries() {
		switch e.Kind {
		case result.Command, result.Reply, result.Event, result.Note:
		default:
			t.Fatalf("entry of kind %q", e.Kind)
		}
		if e.Kind == result.Event && e.Event == nil {
			t.Fatalf("event without its info: %+v", e)
		}
		if e.Kind == result.Command && strings.HasPrefix(strings.ToUpper(e.Text), "PASS ") && e.Text != "PASS "+transcript.Mask {
			t.Fatalf("a PASS line in clear: %q", e.Text)
		}
	}
}

func fuzzFormat(f *testing.F, prefix string, from Format) {
	seedLogs(f, prefix)
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, from) })
}

func FuzzParseFileZilla(f *testing.F) { fuzzFormat(f, "filezilla", FileZilla) }
func FuzzParseWinSCP(f *testing.F)    { fuzzFormat(f, "winscp", WinSCP) }
func FuzzParseCurl(f *testing.F)      { fuzzFormat(f, "curl", Curl) }
func FuzzParseLftp(f *testing.F)      { fuzzFormat(f, "lftp", Lftp) }
func FuzzParseSeed(f *testing.F)      { fuzzFormat(f, "seed", Seed) }
func FuzzParseJSON(f *testing.F)      { fuzzFormat(f, "json", JSON) }
func FuzzParseDetect(f *testing.F)    { fuzzFormat(f, "", "") }
func FuzzParseGeneric(f *testing.F)   { fuzzFormat(f, "", Generic) }
