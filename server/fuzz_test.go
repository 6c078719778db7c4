package server

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseCommandLines is FuzzParseCommand (parse_test.go) started from
// the command lines of the repository's real transcripts and client logs,
// and Telnet sequences around PASS (issue 16): it must never panic, a
// command it accepts has a verb of 1 to maxVerb upper-case ASCII letters,
// and nothing comes out longer than went in. This one is what CI fuzzes.
func FuzzParseCommandLines(f *testing.F) {
	for _, line := range commandSeeds(f) {
		f.Add(line)
	}
	f.Add("PA\xff\xf1SS secret")
	f.Add("\xff\xf4\xff\xf2PASS secret")
	f.Add("RETR a\xff\xffb")
	f.Fuzz(func(t *testing.T, line string) {
		verb, arg, err := ParseCommand(line)
		if err != nil {
			if verb != "" || arg != "" {
				t.Fatalf("an error with verb %q arg %q", verb, arg)
			}
			return
		}
		if len(verb) == 0 || len(verb) > maxVerb || strings.Trim(verb, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Fatalf("verb %q from %q", verb, line)
		}
		if len(verb)+len(arg) > len(line) {
			t.Fatalf("verb %q and arg %q are longer than the line %q", verb, arg, line)
		}
	})
}

// commandSeeds are the command lines ("Cmd: ", "> ", "Command: ", "---> ")
// of the repository's transcripts and logs; finding none fails.
func commandSeeds(f *testing.F) []string {
	f.Helper()
	var out []string
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "logs", "*.log"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*.golden"))
	for _, p := range append(paths, more...) {
		file, err := os.Open(p)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			for _, marker := range []string{"Cmd: ", "> ", "Command: ", "---> "} {
				if _, cmd, ok := strings.Cut(sc.Text(), marker); ok && cmd != "" {
					out = append(out, cmd)
				}
			}
		}
		file.Close()
	}
	if len(out) == 0 {
		f.Fatal("no command line found to seed with")
	}
	return out
}
