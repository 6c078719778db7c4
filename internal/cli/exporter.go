package cli

import (
	"fmt"
	"log/slog"
	"net"

	"github.com/urfave/cli/v2"

	"ftpdiag/exporter"
	"ftpdiag/result"
)

// defaultExporterListen: 9122 is free in Prometheus's list of default
// exporter ports next to the FTP-related ones.
const defaultExporterListen = ":9122"

func exporterCommand() *cli.Command {
	return &cli.Command{
		Name:      "exporter",
		Usage:     "serve Prometheus metrics of FTP servers probed on request (/probe?target=ftp://host/)",
		UsageText: "ftpdiag exporter [--listen :9122] [--config ftpdiag.yml] [--web.config.file web.yml] [--max-concurrent N]",
		Description: "The multi-target exporter pattern of the blackbox exporter: Prometheus asks\n" +
			"/probe?target=ftp://host/&module=NAME and gets that probe's metrics; /metrics has\n" +
			"the exporter's own; / lists the modules and the last probes. Modules (timeouts,\n" +
			"modes, sweep, user, password_file and allowed_targets) come from --config; without\n" +
			"it, the probe's defaults as module 'default'. --config.check checks the file and\n" +
			"exits (0 or 3); SIGHUP or POST /-/reload reads it again. Anyone who reaches the\n" +
			"port chooses what it connects to: see docs/README-exporter.md before listening\n" +
			"beyond loopback, and --web.config.file for TLS and basic authentication.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: defaultExporterListen, Usage: "`ADDRESS` ([host]:port) to serve on", EnvVars: []string{"FTPDIAG_EXPORTER_LISTEN"}},
			&cli.StringFlag{Name: "config", Usage: "modules `FILE` (YAML)", EnvVars: []string{"FTPDIAG_EXPORTER_CONFIG"}},
			&cli.BoolFlag{Name: "config.check", Usage: "check --config and exit: 0 when it is valid, 3 when not"},
			&cli.IntFlag{Name: "max-concurrent", Value: exporter.DefaultMaxConcurrent, Usage: "probes running at once, one target (host:port) at most a quarter of them; more wait for a slot"},
			&cli.StringFlag{Name: "web.config.file", Usage: "TLS and basic authentication `FILE`, in the format of Prometheus's exporter-toolkit (docs/README-exporter.md)", EnvVars: []string{"FTPDIAG_EXPORTER_WEB_CONFIG"}},
		},
		Action: exporterAction,
	}
}

func exporterAction(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return usageErrorf("exporter takes no arguments, got %q", c.Args().First()).withHint("see 'ftpdiag exporter --help'")
	}
	cfg, err := exporterConfig(c)
	if err != nil {
		return err
	}
	if c.Bool("config.check") {
		fmt.Fprintf(c.App.Writer, "%s: %d module(s): %v\n", c.String("config"), len(cfg.Modules), cfg.Names())
		return nil
	}
	if c.Int("max-concurrent") < 1 {
		return usageErrorf("--max-concurrent must be at least 1").withHint("the default is %d", exporter.DefaultMaxConcurrent)
	}
	if err := exporter.CheckWebConfig(c.String("web.config.file")); err != nil {
		return usageErrorf("--web.config.file: %v", err).withHint("see docs/README-exporter.md for its format")
	}
	ln, err := net.Listen("tcp", c.String("listen"))
	if err != nil {
		return usageErrorf("cannot listen on %s: %v", c.String("listen"), err).withHint("choose another address with --listen")
	}
	log := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	exp := exporter.New(exporter.Options{Config: cfg, ConfigPath: c.String("config"), MaxConcurrent: c.Int("max-concurrent"),
		Tool: result.Tool{Name: "ftpdiag", Version: version}, Logger: log})
	log.Info("ftpdiag exporter listening", "address", ln.Addr().String(), "modules", cfg.Names())
	return exp.Serve(c.Context, ln, c.String("web.config.file"))
}

// exporterConfig loads --config, or the default module alone.
func exporterConfig(c *cli.Context) (*exporter.Config, error) {
	path := c.String("config")
	if path == "" {
		if c.Bool("config.check") {
			return nil, usageErrorf("--config.check needs --config FILE").withHint("ftpdiag exporter --config ftpdiag.yml --config.check")
		}
		return exporter.DefaultConfig(), nil
	}
	cfg, err := exporter.LoadConfig(path)
	if err != nil {
		return nil, usageErrorf("%v", err).withHint("see docs/README-exporter.md for the modules file")
	}
	return cfg, nil
}
