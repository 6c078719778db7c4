package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"ftpdiag/report"
	"ftpdiag/transcript"
)

// formats ftpdiag can render a result in.
var formats = []string{"text", "markdown", "json", "email"}

// outputFlags are shared by every command that renders a result.
func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text, markdown, json or email", EnvVars: []string{"FTPDIAG_FORMAT"}},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `FILE` instead of standard output"},
	}
}

// writeResult renders res as --format asks, to -o or stdout.
func writeResult(c *cli.Context, res *report.Result) error {
	format := c.String("format")
	var w io.Writer = c.App.Writer
	color := false
	if path := c.String("output"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return usageErrorf("cannot write the result: %v", err)
		}
		defer f.Close()
		w = f
	} else {
		color = useColor(c, c.App.Writer)
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	case "text", "markdown", "email":
		_ = color
		fmt.Fprintf(w, "verdict: %s\n", res.Verdict)
		for _, f := range res.Findings {
			fmt.Fprintf(w, "[%s] %s: %s\n  %s\n", f.Severity, f.Code, f.Title, f.Detail)
		}
		return transcript.Render(w, res.Transcript, transcript.RenderOptions{Headings: true})
	}
	return usageErrorf("unknown format %q", format).withHint("use one of text, markdown, json, email")
}
