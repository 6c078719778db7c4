package cli

import (
	"bufio"
	"errors"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"ftpdiag/diagnose"
	"ftpdiag/probe"
	"ftpdiag/result"
)

// probeCommand is the probe; status shows what it waits for.
func probeCommand(status *statusLine) *cli.Command {
	return &cli.Command{
		Name:      "probe",
		Usage:     "check an FTP server as a client meets it, and say what is wrong",
		ArgsUsage: "ftp[s]://[user[:password]@]host[:port][/path]",
		Description: "Connects, logs in, lists and downloads in passive mode, samples the passive\n" +
			"port range, tries active mode and a standard client library, side by side,\n" +
			"then explains every failure with the transcript lines that show it.\n" +
			"With TLS (AUTH TLS by default, ftps:// for implicit TLS) it also checks the\n" +
			"certificate and session resumption; a password never goes out in clear text\n" +
			"where TLS works (--compare-plain: where TLS data fails, compare without TLS).\n" +
			"Exit status: 0 ok, 1 warning, 2 critical, 3 the probe could not run.",
		Flags: append(outputFlags(),
			&cli.BoolFlag{Name: "password-stdin", Usage: "read the password from the first line of standard input"},
			verboseFlag(),
			durationFlag(cli.DurationFlag{Name: "timeout", Value: probe.DefaultTimeout, Usage: "how long a connection attempt may go unanswered"}),
			durationFlag(cli.DurationFlag{Name: "reply-timeout", Value: probe.DefaultReplyTimeout, Usage: "how long to wait for a server's reply"}),
			&cli.BoolFlag{Name: "passive-only", Usage: "try passive mode only"},
			&cli.BoolFlag{Name: "active-only", Usage: "try active mode only"},
			&cli.BoolFlag{Name: "ipv4", Aliases: []string{"4"}, Usage: "check IPv4 only (default: both families of a name that has both)"},
			&cli.BoolFlag{Name: "ipv6", Aliases: []string{"6"}, Usage: "check IPv6 only"},
			&cli.StringFlag{Name: "file", Usage: "download `PATH` (default: the first regular file of the listing)"},
			&cli.Int64Flag{Name: "max-bytes", Value: probe.DefaultMaxBytes, Usage: "cut a listing or download after this many bytes"},
			&cli.BoolFlag{Name: "trust-pasv-address", Usage: "connect to the address a PASV reply names even when it is not the server's"},
			&cli.BoolFlag{Name: "sweep", Usage: "test every port of an ftpdiag server's passive range (SITE SWEEP)"},
			&cli.StringFlag{Name: "tls", Value: string(probe.TLSAuto), Usage: "explicit TLS on ftp:// (`MODE`: auto tries AUTH TLS and goes on in plain text where refused, require stops there, off speaks plain FTP); ftps:// is implicit TLS"},
			&cli.BoolFlag{Name: "compare-plain", Usage: "where TLS is in use and its passive data connection fails, log in once more without TLS to tell a router's FTP helper from the rest (sends the password in clear text)"},
			&cli.StringFlag{Name: "trace", Value: string(probe.TraceAuto), Usage: "trace the path to a data port hop by hop beside port 21 (`MODE`: auto where one timed out, always, off; Linux only; off by default with --format nagios)"},
			&cli.StringFlag{Name: "ca-file", Usage: "trust the CA certificates in `FILE` (PEM) besides the system roots"},
			durationFlag(cli.DurationFlag{Name: "warning", Aliases: []string{"w"}, DefaultText: "none", Usage: "a verdict taking longer than this is at least a warning (probe.slow), as a monitoring plugin's -w"}),
			durationFlag(cli.DurationFlag{Name: "critical", Aliases: []string{"c"}, DefaultText: "none", Usage: "a verdict taking longer than this is critical (probe.slow), as a monitoring plugin's -c"}),
		),
		Action: func(c *cli.Context) error { return runProbe(c, status) },
	}
}

func runProbe(c *cli.Context, status *statusLine) error {
	target, opts, err := probeArgs(c)
	if err != nil {
		return err
	}
	th := diagnose.Thresholds{Warning: c.Duration("warning"), Critical: c.Duration("critical")}
	if err := th.Validate(); err != nil {
		return usageErrorf("%v", err).withHint("-w is the warning time, -c the critical one, in seconds: -w 5 -c 10")
	}
	if c.Bool("verbose") {
		status = newVerbose(c.App.ErrWriter, time.Now)
	}
	opts.Status = status.reporter()
	out := probe.Run(c.Context, target, opts)
	status.clear() // before anything else reaches the terminal
	res := diagnose.NewResult(diagnose.Input{Tool: tool(), Record: out.Record(), Thresholds: th})
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
		return probe.Target{}, opts, usageErrorf("probe needs exactly one URL, got %d arguments", c.NArg()).
			withHint("ftpdiag probe ftp://user@host:21/")
	}
	t, err := probe.ParseTarget(c.Args().First())
	if err != nil {
		if errors.Is(err, probe.ErrControlChar) {
			return t, opts, usageErrorf("%v", err).withHint("a command on an FTP control connection ends at CR or LF; give the name or password without control characters")
		}
		return t, opts, usageErrorf("%v", err).withHint("the URL looks like ftp://[user@]host[:port][/path]")
	}
	if err := readPassword(c, &t); err != nil {
		return t, opts, err
	}
	if err := t.Validate(); err != nil { // the password may come from stdin or FTPDIAG_PASSWORD
		return t, opts, usageErrorf("%v", err).withHint("a command on an FTP control connection ends at CR or LF; give the name or password without control characters")
	}
	if c.Bool("passive-only") && c.Bool("active-only") {
		return t, opts, usageErrorf("--passive-only and --active-only exclude each other").withHint("give at most one of them")
	}
	family, err := familyFlag(c, t)
	if err != nil {
		return t, opts, err
	}
	if err := positive(c, "timeout", "reply-timeout"); err != nil {
		return t, opts, err
	}
	if c.Int64("max-bytes") < 1 {
		return t, opts, usageErrorf("--max-bytes must be at least 1").withHint("the default is %d", probe.DefaultMaxBytes)
	}
	if err := probe.CheckFile(c.String("file")); err != nil {
		return t, opts, usageErrorf("--file: %v", err).withHint("give the path without control characters")
	}
	mode, err := probe.ParseTLSMode(c.String("tls"))
	if err != nil {
		return t, opts, usageErrorf("--tls %v", err).withHint("the default, auto, is what FileZilla does")
	}
	if t.Implicit && mode == probe.TLSOff {
		return t, opts, usageErrorf("ftps:// is implicit TLS, and --tls off asks for none").withHint("use ftp://host/ --tls off for plain FTP")
	}
	traceMode, err := probe.TraceModeFor(c.String("trace"), c.IsSet("trace"), c.String("format") == "nagios")
	if err != nil {
		return t, opts, usageErrorf("%v", err).withHint("auto traces only where a data port timed out")
	}
	opts = probe.Options{
		TLS: mode, Trace: traceMode,
		Timeout: c.Duration("timeout"), ReplyTimeout: c.Duration("reply-timeout"),
		PassiveOnly: c.Bool("passive-only"), ActiveOnly: c.Bool("active-only"), Family: family,
		File: c.String("file"), MaxBytes: c.Int64("max-bytes"),
		TrustPasvAddress: c.Bool("trust-pasv-address"), Sweep: c.Bool("sweep"), ComparePlain: c.Bool("compare-plain"),
		Resolver: probeResolver,
	}
	if f := c.String("ca-file"); f != "" {
		if opts.Roots, err = probe.LoadRoots(f); err != nil {
			return t, opts, usageErrorf("%v", err).withHint("give a PEM file with the CA certificate(s) that signed the server's")
		}
	}
	return t, opts, nil
}

// familyFlag reads -4 and -6; an address literal of the other family
// cannot be reached through either.
func familyFlag(c *cli.Context, t probe.Target) (string, error) {
	family := ""
	switch {
	case c.Bool("ipv4") && c.Bool("ipv6"):
		return "", usageErrorf("-4 and -6 exclude each other").withHint("give neither to check both families")
	case c.Bool("ipv4"):
		family = result.FamilyIPv4
	case c.Bool("ipv6"):
		family = result.FamilyIPv6
	default:
		return "", nil
	}
	if ip, err := netip.ParseAddr(t.Host); err == nil && probe.FamilyOf(ip) != family {
		return "", usageErrorf("-%s with the address %s, which is %s", family[3:], t.Host, probe.FamilyName(probe.FamilyOf(ip))).
			withHint("drop the flag, or give a host name or address of that family")
	}
	return family, nil
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
