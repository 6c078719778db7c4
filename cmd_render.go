package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"ftpdiag/report"
)

// outputFlags are shared by every command that renders a result.
func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text, markdown, json, email or nagios", EnvVars: []string{"FTPDIAG_FORMAT"}},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `FILE` instead of standard output"},
	}
}

// checkFormat rejects an unknown --format before any work is done, so a
// probe does not run for seconds only to fail at the end.
func checkFormat(c *cli.Context) error {
	if f := c.String("format"); !slices.Contains(report.Formats, f) {
		return usageErrorf("unknown format %q", f).
			withHint("use one of %s", strings.Join(report.Formats, ", "))
	}
	return nil
}

// writeResult renders res as --format asks, to -o FILE or stdout. Colour is
// decided here, once: only text on a terminal, never into a file. A file is
// rendered in memory first, so a failed rendering leaves no half report.
func writeResult(c *cli.Context, res *report.Result) error {
	clearStatus(c) // before anything else reaches the terminal, errors included
	if err := checkFormat(c); err != nil {
		return err
	}
	path := c.String("output")
	if path == "" {
		opt := report.RenderOptions{Color: useColor(c, c.App.Writer)}
		return renderTo(c.App.Writer, res, c.String("format"), opt)
	}
	var b strings.Builder
	if err := renderTo(&b, res, c.String("format"), report.RenderOptions{}); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return usageErrorf("cannot write the result: %v", err).
			withHint("check that the directory of %s exists and is writable", path)
	}
	return nil
}

func renderTo(w io.Writer, res *report.Result, format string, opt report.RenderOptions) error {
	err := report.Render(w, res, format, opt)
	if errors.Is(err, report.ErrUnknownFormat) {
		return usageErrorf("%v", err).withHint("use one of %s", strings.Join(report.Formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	return nil
}
