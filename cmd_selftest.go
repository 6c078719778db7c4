package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"ftpdiag/probe"
	"ftpdiag/result"
	"ftpdiag/selftest"
)

func selftestCommand() *cli.Command {
	return &cli.Command{
		Name:  "selftest",
		Usage: "start the reference server here and probe it: can this machine serve FTP?",
		Description: "Checks whether ports 21, 20 and the passive range 3000-3024 can be bound here\n" +
			"(and who holds them if not), reads the local nftables or iptables rules that\n" +
			"would drop or reject them, starts the reference server and probes it through\n" +
			"loopback in passive and active mode, and ends with the command to run from\n" +
			"outside the network. Without root it uses unprivileged ports and says so.\n" +
			"Exit status: 0 ok, 1 warning, 2 critical, 3 the self-test could not run.",
		Flags: append(outputFlags(),
			&cli.StringFlag{Name: "address", Usage: "local `IP` to listen on and probe (default: both loopbacks, 127.0.0.1 and ::1)", EnvVars: []string{"FTPDIAG_ADDRESS"}},
			&cli.IntFlag{Name: "max-connections", Value: selftest.DefaultMaxSessions, Usage: "sizes the passive range 3000..3000+N, as for serve", EnvVars: []string{"FTPDIAG_MAX_CONNECTIONS"}},
			&cli.DurationFlag{Name: "timeout", Value: probe.DefaultTimeout, Usage: "how long a connection attempt may go unanswered", EnvVars: []string{"FTPDIAG_TIMEOUT"}},
			&cli.StringFlag{Name: "tls-cert", Usage: "test FTPS too: the server offers AUTH TLS with the certificate (chain) in PEM `FILE`", EnvVars: []string{"FTPDIAG_TLS_CERT"}},
			&cli.StringFlag{Name: "tls-key", Usage: "the certificate's private key, PEM `FILE`", EnvVars: []string{"FTPDIAG_TLS_KEY"}},
			&cli.BoolFlag{Name: "tls-self-signed", Usage: "test FTPS too, with a throw-away certificate", EnvVars: []string{"FTPDIAG_TLS_SELF_SIGNED"}},
		),
		Action: runSelftest,
	}
}

func runSelftest(c *cli.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	if n := c.Int("max-connections"); n < 1 || n > 10000 {
		return usageErrorf("--max-connections %d is out of range", n).withHint("give a number from 1 to 10000; the default is 24")
	}
	if err := positive(c, "timeout"); err != nil {
		return err
	}
	host := c.String("address")
	if host == "" {
		host = "localhost"
	}
	cert, err := certFromFlags(c, host)
	if err != nil {
		return err
	}
	out, err := selftest.Run(c.Context, selftest.Config{
		TLS:         cert,
		Address:     c.String("address"),
		MaxSessions: c.Int("max-connections"),
		Probe:       probe.Options{Timeout: c.Duration("timeout"), Status: statusReporter(c)},
		Tool:        tool(),
	})
	if err != nil {
		return usageErrorf("the self-test could not start: %v", err).
			withHint("choose another address with --address, or free the ports it names")
	}
	out.Result.Checks = append(out.Result.Checks, machineChecks(out)...)
	var before strings.Builder
	if f := c.String("format"); (f == "text" || f == "markdown") && c.String("output") == "" {
		writeEpilogue(&before, out)
	}
	if err := writeResultBefore(c, out.Result, before.String()); err != nil {
		return err
	}
	if status := out.Result.Verdict.ExitStatus(); status != exitOK {
		return exitError{status}
	}
	return nil
}

// machineChecks records in the result what the self-test learned about this
// machine, so the JSON form carries it too.
func machineChecks(o *selftest.Outcome) []result.Check {
	pl := o.Plan
	cs := []result.Check{{Name: "local ports", Status: result.Pass,
		Detail: fmt.Sprintf("control %d, passive %d-%d, active from %s", pl.ControlPort, pl.PasvMin, pl.PasvMax, activeFrom(pl))}}
	if len(pl.Notes) > 0 {
		cs[0].Status, cs[0].Detail = result.Warn, cs[0].Detail+"; "+strings.Join(pl.Notes, "; ")
	}
	// FwSource names the tool read, or says why none could be read.
	fw := result.Check{Name: "local firewall", Status: result.Pass, Detail: o.FwSource + ": nothing drops or rejects these ports"}
	switch {
	case o.FwSource != "nftables" && o.FwSource != "iptables":
		fw.Status, fw.Detail = result.NotChecked, o.FwSource
	case len(o.Firewall) > 0:
		fw.Status, fw.Detail = result.Fail, fmt.Sprintf("%s: %d rule(s) block FTP ports", o.FwSource, len(o.Firewall))
	}
	outside := result.Check{Name: "from outside", Status: result.NotChecked,
		Detail: "only a second machine meets the firewall in front of this one: run " + o.Outside}
	return append(cs, fw, outside)
}

func activeFrom(pl selftest.Plan) string {
	if pl.ActiveFrom20 {
		return "port 20"
	}
	return "any port"
}

// writeEpilogue ends the text report with this machine's facts and the one
// command to run from elsewhere, and what its answers would mean.
func writeEpilogue(w io.Writer, o *selftest.Outcome) {
	pl := o.Plan
	fmt.Fprintf(w, "\nThis machine\n")
	fmt.Fprintf(w, "  ports used      control %d, passive %d-%d, active from %s\n", pl.ControlPort, pl.PasvMin, pl.PasvMax, activeFrom(pl))
	for _, n := range pl.Notes {
		fmt.Fprintf(w, "  note            %s\n", n)
	}
	if o.TLS != "" {
		fmt.Fprintf(w, "  TLS             %s\n", o.TLS)
	}
	fmt.Fprintf(w, "  local firewall  %s\n", firewallLine(o))
	for _, b := range o.Firewall {
		fmt.Fprintf(w, "                  %s\n", b)
	}
	fmt.Fprintf(w, "\nNext: start the server for real (ftpdiag serve --user NAME:PASSWORD --pasv-ports %d-%d),\n", pl.PasvMin, pl.PasvMax)
	fmt.Fprintf(w, "then from a machine outside this network run (with the public address\n")
	fmt.Fprintf(w, "where this machine is behind NAT):\n\n    %s\n\n", o.Outside)
	fmt.Fprintf(w, "  exit 0                 clients can log in, list and download from outside\n")
	fmt.Fprintf(w, "  control.timeout        a firewall or router in front of this machine drops port %d\n", pl.ControlPort)
	fmt.Fprintf(w, "  data.passive.timeout   the passive range %d-%d is dropped on the way in\n", pl.PasvMin, pl.PasvMax)
	fmt.Fprintf(w, "  data.passive.partial   only part of the range is open: --sweep lists the blocked ports\n")
	fmt.Fprintf(w, "  pasv.private-address   this server is behind NAT: start it with --pasv-address <public IP>\n")
}

func firewallLine(o *selftest.Outcome) string {
	switch {
	case len(o.Firewall) > 0:
		return fmt.Sprintf("%s: %d rule(s) drop or reject FTP ports:", o.FwSource, len(o.Firewall))
	case o.FwSource == "nftables" || o.FwSource == "iptables":
		return o.FwSource + ": nothing drops or rejects the control port or the passive range"
	}
	return o.FwSource
}
