// Package cli is ftpdiag's command line: its commands, flags, exit statuses,
// colour decisions and usage text. It builds no verdict and no report body.
//
// Flags, exit statuses and colour decisions live in this package and
// nowhere else.
package cli

import (
	"errors"
	"fmt"
	"ftpdiag/result"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"
)

// version is the tool's version, as written in every result and printed by
// --version. A release sets it (-ldflags "-X ftpdiag/internal/cli.version=1.2.3"); otherwise
// init reads it from the build (see version.go).
var version string

// tool names this program in every result it makes.
func tool() result.Tool { return result.Tool{Name: "ftpdiag", Version: version} }

// Exit statuses, in the monitoring-plugin convention of docs/DIAGNOSES.md.
const (
	exitOK       = 0
	exitWarning  = 1
	exitCritical = 2
	exitUnknown  = 3 // bad usage, bad input, internal error
)

// Run runs the command line args (args[0] is the program's name) and
// returns the exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, stdin, stdout, stderr)
}

// run is Run, as the tests call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	a, err := arrange(app, args)
	if err == nil {
		err = app.Run(a.args)
	}
	if err != nil && a.nagios {
		// A monitoring system reads the plugin's first line on stdout.
		var ee exitError
		if !errors.As(err, &ee) {
			fmt.Fprintf(stdout, "FTPDIAG UNKNOWN - %s\n", tidy(err.Error()))
		}
	}
	return exitStatus(err, stderr)
}

func init() {
	// -V prints the version, as curl and nmap do; -v is theirs for verbose.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version", DisableDefaultText: true}
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	status := newStatus(stderr)
	app := &cli.App{
		Name:    "ftpdiag",
		Usage:   "find out why an FTP client can log in but cannot list or download",
		Version: version,
		Description: "ftpdiag is a small reference FTP server and a probing client. It checks\n" +
			"the control connection (port 21), passive data connections (the server's\n" +
			"range, 3000 and up by default) and active data connections (from port 20),\n" +
			"and explains every failure in an annotated transcript.",
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: false,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-color", Usage: "never colour the output (NO_COLOR does the same)", EnvVars: []string{"FTPDIAG_NO_COLOR"}},
		},
		Commands: []*cli.Command{
			serveCommand(),
			probeCommand(status),
			selftestCommand(status),
			reportCommand(),
			explainCommand(),
			exporterCommand(),
			webCommand(),
			completionCommand(),
			manCommand(),
		},
		OnUsageError: onUsageError,
		CommandNotFound: func(c *cli.Context, name string) {
			// Reported through exitStatus: the returned error is set by Action below.
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 { // after --: arrange has not seen it
				return usageErrorf("unknown command %q", c.Args().First()).
					withHint("the commands are %s; see 'ftpdiag --help'", strings.Join(commandNames(c.App), ", "))
			}
			return cli.ShowAppHelp(c)
		},
		ExitErrHandler: func(*cli.Context, error) {}, // exitStatus reports errors
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = onUsageError
		// --no-color is accepted after the command too, where people type it.
		cmd.Flags = append(cmd.Flags, &cli.BoolFlag{Name: "no-color", Usage: "never colour the output (NO_COLOR does the same)", EnvVars: []string{"FTPDIAG_NO_COLOR"}})
	}
	return app
}

// usageError is bad input: exit status 3, one error line and one hint line.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) *usageError {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func (e *usageError) withHint(format string, args ...any) *usageError {
	e.hint = fmt.Sprintf(format, args...)
	return e
}

// exitError carries a verdict's exit status out of an action that has
// already printed its result.
type exitError struct{ status int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.status) }

func onUsageError(c *cli.Context, err error, isSubcommand bool) error {
	hint := "see 'ftpdiag --help'"
	if c.Command != nil && c.Command.Name != "" && c.Command.Name != c.App.Name {
		hint = fmt.Sprintf("see 'ftpdiag %s --help'", c.Command.Name)
	}
	return &usageError{msg: err.Error(), hint: hint}
}

// exitStatus prints err in the house style and maps it to an exit status.
func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.status
	}
	var ue *usageError
	if errors.As(err, &ue) {
		printError(stderr, ue.msg, ue.hint)
		return exitUnknown
	}
	printError(stderr, err.Error(), "")
	return exitUnknown
}

// printError writes "ftpdiag: error: ..." and, when there is one,
// "ftpdiag: hint: ..." in lower case, without a trailing period.
func printError(w io.Writer, msg, hint string) {
	fmt.Fprintf(w, "ftpdiag: error: %s\n", tidy(msg))
	if hint != "" {
		fmt.Fprintf(w, "ftpdiag: hint: %s\n", tidy(hint))
	}
}

func tidy(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	return strings.ReplaceAll(s, "\n", " ")
}

// notBuilt is the honest answer of a command whose implementation has not
// landed yet: exit status 3 and a sentence that says so.
func notBuilt(name string) cli.ActionFunc {
	return func(*cli.Context) error {
		return usageErrorf("'ftpdiag %s' is not built yet in this version", name).
			withHint("see the README for the commands that work today")
	}
}

// useColor decides once whether output to w is coloured: only on a terminal,
// never with NO_COLOR set or --no-color.
func useColor(c *cli.Context, w io.Writer) bool {
	if c.Bool("no-color") {
		return false
	}
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}
