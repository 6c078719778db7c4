package main

import (
	"bufio"
	"net"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"ftpdiag/diagnose"
	"ftpdiag/probe"
)

func probeCommand() *cli.Command {
	return &cli.Command{
		Name:      "probe",
		Usage:     "check an FTP server as a client meets it, and say what is wrong",
		ArgsUsage: "ftp://[user[:password]@]host[:port][/path]",
		Description: "Connects, logs in, lists and downloads in passive mode, samples the passive\n" +
			"port range, tries active mode and a standard client library, side by side,\n" +
			"then explains every failure with the transcript lines that show it.\n" +
			"Exit status: 0 ok, 1 warning, 2 critical, 3 the probe could not run.",
		Flags: append(outputFlags(),
			&cli.BoolFlag{Name: "password-stdin", Usage: "read the password from the first line of standard input"},
			&cli.DurationFlag{Name: "timeout", Value: probe.DefaultTimeout, Usage: "how long a connection attempt may go unanswered"},
			&cli.DurationFlag{Name: "reply-timeout", Value: probe.DefaultReplyTimeout, Usage: "how long to wait for a server's reply"},
			&cli.BoolFlag{Name: "passive-only", Usage: "try passive mode only"},
			&cli.BoolFlag{Name: "active-only", Usage: "try active mode only"},
			&cli.StringFlag{Name: "file", Usage: "download `PATH` (default: the first regular file of the listing)"},
			&cli.Int64Flag{Name: "max-bytes", Value: probe.DefaultMaxBytes, Usage: "cut a listing or download after this many bytes"},
			&cli.BoolFlag{Name: "trust-pasv-address", Usage: "connect to the address a PASV reply names even when it is not the server's"},
			&cli.BoolFlag{Name: "sweep", Usage: "test every port of an ftpdiag server's passive range (SITE SWEEP)"},
		),
		Action: runProbe,
	}
}

func runProbe(c *cli.Context) error {
	target, opts, err := probeArgs(c)
	if err != nil {
		return err
	}
	out := probe.Run(c.Context, target, opts)
	res := diagnose.NewResult(diagnose.Input{Tool: tool(), Record: out.Record()})
	if err := writeResult(c, res); err != nil {
		return err
	}
	if status := res.Verdict.ExitStatus(); status != exitOK {
		return exitError{status}
	}
	return nil
}

// probeArgs reads the URL and flags; every problem is a usage error.
func probeArgs(c *cli.Context) (probe.Target, probe.Options, error) {
	var opts probe.Options
	if err := checkFormat(c); err != nil {
		return probe.Target{}, opts, err
	}
	if c.NArg() != 1 {
		err := usageErrorf("probe needs exactly one URL, got %d arguments", c.NArg())
		for _, a := range c.Args().Tail() {
			if strings.HasPrefix(a, "-") {
				return probe.Target{}, opts, err.withHint("flags go before the URL: ftpdiag probe %s URL", a)
			}
		}
		return probe.Target{}, opts, err.withHint("ftpdiag probe ftp://user@host:21/")
	}
	t, err := probe.ParseTarget(c.Args().First())
	if err != nil {
		return t, opts, usageErrorf("%v", err).withHint("the URL looks like ftp://[user@]host[:port][/path]")
	}
	if err := readPassword(c, &t); err != nil {
		return t, opts, err
	}
	if c.Bool("passive-only") && c.Bool("active-only") {
		return t, opts, usageErrorf("--passive-only and --active-only exclude each other").withHint("give at most one of them")
	}
	if err := positive(c, "timeout", "reply-timeout"); err != nil {
		return t, opts, err
	}
	if c.Int64("max-bytes") < 1 {
		return t, opts, usageErrorf("--max-bytes must be at least 1").withHint("the default is %d", probe.DefaultMaxBytes)
	}
	opts = probe.Options{
		Timeout: c.Duration("timeout"), ReplyTimeout: c.Duration("reply-timeout"),
		PassiveOnly: c.Bool("passive-only"), ActiveOnly: c.Bool("active-only"),
		File: c.String("file"), MaxBytes: c.Int64("max-bytes"),
		TrustPasvAddress: c.Bool("trust-pasv-address"), Sweep: c.Bool("sweep"),
		Status: statusReporter(c), Resolver: probeResolver,
	}
	return t, opts, nil
}

// probeResolver looks the target's name up; nil is the system's. Tests set
// one that fails them if it is ever asked.
var probeResolver *net.Resolver

func positive(c *cli.Context, names ...string) error {
	for _, n := range names {
		if d := c.Duration(n); d <= 0 || d > time.Hour {
			return usageErrorf("--%s %s is out of range", n, d).withHint("give a duration from 1ms to 1h, such as 5s")
		}
	}
	return nil
}

// readPassword takes the password from stdin or FTPDIAG_PASSWORD when the
// URL has none, so it need never be on the command line.
func readPassword(c *cli.Context, t *probe.Target) error {
	var pw string
	switch {
	case c.Bool("password-stdin"):
		line, err := bufio.NewReader(c.App.Reader).ReadString('\n')
		if err != nil && line == "" {
			return usageErrorf("--password-stdin: nothing to read on standard input").withHint("echo \"$PASSWORD\" | ftpdiag probe --password-stdin URL")
		}
		pw = strings.TrimRight(line, "\r\n")
	case !t.HasPass:
		v, ok := os.LookupEnv("FTPDIAG_PASSWORD")
		if !ok {
			return nil
		}
		pw = v
	default:
		return nil
	}
	t.Password, t.HasPass = pw, true
	return nil
}
