package cli

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// arranged is a command line put in the order urfave/cli parses, and what
// was learned on the way.
type arranged struct {
	args   []string
	nagios bool // --format nagios was asked for: errors are a plugin's UNKNOWN line
}

// arrange reads the command line as curl and nmap users type it, with
// flags before or after the URL or file (ftpdiag probe ftp://host/ --format
// json), and puts every flag before the first argument, where urfave/cli v2
// stops reading them. A flag's value is taken with it, so a value that looks
// like an argument stays a value. An unknown command or flag is a usage
// error here, with the nearest name when there is one; "--" ends the flags.
func arrange(app *cli.App, args []string) (arranged, error) {
	a := arranged{nagios: os.Getenv("FTPDIAG_FORMAT") == "nagios"}
	if len(args) == 0 {
		return a, nil
	}
	out := []string{args[0]}
	i := 1
	for ; i < len(args) && isFlag(args[i]); i++ {
		if args[i] == "--" {
			a.args = append(out, args[i:]...)
			return a, nil
		}
		if _, err := lookupFlag(app.Flags, args[i], "ftpdiag --help"); err != nil {
			return a, err
		}
		out = append(out, args[i])
	}
	if i == len(args) {
		a.args = out
		return a, nil
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		if args[i] == "help" {
			a.args = append(out, args[i:]...)
			return a, nil
		}
		err := usageErrorf("unknown command %q", args[i])
		if s := suggest(args[i], commandNames(app)); s != "" {
			return a, err.withHint("did you mean '%s'? see 'ftpdiag --help'", s)
		}
		return a, err.withHint("the commands are %s; see 'ftpdiag --help'", strings.Join(commandNames(app), ", "))
	}
	out = append(out, args[i])
	var flags, rest []string
	dashes := false
	help := fmt.Sprintf("ftpdiag %s --help", cmd.Name)
	for j := i + 1; j < len(args); j++ {
		arg := args[j]
		switch {
		case arg == "--":
			dashes = true
			rest = append(rest, args[j+1:]...)
			j = len(args)
		case isFlag(arg):
			f, err := lookupFlag(cmd.Flags, arg, help)
			if err != nil {
				return a, err
			}
			flags = append(flags, arg)
			name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
			if takesValue(f) && !hasValue && j+1 < len(args) {
				j++
				value = args[j]
				flags = append(flags, value)
			}
			if name == "format" || name == "f" {
				a.nagios = value == "nagios"
			}
		default:
			rest = append(rest, arg)
		}
	}
	out = append(out, flags...)
	if dashes {
		out = append(out, "--")
	}
	a.args = append(out, rest...)
	return a, nil
}

// isFlag says whether arg is written as a flag; "-" alone is standard input.
func isFlag(arg string) bool { return len(arg) > 1 && arg[0] == '-' }

// lookupFlag finds the flag arg names among flags, or says it is unknown
// and which name was perhaps meant.
func lookupFlag(flags []cli.Flag, arg, help string) (cli.Flag, error) {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	var names []string
	for _, f := range append(slices.Clone(flags), cli.HelpFlag, cli.VersionFlag) {
		if f == nil {
			continue
		}
		if slices.Contains(f.Names(), name) {
			return f, nil
		}
		names = append(names, f.Names()...)
	}
	written, _, _ := strings.Cut(arg, "=")
	err := usageErrorf("unknown flag %s", written)
	if name == "v" {
		return nil, err.withHint("-V prints the version; -v is verbose, for the commands that have it: see '%s'", help)
	}
	if s := suggest(name, names); s != "" {
		return nil, err.withHint("did you mean %s? see '%s'", dashed(s), help)
	}
	return nil, err.withHint("see '%s'", help)
}

// dashed writes a flag's name as it is typed: -4, --format.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// takesValue says whether a flag reads the argument after it.
func takesValue(f cli.Flag) bool {
	if v, ok := f.(interface{ TakesValue() bool }); ok {
		return v.TakesValue()
	}
	return true
}

func commandNames(app *cli.App) []string {
	var names []string
	for _, c := range app.Commands {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	return names
}

// suggest is the known name nearest to typed, when it is near enough to
// be a typo: at most a third of its letters changed, added, dropped or
// swapped, and at most two; "" otherwise.
func suggest(typed string, known []string) string {
	best, bestDist := "", 0
	for _, k := range known {
		if len(k) < 2 {
			continue // -4 is no typo of anything
		}
		d := editDistance(typed, k)
		if limit := min(2, max(1, len(k)/3)); d <= limit && (best == "" || d < bestDist) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance counts the letters changed, added, dropped, or swapped with
// their neighbour, to turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// seconds is a duration flag's value that reads a bare number as seconds,
// as curl's --connect-timeout and the monitoring plugins' -t do (--timeout 5,
// --timeout 2.5), and a Go duration with its unit as before (500ms, 1m).
// String gives the Go form, which cli.Context.Duration reads.
type seconds struct{ d time.Duration }

func (s *seconds) Set(v string) error {
	d, err := parseSeconds(v)
	if err != nil {
		return err
	}
	s.d = d
	return nil
}

func (s *seconds) String() string {
	if s == nil {
		return ""
	}
	return s.d.String()
}

func parseSeconds(v string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f < 0 || f > float64(time.Hour/time.Second)*24 {
			return 0, fmt.Errorf("%s seconds is out of range", v)
		}
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is neither seconds (5, 2.5) nor a duration with its unit (500ms, 1m)", v)
	}
	return d, nil
}

// durationFlag is f with a value that reads bare numbers as seconds.
func durationFlag(f cli.DurationFlag) *cli.GenericFlag {
	return &cli.GenericFlag{
		Name: f.Name, Aliases: f.Aliases, Usage: f.Usage + " (seconds, or a duration such as 500ms)",
		EnvVars: f.EnvVars, Value: &seconds{f.Value}, DefaultText: f.DefaultText,
	}
}
