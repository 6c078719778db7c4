package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"ftpdiag/probe"
	"ftpdiag/render"
)

// The shell completions and the man page are made from the commands'
// definitions when asked, so they cannot drift from them; the release
// archives carry what these commands print.

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Prints a completion script made from ftpdiag's commands and flags. Install it with\n" +
			"  bash: ftpdiag completion bash > /etc/bash_completion.d/ftpdiag\n" +
			"  zsh:  ftpdiag completion zsh > \"${fpath[1]}/_ftpdiag\"\n" +
			"  fish: ftpdiag completion fish > ~/.config/fish/completions/ftpdiag.fish",
		Action: func(c *cli.Context) error {
			shells := map[string]func(io.Writer, []shellCommand){"bash": writeBash, "zsh": writeZsh, "fish": writeFish}
			write, ok := shells[c.Args().First()]
			if c.NArg() != 1 || !ok {
				return usageErrorf("completion needs one shell, bash, zsh or fish").withHint("ftpdiag completion bash > /etc/bash_completion.d/ftpdiag")
			}
			write(c.App.Writer, shellModel(c.App))
			return nil
		},
	}
}

func manCommand() *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the manual page (roff), for man -l - or a man1 directory",
		Description: "Prints ftpdiag(1), made from the commands and flags: ftpdiag man | man -l -\n" +
			"or ftpdiag man > /usr/local/share/man/man1/ftpdiag.1",
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usageErrorf("man takes no arguments").withHint("ftpdiag man | man -l -")
			}
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return fmt.Errorf("making the man page: %w", err)
			}
			_, err = io.WriteString(c.App.Writer, page)
			return err
		},
	}
}

// shellFlag is a flag as a completion script needs it.
type shellFlag struct {
	names   []string // as typed: --format, -f
	usage   string   // one line, without the `placeholder` marks
	value   bool     // reads the next word
	choices []string // the values it takes, where they are few
	file    bool     // its value is a file or directory
}

// shellCommand is a command (name "" for the top level) and its flags.
type shellCommand struct {
	name, usage string
	flags       []shellFlag
	args        []string // the words its argument is one of; nil: files
}

// commandArgs are the arguments of the commands that take one of a few.
var commandArgs = map[string][]string{"completion": {"bash", "zsh", "fish"}}

// shellModel is every visible command with its flags, the top level first.
func shellModel(app *cli.App) []shellCommand {
	top := shellCommand{flags: shellFlags(append(slices.Clone(app.VisibleFlags()), cli.HelpFlag, cli.VersionFlag))}
	cmds := []shellCommand{top}
	for _, c := range app.VisibleCommands() {
		cmds = append(cmds, shellCommand{name: c.Name, usage: c.Usage, args: commandArgs[c.Name],
			flags: shellFlags(append(slices.Clone(c.VisibleFlags()), cli.HelpFlag))})
	}
	return cmds
}

// flagChoices are the values of the flags that take one of a few.
var flagChoices = map[string][]string{
	"format": render.Formats,
	"tls":    {string(probe.TLSAuto), string(probe.TLSRequire), string(probe.TLSOff)},
	"from":   {"filezilla", "winscp", "curl", "lftp", "seed", "json"},
}

func shellFlags(flags []cli.Flag) []shellFlag {
	var out []shellFlag
	seen := map[string]bool{}
	for _, f := range flags {
		names := f.Names()
		if seen[names[0]] {
			continue
		}
		seen[names[0]] = true
		sf := shellFlag{value: takesValue(f), choices: flagChoices[names[0]]}
		for _, n := range names {
			sf.names = append(sf.names, dashed(n))
		}
		if u, ok := f.(cli.DocGenerationFlag); ok {
			sf.usage = strings.ReplaceAll(u.GetUsage(), "`", "")
			sf.file = sf.value && sf.choices == nil && (strings.Contains(u.GetUsage(), "`FILE`") || strings.Contains(u.GetUsage(), "`DIR`"))
		}
		out = append(out, sf)
	}
	return out
}

func writeBash(w io.Writer, cmds []shellCommand) {
	fmt.Fprintf(w, "# bash completion for ftpdiag, made by 'ftpdiag completion bash'\n")
	fmt.Fprintf(w, "_ftpdiag() {\n")
	fmt.Fprintf(w, "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i words\n")
	fmt.Fprintf(w, "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n")
	fmt.Fprintf(w, "\t\tcase ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac\n")
	fmt.Fprintf(w, "\tdone\n")
	fmt.Fprintf(w, "\tcase $prev in\n")
	for _, f := range allValueFlags(cmds) {
		switch {
		case f.choices != nil:
			fmt.Fprintf(w, "\t%s) COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n", strings.Join(f.names, "|"), strings.Join(f.choices, " "))
		case f.file:
			fmt.Fprintf(w, "\t%s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", strings.Join(f.names, "|"))
		default:
			fmt.Fprintf(w, "\t%s) COMPREPLY=(); return ;;\n", strings.Join(f.names, "|"))
		}
	}
	fmt.Fprintf(w, "\tesac\n")
	fmt.Fprintf(w, "\tcase $cmd in\n")
	for _, c := range cmds {
		var words []string
		for _, f := range c.flags {
			words = append(words, f.names...)
		}
		if c.name == "" {
			for _, sub := range cmds[1:] {
				words = append(words, sub.name)
			}
			fmt.Fprintf(w, "\t'') words='%s' ;;\n", strings.Join(words, " "))
			continue
		}
		if c.args != nil {
			fmt.Fprintf(w, "\t%s) words='%s'; [[ $cur == -* ]] || words='%s' ;;\n", c.name, strings.Join(words, " "), strings.Join(c.args, " "))
			continue
		}
		fmt.Fprintf(w, "\t%s) words='%s' ;;\n", c.name, strings.Join(words, " "))
	}
	fmt.Fprintf(w, "\t*) return ;;\n\tesac\n")
	fmt.Fprintf(w, "\tif [[ -z $cmd || $cur == -* || $cmd == @(%s) ]]; then\n", strings.Join(argCommands(cmds), "|"))
	fmt.Fprintf(w, "\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n")
	fmt.Fprintf(w, "\telse\n")
	fmt.Fprintf(w, "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n")
	fmt.Fprintf(w, "\tfi\n")
	fmt.Fprintf(w, "}\n")
	fmt.Fprintf(w, "complete -o filenames -F _ftpdiag ftpdiag\n")
}

// argCommands are the commands whose argument is one of a few words.
func argCommands(cmds []shellCommand) []string {
	var names []string
	for _, c := range cmds {
		if c.args != nil {
			names = append(names, c.name)
		}
	}
	return names
}

// allValueFlags are the flags of every command that read a value, each
// spelling once (a name means the same wherever it appears).
func allValueFlags(cmds []shellCommand) []shellFlag {
	var out []shellFlag
	seen := map[string]bool{}
	for _, c := range cmds {
		for _, f := range c.flags {
			if f.value && !seen[f.names[0]] {
				seen[f.names[0]] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// zshQuote makes s safe inside a single-quoted description of
// _arguments or _describe: no quote, brackets and colons escaped.
func zshQuote(s string) string {
	return strings.NewReplacer("'", "", `\`, "", "[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
}

func writeZsh(w io.Writer, cmds []shellCommand) {
	fmt.Fprintf(w, "#compdef ftpdiag\n# zsh completion for ftpdiag, made by 'ftpdiag completion zsh'\n\n")
	fmt.Fprintf(w, "_ftpdiag() {\n\tlocal curcontext=$curcontext state line\n\tlocal -a commands\n\tcommands=(\n")
	for _, c := range cmds[1:] {
		fmt.Fprintf(w, "\t\t'%s:%s'\n", c.name, zshQuote(c.usage))
	}
	fmt.Fprintf(w, "\t)\n")
	fmt.Fprintf(w, "\t_arguments -C \\\n")
	for _, f := range cmds[0].flags {
		fmt.Fprintf(w, "\t\t%s \\\n", zshSpec(f))
	}
	fmt.Fprintf(w, "\t\t'1:command:->command' \\\n\t\t'*::argument:->argument'\n")
	fmt.Fprintf(w, "\tcase $state in\n\tcommand) _describe command commands ;;\n\targument)\n\t\tcase $words[1] in\n")
	for _, c := range cmds[1:] {
		fmt.Fprintf(w, "\t\t%s)\n\t\t\t_arguments \\\n", c.name)
		for _, f := range c.flags {
			fmt.Fprintf(w, "\t\t\t\t%s \\\n", zshSpec(f))
		}
		if c.args != nil {
			fmt.Fprintf(w, "\t\t\t\t'1:argument:(%s)'\n\t\t\t;;\n", strings.Join(c.args, " "))
			continue
		}
		fmt.Fprintf(w, "\t\t\t\t'*:argument:_files'\n\t\t\t;;\n")
	}
	fmt.Fprintf(w, "\t\tesac\n\t\t;;\n\tesac\n}\n\n_ftpdiag \"$@\"\n")
}

// zshSpec is one flag as _arguments reads it: its names excluding each
// other, its description, and what its value completes to.
func zshSpec(f shellFlag) string {
	desc := zshQuote(f.usage)
	action := ""
	if f.value {
		switch {
		case f.choices != nil:
			action = ":value:(" + strings.Join(f.choices, " ") + ")"
		case f.file:
			action = ":file:_files"
		default:
			action = ":value: "
		}
	}
	if len(f.names) == 1 {
		eq := ""
		if f.value && strings.HasPrefix(f.names[0], "--") {
			eq = "="
		}
		return fmt.Sprintf("'%s%s[%s]%s'", f.names[0], eq, desc, action)
	}
	spellings := make([]string, len(f.names))
	for i, n := range f.names {
		spellings[i] = n
		if f.value && strings.HasPrefix(n, "--") {
			spellings[i] += "="
		}
	}
	return fmt.Sprintf("'(%s)'{%s}'[%s]%s'", strings.Join(f.names, " "), strings.Join(spellings, ","), desc, action)
}

// fishQuote makes s one single-quoted fish word.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func writeFish(w io.Writer, cmds []shellCommand) {
	fmt.Fprintf(w, "# fish completion for ftpdiag, made by 'ftpdiag completion fish'\n")
	var names []string
	for _, c := range cmds[1:] {
		names = append(names, c.name)
	}
	fmt.Fprintf(w, "complete -c ftpdiag -f\n")
	none := "not __fish_seen_subcommand_from " + strings.Join(names, " ")
	for _, c := range cmds[1:] {
		fmt.Fprintf(w, "complete -c ftpdiag -n '%s' -a %s -d %s\n", none, c.name, fishQuote(c.usage))
	}
	for _, c := range cmds {
		cond := none
		if c.name != "" {
			cond = "__fish_seen_subcommand_from " + c.name
		}
		for _, f := range c.flags {
			line := fmt.Sprintf("complete -c ftpdiag -n '%s'", cond)
			for _, n := range f.names {
				if strings.HasPrefix(n, "--") {
					line += " -l " + n[2:]
				} else {
					line += " -s " + n[1:]
				}
			}
			switch {
			case f.choices != nil:
				line += " -x -a " + fishQuote(strings.Join(f.choices, " "))
			case f.file:
				line += " -r -F"
			case f.value:
				line += " -x"
			}
			fmt.Fprintf(w, "%s -d %s\n", line, fishQuote(f.usage))
		}
		switch {
		case c.args != nil:
			fmt.Fprintf(w, "complete -c ftpdiag -n '%s' -a %s\n", cond, fishQuote(strings.Join(c.args, " ")))
		case c.name != "":
			fmt.Fprintf(w, "complete -c ftpdiag -n '%s' -F\n", cond)
		}
	}
}
