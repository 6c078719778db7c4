package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"ftpdiag/server"
)

// shutdownGrace is how long SIGINT/SIGTERM waits for running transfers
// before closing them: two data timeouts of the default, enough for a
// transfer that is moving, and a second signal stops at once.
const shutdownGrace = time.Minute

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "run the reference FTP server",
		UsageText: "ftpdiag serve [--listen :21] [--pasv-ports 3000-3024] [--user NAME:PASSWORD] [--root DIR] ...",
		Description: "Serves a directory (read-only unless --writable) or a built-in demo tree over FTP,\n" +
			"safe by default (no FTP bounce, no data connection stealing, limits and timeouts),\n" +
			"and prints the ports a firewall must let in, with rules to paste.",
		Flags:  serveFlags(),
		Action: serveAction,
	}
}

func serveFlags() []cli.Flag {
	env := func(n string) []string { return []string{"FTPDIAG_" + n} }
	return append([]cli.Flag{
		&cli.StringFlag{Name: "listen", Value: server.DefaultListen, Usage: "control `ADDRESS` ([host]:port)", EnvVars: env("LISTEN")},
		&cli.StringFlag{Name: "pasv-ports", Usage: "passive port range `A-B` (default 3000 to 3000+max-connections)", EnvVars: env("PASV_PORTS")},
		&cli.StringFlag{Name: "pasv-address", Usage: "`IP` to advertise in PASV replies (the public address behind NAT)", EnvVars: env("PASV_ADDRESS")},
		&cli.IntFlag{Name: "max-connections", Value: server.DefaultMaxConns, Usage: "control connections in total", EnvVars: env("MAX_CONNECTIONS")},
		&cli.IntFlag{Name: "max-per-address", Value: server.DefaultMaxPerAddr, Usage: "control connections per client address", EnvVars: env("MAX_PER_ADDRESS")},
		&cli.StringFlag{Name: "root", Usage: "`DIR` to serve (default: a built-in demo tree)", EnvVars: env("ROOT")},
		&cli.BoolFlag{Name: "writable", Usage: "allow uploads, deletes, renames and new directories", EnvVars: env("WRITABLE")},
		&cli.StringSliceFlag{Name: "user", Usage: "a user `NAME:PASSWORD` (repeatable)"},
		&cli.StringFlag{Name: "users-file", Usage: "`FILE` of NAME:PASSWORD lines", EnvVars: env("USERS_FILE")},
		&cli.BoolFlag{Name: "anonymous", Usage: "allow anonymous (read-only) logins", EnvVars: env("ANONYMOUS")},
		&cli.StringFlag{Name: "transcript-dir", Usage: "write each session's transcript into `DIR`", EnvVars: env("TRANSCRIPT_DIR")},
		&cli.StringFlag{Name: "log-format", Value: "text", Usage: "one line per session on standard error, with its diagnosis: `text` or json", EnvVars: env("LOG_FORMAT")},
		&cli.Int64Flag{Name: "transcript-max-bytes", Value: server.DefaultTranscriptMaxBytes, Usage: "cut each session's transcript file at `N` bytes, noting the cut", EnvVars: env("TRANSCRIPT_MAX_BYTES")},
		&cli.DurationFlag{Name: "login-timeout", Value: server.DefaultLoginTimeout, Usage: "close a connection not logged in this long after connecting", EnvVars: env("LOGIN_TIMEOUT")},
		&cli.IntFlag{Name: "max-prelogin", DefaultText: "half of --max-connections", Usage: "connections waiting to log in; one more closes the one waiting longest", EnvVars: env("MAX_PRELOGIN")},
		&cli.BoolFlag{Name: "allow-anonymous-sweep", Usage: "let anonymous users run SITE SWEEP", EnvVars: env("ALLOW_ANONYMOUS_SWEEP")},
		&cli.DurationFlag{Name: "idle-timeout", Value: server.DefaultIdleTimeout, Usage: "close a control connection idle this long", EnvVars: env("IDLE_TIMEOUT")},
		&cli.DurationFlag{Name: "data-timeout", Value: server.DefaultDataTimeout, Usage: "give up on a data connection silent this long", EnvVars: env("DATA_TIMEOUT")},
		&cli.BoolFlag{Name: "active-from-20", Value: true, Usage: "make active connections from port 20 when allowed", EnvVars: env("ACTIVE_FROM_20")},
	}, serveTLSFlags()...)
}

func serveAction(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return usageErrorf("serve takes no arguments, got %q", c.Args().First()).withHint("see 'ftpdiag serve --help'")
	}
	cfg, err := serveConfig(c)
	if err != nil {
		return err
	}
	srv, err := server.New(cfg)
	if err != nil {
		return usageErrorf("%v", err).withHint("see 'ftpdiag serve --help'")
	}
	ln, err := srv.Listen()
	if err != nil {
		srv.Close()
		return listenError(cfg.Listen, err)
	}
	iln, err := listenImplicit(srv)
	if err != nil {
		ln.Close()
		srv.Close()
		return err
	}
	// Signals are caught before the summary appears, so whoever waits for
	// the summary (a script, a test) may stop the server at once.
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	srv.WriteSummary(c.App.Writer)
	serveImplicit(c, srv, iln)
	return serveUntilSignal(c, srv, ln, sig)
}

// listenError explains a control port that cannot be bound, naming the fix.
func listenError(addr string, err error) error {
	switch {
	case errors.Is(err, server.ErrPrivilegedPort):
		bin, _ := os.Executable()
		return usageErrorf("cannot listen on %s: ports below 1024 need privilege", addr).
			withHint("use --listen :2121, or allow this binary to bind low ports: setcap cap_net_bind_service=+ep %s", bin)
	case errors.Is(err, syscall.EADDRINUSE):
		return usageErrorf("cannot listen on %s: another program already uses it", addr).
			withHint("stop the other FTP server, or use --listen with another port")
	}
	return usageErrorf("%v", err).withHint("check --listen")
}

// serveUntilSignal serves until SIGINT or SIGTERM, then shuts down
// gracefully; a second signal closes everything at once.
func serveUntilSignal(c *cli.Context, srv *server.Server, ln net.Listener, sig <-chan os.Signal) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err) // the listener failed: exit 3
	case <-sig:
	}
	fmt.Fprintln(c.App.ErrWriter, "ftpdiag: shutting down, letting transfers finish (signal again to stop at once)")
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	go func() {
		select {
		case <-sig:
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintf(c.App.ErrWriter, "ftpdiag: closed with transfers still running (%v)\n", err)
	}
	<-done
	return nil
}

// serveConfig turns flags into a server.Config; bad values are usage errors.
func serveConfig(c *cli.Context) (server.Config, error) {
	cfg := server.Config{
		Listen: c.String("listen"), PasvAddress: c.String("pasv-address"),
		MaxConns: c.Int("max-connections"), MaxPerAddr: c.Int("max-per-address"),
		Root: c.String("root"), Writable: c.Bool("writable"), Anonymous: c.Bool("anonymous"),
		TranscriptDir: c.String("transcript-dir"), IdleTimeout: c.Duration("idle-timeout"),
		DataTimeout: c.Duration("data-timeout"), ActiveFrom20: c.Bool("active-from-20"),
	}
	if err := serveLimits(c, &cfg); err != nil {
		return cfg, err
	}
	lg, err := server.SessionLogger(c.App.ErrWriter, c.String("log-format"))
	if err != nil {
		return cfg, usageErrorf("%v", err).withHint("--log-format text or --log-format json")
	}
	cfg.SessionLog = lg
	hint := "see 'ftpdiag serve --help'"
	if cfg.MaxConns < 1 || cfg.MaxPerAddr < 1 {
		return cfg, usageErrorf("--max-connections and --max-per-address must be at least 1").withHint("%s", hint)
	}
	if cfg.IdleTimeout <= 0 || cfg.DataTimeout <= 0 {
		return cfg, usageErrorf("--idle-timeout and --data-timeout must be positive").withHint("%s", hint)
	}
	if a := cfg.PasvAddress; a != "" && net.ParseIP(a).To4() == nil {
		return cfg, usageErrorf("--pasv-address %q is not an IPv4 address", a).withHint("PASV replies carry an IPv4 address, for example --pasv-address 203.0.113.7")
	}
	if r := c.String("pasv-ports"); r != "" {
		lo, hi, err := parsePortRange(r)
		if err != nil {
			return cfg, usageErrorf("--pasv-ports %q: %v", r, err).withHint("give a range such as --pasv-ports 3000-3024")
		}
		cfg.PasvMin, cfg.PasvMax = lo, hi
	}
	if err := serveTLSConfig(c, &cfg); err != nil {
		return cfg, err
	}
	if err := checkDir(cfg.Root, "--root"); err != nil {
		return cfg, err
	}
	if err := checkDir(cfg.TranscriptDir, "--transcript-dir"); err != nil {
		return cfg, err
	}
	users, err := serveUsers(c)
	cfg.Users = users
	return cfg, err
}

// serveLimits reads the flags of the limits on clients that do not log in,
// flood the transcript or sweep too often (issue 16).
func serveLimits(c *cli.Context, cfg *server.Config) error {
	cfg.LoginTimeout, cfg.MaxPreLogin = c.Duration("login-timeout"), c.Int("max-prelogin")
	cfg.TranscriptMaxBytes, cfg.AllowAnonymousSweep = c.Int64("transcript-max-bytes"), c.Bool("allow-anonymous-sweep")
	hint := "see 'ftpdiag serve --help'"
	switch {
	case cfg.LoginTimeout <= 0:
		return usageErrorf("--login-timeout must be positive").withHint("%s", hint)
	case cfg.MaxPreLogin < 0 || cfg.MaxPreLogin > cfg.MaxConns:
		return usageErrorf("--max-prelogin %d must be from 1 to --max-connections (%d)", cfg.MaxPreLogin, cfg.MaxConns).withHint("%s", hint)
	case cfg.TranscriptMaxBytes < minTranscriptBytes:
		return usageErrorf("--transcript-max-bytes %d is less than %d", cfg.TranscriptMaxBytes, minTranscriptBytes).withHint("a login and a download take about 1 KB; the default is %d", server.DefaultTranscriptMaxBytes)
	}
	return nil
}

// minTranscriptBytes keeps a transcript file long enough for one login and
// a download, the least that tells anything.
const minTranscriptBytes = 4096

func parsePortRange(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, errors.New("want two port numbers A-B")
	}
	if lo < 1 || hi > 65535 || lo > hi {
		return 0, 0, errors.New("want 1 <= A <= B <= 65535")
	}
	return lo, hi, nil
}

func checkDir(dir, flag string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return usageErrorf("%s %s: %v", flag, dir, errors.Unwrap(err)).withHint("give an existing directory")
	}
	if !fi.IsDir() {
		return usageErrorf("%s %s is not a directory", flag, dir).withHint("give an existing directory")
	}
	return nil
}

// serveUsers gathers --user and --users-file.
func serveUsers(c *cli.Context) (map[string]string, error) {
	users := map[string]string{}
	if path := c.String("users-file"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageErrorf("--users-file: %v", err).withHint("give a file of NAME:PASSWORD lines")
		}
		defer f.Close()
		fromFile, err := server.ParseUsers(f)
		if err != nil {
			return nil, usageErrorf("--users-file %s: %v", path, err).withHint("one NAME:PASSWORD a line; # starts a comment")
		}
		users = fromFile
	}
	for _, u := range c.StringSlice("user") {
		name, pass, err := server.ParseUser(u)
		if err != nil {
			return nil, usageErrorf("--user: %v", err).withHint("for example --user john:secret")
		}
		users[name] = pass
	}
	if len(users) == 0 && !c.Bool("anonymous") {
		return nil, usageErrorf("no users: nobody could log in").withHint("add --user NAME:PASSWORD, --users-file FILE or --anonymous")
	}
	return users, nil
}
