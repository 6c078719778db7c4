package cli

import (
	"errors"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"ftpdiag/render"
	"ftpdiag/result"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "render a saved JSON result as text, markdown, json, a support e-mail or an HTML page",
		ArgsUsage: "FILE",
		Description: "Reads a result saved with 'ftpdiag probe --format json -o result.json'\n" +
			"(FILE '-' reads standard input) and renders it in any format, so a\n" +
			"server can be probed once and the result mailed later. Passwords are\n" +
			"removed again on reading, in case the file was edited by hand.\n\n" +
			"The exit status is the saved verdict's, as probe's was: 0 ok, 1 warning,\n" +
			"2 critical, 3 unknown or a file that is not a result. A script that only\n" +
			"wants the rendering can ignore 1 and 2.",
		Flags:  outputFlags(),
		Action: reportAction,
	}
}

func reportAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErrorf("report takes one FILE, got %d arguments", c.NArg()).
			withHint("ftpdiag report result.json (saved with 'ftpdiag probe --format json -o result.json')")
	}
	if err := checkFormat(c); err != nil {
		return err
	}
	res, err := loadResult(c.Args().First(), c.App.Reader)
	if err != nil {
		return err
	}
	if err := writeResult(c, res); err != nil {
		return err
	}
	if s := res.Verdict.ExitStatus(); s != exitOK {
		return exitError{s}
	}
	return nil
}

// loadResult reads a saved result from path ("-": stdin) and turns every
// way it can fail into one error line and one hint.
func loadResult(path string, stdin io.Reader) (*result.Result, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageErrorf("cannot read %s: %v", path, unwrapPathError(err)).
				withHint("give the path of a result saved with 'ftpdiag probe --format json -o FILE'")
		}
		defer f.Close()
		r = f
	}
	res, err := render.Load(r)
	if err == nil {
		return res, nil
	}
	var se *result.SchemaError
	switch {
	case errors.As(err, &se) && se.Newer:
		return nil, usageErrorf("%s was written by a newer ftpdiag: %v", path, err).
			withHint("render it with the ftpdiag that wrote it, or install a newer one")
	case errors.Is(err, result.ErrNotJSON):
		return nil, usageErrorf("%s is not a result: %v", path, err).
			withHint("report reads JSON results; to diagnose a client's log, use 'ftpdiag explain %s'", path)
	case errors.Is(err, result.ErrNotResult), errors.Is(err, result.ErrTooLarge):
		return nil, usageErrorf("%s is not an ftpdiag result: %v", path, err).
			withHint("report reads results saved with 'ftpdiag probe --format json -o FILE' (schema %s)", result.Schema)
	}
	return nil, usageErrorf("cannot read %s: %v", path, err).
		withHint("give the path of a result saved with 'ftpdiag probe --format json -o FILE'")
}

// unwrapPathError keeps the reason and drops the path *os.PathError
// repeats, since the message names the file already.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
