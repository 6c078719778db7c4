package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// everyName lists each visible command and, per command, every spelling
// of every flag: what completion and the man page must all know.
func everyName(t *testing.T) (commands []string, flags map[string][]string) {
	t.Helper()
	app := newApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	flags = map[string][]string{}
	for _, c := range app.VisibleCommands() {
		commands = append(commands, c.Name)
		for _, f := range c.VisibleFlags() {
			flags[c.Name] = append(flags[c.Name], f.Names()...)
		}
	}
	if len(commands) < 8 {
		t.Fatalf("only %d commands: %v", len(commands), commands)
	}
	return commands, flags
}

func printed(t *testing.T, args ...string) string {
	t.Helper()
	status, out, errOut := runCLI(t, args...)
	if status != exitOK || out == "" {
		t.Fatalf("%v: exit status %d, stderr %q", args, status, errOut)
	}
	return out
}

// TestCompletionAndManNameEverything: each shell's script and the man
// page name every command and every flag of it, as that shell writes it.
func TestCompletionAndManNameEverything(t *testing.T) {
	commands, flags := everyName(t)
	spell := map[string]func(cmd, flag string) string{
		"bash": func(_, f string) string { return dashed(f) },
		"zsh":  func(_, f string) string { return dashed(f) },
		"fish": func(c, f string) string {
			if len(f) == 1 {
				return "'__fish_seen_subcommand_from " + c + "' " // then -s F after the long name
			}
			return "'__fish_seen_subcommand_from " + c + "' -l " + f
		},
		"man": func(_, f string) string { return dashed(f) },
	}
	for shell, form := range spell {
		t.Run(shell, func(t *testing.T) {
			var out string
			if shell == "man" {
				out = printed(t, "man")
			} else {
				out = printed(t, "completion", shell)
			}
			for _, c := range commands {
				if !strings.Contains(out, c) {
					t.Errorf("no command %s", c)
				}
				for _, f := range flags[c] {
					if !strings.Contains(out, form(c, f)) {
						t.Errorf("%s: no flag %s (as %q)", c, dashed(f), form(c, f))
					}
				}
			}
		})
	}
}

// TestCompletionUsage: no shell or an unknown one is a usage error.
func TestCompletionUsage(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}, {"man", "x"}} {
		status, _, errOut := runCLI(t, args...)
		wantUsageError(t, status, errOut, args[0])
	}
}

// completes runs a completion script in its shell and returns what it
// offers for the words typed; the shell itself must be installed.
func completes(t *testing.T, shell, script, line string) []string {
	t.Helper()
	bin, err := exec.LookPath(shell)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed", shell)
		}
		t.Skipf("%s is not installed", shell)
	}
	path := filepath.Join(t.TempDir(), "ftpdiag."+shell)
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	var cmd *exec.Cmd
	switch shell {
	case "bash":
		// COMP_WORDS as bash splits the line, the cursor at its end.
		cmd = exec.Command(bin, "--norc", "-c", `source "$1"; read -ra COMP_WORDS <<<"$2"; [[ $2 == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _ftpdiag; printf '%s\n' "${COMPREPLY[@]}"`, "bash", path, line)
	case "fish":
		cmd = exec.Command(bin, "--no-config", "-c", `source $argv[1]; complete -C $argv[2] | string replace -r '\t.*' ''; true`, path, line)
	}
	cmd.Dir = t.TempDir() // no files to offer
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", shell, err, out)
	}
	return strings.Fields(string(out))
}

// TestCompletionCompletes: the bash and fish scripts offer the command
// for its start, a flag after the URL, and the formats after --format.
func TestCompletionCompletes(t *testing.T) {
	cases := []struct {
		line string
		want string
	}{
		{"ftpdiag pro", "probe"},
		{"ftpdiag probe ftp://h/ --form", "--format"},
		{"ftpdiag probe --format ", "nagios"},
		{"ftpdiag explain --from ", "filezilla"},
		{"ftpdiag probe --tls ", "require"},
		{"ftpdiag serve --pasv-p", "--pasv-ports"},
		{"ftpdiag completion ", "zsh"},
	}
	for _, shell := range []string{"bash", "fish"} {
		script := printed(t, "completion", shell)
		for _, tc := range cases {
			t.Run(shell+"/"+tc.line, func(t *testing.T) {
				got := completes(t, shell, script, tc.line)
				found := false
				for _, g := range got {
					found = found || g == tc.want
				}
				if !found {
					t.Errorf("%q offers %q, want %q among them", tc.line, got, tc.want)
				}
			})
		}
	}
}

// TestCompletionZshParses: zsh reads the script (zsh -n); its
// _arguments specs are checked by TestCompletionAndManNameEverything.
func TestCompletionZshParses(t *testing.T) {
	bin, err := exec.LookPath("zsh")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("zsh is not installed")
		}
		t.Skip("zsh is not installed")
	}
	path := filepath.Join(t.TempDir(), "_ftpdiag")
	if err := os.WriteFile(path, []byte(printed(t, "completion", "zsh")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-n", path).CombinedOutput(); err != nil {
		t.Errorf("zsh -n: %v\n%s", err, out)
	}
}
