package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"ftpdiag/probe"
	"ftpdiag/result"
	"ftpdiag/selftest"
	"ftpdiag/web"
)

// selftestCommand is the self-test; status shows what its probe waits for.
func selftestCommand(status *statusLine) *cli.Command {
	return &cli.Command{
		Name:  "selftest",
		Usage: "start the reference server here and probe it: can this machine serve FTP?",
		Description: "Checks whether ports 21, 20 and the passive range 3000-3024 can be bound here\n" +
			"(and who holds them if not), reads the local nftables or iptables rules that\n" +
			"would drop or reject them, starts the reference server and probes it through\n" +
			"loopback in passive and active mode, and ends with the command to run from\n" +
			"outside the network. Without root it uses unprivileged ports and says so.\n" +
			"Exit status: 0 ok, 1 warning, 2 critical, 3 the self-test could not run.",
		Flags: append(outputFlags(), verboseFlag(),
			&cli.StringFlag{Name: "address", Usage: "local `IP` to listen on and probe (default: both loopbacks, 127.0.0.1 and ::1)", EnvVars: []string{"FTPDIAG_ADDRESS"}},
			&cli.IntFlag{Name: "max-connections", Value: selftest.DefaultMaxSessions, Usage: "sizes the passive range 3000..3000+N, as for serve", EnvVars: []string{"FTPDIAG_MAX_CONNECTIONS"}},
			durationFlag(cli.DurationFlag{Name: "timeout", Value: probe.DefaultTimeout, Usage: "how long a connection attempt may go unanswered", EnvVars: []string{"FTPDIAG_TIMEOUT"}}),
			&cli.StringFlag{Name: "tls-cert", Usage: "test FTPS too: the server offers AUTH TLS with the certificate (chain) in PEM `FILE`", EnvVars: []string{"FTPDIAG_TLS_CERT"}},
			&cli.StringFlag{Name: "tls-key", Usage: "the certificate's private key, PEM `FILE`", EnvVars: []string{"FTPDIAG_TLS_KEY"}},
			&cli.BoolFlag{Name: "tls-self-signed", Usage: "test FTPS too, with a throw-away certificate", EnvVars: []string{"FTPDIAG_TLS_SELF_SIGNED"}},
			&cli.StringFlag{Name: "from", Usage: "also ask the ftpdiag web service at `URL` (https://check.example.org) to probe this machine back from outside"},
			&cli.StringFlag{Name: "pasv-address", Usage: "the `IP` the server advertises in PASV to clients outside (behind NAT: the public address)"},
		),
		Action: func(c *cli.Context) error { return runSelftest(c, status) },
	}
}

func runSelftest(c *cli.Context, status *statusLine) error {
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
	from, err := fromOutside(c, cert != nil)
	if err != nil {
		return err
	}
	if c.Bool("verbose") {
		status = newVerbose(c.App.ErrWriter, time.Now)
	}
	out, err := selftest.Run(c.Context, selftest.Config{
		FromOutside: from,
		PasvAddress: c.String("pasv-address"),
		TLS:         cert,
		Address:     c.String("address"),
		MaxSessions: c.Int("max-connections"),
		Probe:       probe.Options{Timeout: c.Duration("timeout"), Status: status.reporter()},
		Tool:        tool(),
	})
	status.clear() // before anything else reaches the terminal
	if err != nil {
		return usageErrorf("the self-test could not start: %v", err).
			withHint("choose another address with --address, or free the ports it names")
	}
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

// writeEpilogue ends the text report with this machine's facts and the one
// command to run from elsewhere, and what its answers would mean.
func writeEpilogue(w io.Writer, o *selftest.Outcome) {
	pl := o.Plan
	fmt.Fprintf(w, "\nThis machine\n")
	fmt.Fprintf(w, "  ports used      control %d, passive %d-%d, active from %s\n", pl.ControlPort, pl.PasvMin, pl.PasvMax, pl.ActiveFrom())
	for _, n := range pl.Notes {
		fmt.Fprintf(w, "  note            %s\n", n)
	}
	if o.TLS != "" {
		fmt.Fprintf(w, "  TLS             %s\n", o.TLS)
	}
	fmt.Fprintf(w, "  local firewall  %s\n", firewallLine(o))
	for _, b := range o.Firewall.Blockers {
		fmt.Fprintf(w, "                  %s\n", b)
	}
	if v := o.FromOutside; v != nil {
		fmt.Fprintf(w, "\nFrom outside\n  seen as         %s%s\n  verdict         %s (%d finding(s) above, marked \"Seen from outside\")\n",
			v.SeenAs, natNote(v), v.Result.Verdict, len(v.Result.Findings))
	}
	fmt.Fprintf(w, "\nNext: start the server for real (ftpdiag serve --user NAME:PASSWORD --pasv-ports %d-%d),\n", pl.PasvMin, pl.PasvMax)
	fmt.Fprintf(w, "then from a machine outside this network run (with the public address\n")
	fmt.Fprintf(w, "where this machine is behind NAT):\n\n    %s\n\n", o.Outside)
	for _, a := range o.OutsideAnswers() {
		fmt.Fprintf(w, "  %-22s %s\n", a.Answer, a.Means)
	}
}

func firewallLine(o *selftest.Outcome) string {
	fw := o.Firewall
	switch fw.Status() {
	case result.Fail:
		return fmt.Sprintf("%s: %d rule(s) drop or reject FTP ports:", fw.Source, len(fw.Blockers))
	case result.Pass:
		return fw.Source + ": nothing drops or rejects the control port or the passive range"
	}
	return fw.Source
}

// fromOutsideBudget bounds asking a check service to probe this machine:
// the service's own bound on a probe, and a margin for the answer.
const fromOutsideBudget = 100 * time.Second

// fromOutside is the --from hook: it asks the web service to probe the
// self-test's control port back, with TLS where the self-test's server
// offers it. The probe logs in anonymously, so the
// self-test's password never leaves this machine.
func fromOutside(c *cli.Context, withTLS bool) (selftest.OutsideFunc, error) {
	base := c.String("from")
	if base == "" {
		return nil, nil
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, usageErrorf("--from %q is not an http(s) URL", base).withHint("--from https://check.example.org (an ftpdiag web service)")
	}
	hc := &http.Client{Timeout: fromOutsideBudget}
	// As the loopback probe: TLS only where the self-test's server offers it.
	pb := web.ProbeBack{TLS: string(probe.TLSOff)}
	if withTLS {
		pb.TLS = string(probe.TLSAuto)
	}
	return func(ctx context.Context, port int) (*result.Result, string, error) {
		pb.Port = port
		return web.AskProbeBack(ctx, hc, base, pb)
	}, nil
}

func natNote(v *selftest.OutsideView) string {
	if v.NAT {
		return " (not an address of this machine: it is behind NAT; serve with --pasv-address " + v.SeenAs + ")"
	}
	return ""
}
