package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
	"github.com/urfave/cli/v2"

	"ftpdiag/probe"
	ftpweb "ftpdiag/web"
)

// Web service defaults: 8021 is FTP's port behind the usual 80xx of a web
// service, free on most hosts; the header timeout stops a visitor who never
// finishes a request from holding a connection.
const (
	defaultWebListen = ":8021"
	webHeaderTimeout = 10 * time.Second
	webShutdownGrace = 10 * time.Second
)

func webCommand() *cli.Command {
	return &cli.Command{
		Name:      "web",
		Usage:     "serve a check page and API that probe FTP servers from here (self-hosted, can face the internet)",
		UsageText: "ftpdiag web [--listen :8021] [--web.config.file web.yml] [--trusted-proxy CIDR] [--allow-private]",
		Description: "A page with a form (server, user, password, mode, TLS) that runs the probe and\n" +
			"shows the report while it grows, at an unguessable address kept for --keep;\n" +
			"POST /api/v1/probe answers with the JSON result; POST /api/v1/probe-me-back\n" +
			"probes the caller's own address (selftest --from uses it). Private, loopback,\n" +
			"link-local, shared and unique-local targets are refused unless --allow-private.\n" +
			"Passwords are accepted only over HTTPS: --web.config.file (the Prometheus\n" +
			"exporter-toolkit format: TLS and basic auth) or a reverse proxy named by\n" +
			"--trusted-proxy that sets X-Forwarded-Proto: https.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: defaultWebListen, Usage: "`ADDRESS` ([host]:port) to serve on", EnvVars: []string{"FTPDIAG_WEB_LISTEN"}},
			&cli.StringFlag{Name: "web.config.file", Usage: "TLS and basic-auth `FILE` in the Prometheus exporter-toolkit format"},
			&cli.StringSliceFlag{Name: "trusted-proxy", Usage: "believe X-Forwarded-For and X-Forwarded-Proto from this `CIDR` (repeat for more)"},
			&cli.BoolFlag{Name: "allow-private", Usage: "probe private, loopback and link-local addresses too (a check page inside one network)"},
			durationFlag(cli.DurationFlag{Name: "keep", Value: ftpweb.DefaultKeep, Usage: "how long a finished report stays at its address"}),
			&cli.IntFlag{Name: "max-concurrent", Value: ftpweb.DefaultMaxConcurrent, Usage: "probes running at once over all visitors"},
			&cli.IntFlag{Name: "per-client", Value: ftpweb.DefaultPerClient, Usage: "probes one visitor's address may run at once"},
			&cli.IntFlag{Name: "per-client-hour", Value: ftpweb.DefaultPerClientHour, Usage: "probes one visitor's address may start in an hour"},
			durationFlag(cli.DurationFlag{Name: "timeout", Value: probe.DefaultTimeout, Usage: "how long a connection attempt may go unanswered"}),
			durationFlag(cli.DurationFlag{Name: "reply-timeout", Value: probe.DefaultReplyTimeout, Usage: "how long to wait for a server's reply"}),
			&cli.StringFlag{Name: "trace", Value: string(probe.TraceOff), Usage: "trace the path to a data port that timed out, hop by hop (`MODE`: off, auto, always); off by default: a public page should not send TTL-stepped probes for every visitor"},
		},
		Action: webAction,
	}
}

func webAction(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return usageErrorf("web takes no arguments, got %q", c.Args().First()).withHint("see 'ftpdiag web --help'")
	}
	o, err := webOptions(c)
	if err != nil {
		return err
	}
	if f := c.String("web.config.file"); f != "" {
		if err := web.Validate(f); err != nil {
			return usageErrorf("--web.config.file %s: %v", f, err).withHint("the format is Prometheus's web configuration file (tls_server_config, basic_auth_users)")
		}
	}
	ln, err := net.Listen("tcp", c.String("listen"))
	if err != nil {
		return usageErrorf("cannot listen on %s: %v", c.String("listen"), err).withHint("choose another address with --listen")
	}
	o.Logger = slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	s := ftpweb.New(o)
	defer s.Close()
	o.Logger.Info("ftpdiag web listening", "address", ln.Addr().String(), "allow_private", o.AllowPrivate)
	return serveWeb(c.Context, ln, s.Handler(), c.String("web.config.file"), o.Logger)
}

// webOptions reads the flags into the service's options.
func webOptions(c *cli.Context) (ftpweb.Options, error) {
	o := ftpweb.Options{Tool: tool(), AllowPrivate: c.Bool("allow-private"), Keep: c.Duration("keep"),
		MaxConcurrent: c.Int("max-concurrent"), PerClient: c.Int("per-client"), PerClientHour: c.Int("per-client-hour")}
	for _, n := range []string{"max-concurrent", "per-client", "per-client-hour"} {
		if c.Int(n) < 1 {
			return o, usageErrorf("--%s must be at least 1", n).withHint("see 'ftpdiag web --help' for the defaults")
		}
	}
	if err := positive(c, "timeout", "reply-timeout"); err != nil {
		return o, err
	}
	if c.Duration("keep") <= 0 {
		return o, usageErrorf("--keep must be positive").withHint("the default is %s", ftpweb.DefaultKeep)
	}
	for _, s := range c.StringSlice("trusted-proxy") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return o, usageErrorf("--trusted-proxy %q is neither a CIDR nor an address", s).withHint("--trusted-proxy 198.51.100.7/32")
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		o.TrustedProxies = append(o.TrustedProxies, p.Masked())
	}
	trace, err := probe.ParseTraceMode(c.String("trace"))
	if err != nil {
		return o, usageErrorf("%v", err).withHint("--trace off, auto or always")
	}
	o.Probe = probe.Options{Timeout: c.Duration("timeout"), ReplyTimeout: c.Duration("reply-timeout"), Trace: trace, Resolver: probeResolverOrDefault()}
	return o, nil
}

// probeResolverOrDefault is the resolver the service checks names with.
func probeResolverOrDefault() probe.Resolver {
	if probeResolver != nil {
		return probeResolver
	}
	return net.DefaultResolver
}

// serveWeb serves until SIGINT/SIGTERM (or ctx ends), with TLS and basic
// auth from the exporter-toolkit file where one is given.
func serveWeb(ctx context.Context, ln net.Listener, h http.Handler, webConfig string, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: webHeaderTimeout}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- web.Serve(ln, srv, &web.FlagConfig{WebConfigFile: &webConfig}, log) }()
	select {
	case err := <-done:
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), webShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("web: shutting down: %w", err)
	}
	return nil
}
