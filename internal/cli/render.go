package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"ftpdiag/render"
	"ftpdiag/result"
)

// outputFlags are shared by every command that renders a result.
func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text, markdown, json, email, html or nagios", EnvVars: []string{"FTPDIAG_FORMAT"}},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `FILE` instead of standard output"},
		&cli.StringFlag{Name: "html", Usage: "also write the report as a web page with a timeline to `FILE` (the email format then says to attach it)"},
	}
}

// checkFormat rejects an unknown --format before any work is done, so a
// probe does not run for seconds only to fail at the end.
func checkFormat(c *cli.Context) error {
	if f := c.String("format"); !slices.Contains(render.Formats, f) {
		return usageErrorf("unknown format %q", f).
			withHint("use one of %s", strings.Join(render.Formats, ", "))
	}
	return nil
}

// writeResult renders res as --format asks, to -o FILE or stdout. Colour is
// decided here, once: only text on a terminal, never into a file. A file is
// rendered in memory first, so a failed rendering leaves no half render.
func writeResult(c *cli.Context, res *result.Result) error {
	return writeResultBefore(c, res, "")
}

// writeResultBefore is writeResult with text the text and markdown formats
// put before the transcript (render.RenderOptions.BeforeTranscript).
func writeResultBefore(c *cli.Context, res *result.Result, before string) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	// The probe's -w and -c; zero for the commands without them.
	opt := render.RenderOptions{Warning: c.Duration("warning"), Critical: c.Duration("critical"), BeforeTranscript: before}
	if page := c.String("html"); page != "" {
		if err := renderFile(page, res, "html", opt); err != nil {
			return err
		}
		opt.HTMLFile = page
	}
	path := c.String("output")
	if path == "" {
		opt.Color = useColor(c, c.App.Writer)
		return renderTo(c.App.Writer, res, c.String("format"), opt)
	}
	return renderFile(path, res, c.String("format"), opt)
}

// renderFile writes res to path as format, whole or not at all.
func renderFile(path string, res *result.Result, format string, opt render.RenderOptions) error {
	var b strings.Builder
	if err := renderTo(&b, res, format, opt); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return usageErrorf("cannot write the result: %v", err).
			withHint("check that the directory of %s exists and is writable", path)
	}
	return nil
}

func renderTo(w io.Writer, res *result.Result, format string, opt render.RenderOptions) error {
	err := render.Render(w, res, format, opt)
	if errors.Is(err, render.ErrUnknownFormat) {
		return usageErrorf("%v", err).withHint("use one of %s", strings.Join(render.Formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	return nil
}
