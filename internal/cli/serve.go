package cli

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
// before closing them, by default: two data timeouts of the default, enough
// for a transfer that is moving, and a second signal stops at once.
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
		&cli.StringFlag{Name: "upload-max-file", Value: "4GiB", Usage: "stop an upload (552) whose file would pass `SIZE` (none: no limit)", EnvVars: env("UPLOAD_MAX_FILE")},
		&cli.StringFlag{Name: "upload-max-session", Value: "16GiB", Usage: "stop uploads (552) past `SIZE` in one session (none: no limit)", EnvVars: env("UPLOAD_MAX_SESSION")},
		&cli.StringFlag{Name: "upload-min-free", Value: "512MiB", Usage: "stop uploads (552, 452) that would leave less than `SIZE` free (none: no floor)", EnvVars: env("UPLOAD_MIN_FREE")},
		&cli.StringSliceFlag{Name: "user", Usage: "a user `NAME:PASSWORD` (repeatable)"},
		&cli.StringFlag{Name: "users-file", Usage: "`FILE` of NAME:PASSWORD lines", EnvVars: env("USERS_FILE")},
		&cli.BoolFlag{Name: "anonymous", Usage: "allow anonymous (read-only) logins", EnvVars: env("ANONYMOUS")},
		&cli.StringFlag{Name: "transcript-dir", Usage: "write each session's transcript into `DIR`", EnvVars: env("TRANSCRIPT_DIR")},
		&cli.StringFlag{Name: "log-format", Value: "text", Usage: "one line per session on standard error, with its diagnosis: `text` or json", EnvVars: env("LOG_FORMAT")},
		&cli.Int64Flag{Name: "transcript-max-bytes", Value: server.DefaultTranscriptMaxBytes, Usage: "cut each session's transcript file at `N` bytes, noting the cut", EnvVars: env("TRANSCRIPT_MAX_BYTES")},
		&cli.StringFlag{Name: "transcript-keep", Value: "30d,256MiB", Usage: "keep transcript files this `AGE,SIZE` in all, removing the oldest first", EnvVars: env("TRANSCRIPT_KEEP")},
		durationFlag(cli.DurationFlag{Name: "login-timeout", Value: server.DefaultLoginTimeout, Usage: "close a connection not logged in this long after connecting", EnvVars: env("LOGIN_TIMEOUT")}),
		&cli.IntFlag{Name: "max-prelogin", DefaultText: "half of --max-connections", Usage: "connections waiting to log in; one more closes the one waiting longest", EnvVars: env("MAX_PRELOGIN")},
		&cli.BoolFlag{Name: "allow-anonymous-sweep", Usage: "let anonymous users run SITE SWEEP", EnvVars: env("ALLOW_ANONYMOUS_SWEEP")},
		&cli.StringSliceFlag{Name: "sweep-trusted", Usage: "an `ADDRESS` or network (a monitor's) that may run SITE SWEEP on every scrape, without the one-a-minute limit (repeatable)", EnvVars: env("SWEEP_TRUSTED")},
		durationFlag(cli.DurationFlag{Name: "idle-timeout", Value: server.DefaultIdleTimeout, Usage: "close a control connection idle this long", EnvVars: env("IDLE_TIMEOUT")}),
		durationFlag(cli.DurationFlag{Name: "data-timeout", Value: server.DefaultDataTimeout, Usage: "give up on a data connection silent this long", EnvVars: env("DATA_TIMEOUT")}),
		durationFlag(cli.DurationFlag{Name: "shutdown-grace", Value: shutdownGrace, Usage: "on SIGTERM or SIGINT, let running transfers finish for up to `D`, then stop", EnvVars: env("SHUTDOWN_GRACE")}),
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
	sig, hup := make(chan os.Signal, 2), make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(sig)
	defer signal.Stop(hup)
	srv.WriteSummary(c.App.Writer)
	serveImplicit(c, srv, iln)
	return serveUntilSignal(c, srv, ln, sig, hup)
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
// gracefully; a second signal closes everything at once. SIGHUP reloads
// the users and the certificate.
func serveUntilSignal(c *cli.Context, srv *server.Server, ln net.Listener, sig, hup <-chan os.Signal) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	for stop := false; !stop; {
		select {
		case err := <-done:
			return fmt.Errorf("serve: %w", err) // the listener failed: exit 3
		case <-hup:
			serveReload(c, srv)
		case <-sig:
			stop = true
		}
	}
	grace := c.Duration("shutdown-grace")
	fmt.Fprintf(c.App.ErrWriter, "ftpdiag: shutting down, letting transfers finish for up to %s (signal again to stop at once)\n", grace)
	ctx, cancel := context.WithTimeout(context.Background(), grace)
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

// serveReload reads the users file, --user and the certificate files again
// (SIGHUP); a bad file keeps what was loaded and says why.
func serveReload(c *cli.Context, srv *server.Server) {
	src := server.Sources{UsersFile: c.String("users-file"), Users: map[string]string{},
		CertFile: c.String("tls-cert"), KeyFile: c.String("tls-key")}
	for _, u := range c.StringSlice("user") {
		name, pass, _ := server.ParseUser(u) // checked at start
		src.Users[name] = pass
	}
	what, err := srv.Reload(src)
	if err != nil {
		fmt.Fprintf(c.App.ErrWriter, "ftpdiag: reload failed, keeping what was loaded: %v\n", err)
		return
	}
	fmt.Fprintf(c.App.ErrWriter, "ftpdiag: reloaded: %s\n", what)
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
	if err := cfg.Validate(); err != nil { // the server's one check of its limits
		return cfg, usageErrorf("%v", err).withHint("see 'ftpdiag serve --help'")
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
	for _, v := range c.StringSlice("sweep-trusted") {
		p, err := server.ParseTrusted(v)
		if err != nil {
			return usageErrorf("--sweep-trusted: %v", err).withHint("name the monitor's address, or its network: --sweep-trusted 192.0.2.7")
		}
		cfg.SweepTrusted = append(cfg.SweepTrusted, p)
	}
	age, size, err := server.ParseKeep(c.String("transcript-keep"))
	if err != nil {
		return usageErrorf("--transcript-keep %v", err).withHint("for example --transcript-keep 30d,256MiB")
	}
	cfg.TranscriptKeepAge, cfg.TranscriptKeepBytes = age, size
	for flag, dst := range map[string]*int64{"upload-max-file": &cfg.UploadMaxFile, "upload-max-session": &cfg.UploadMaxSession, "upload-min-free": &cfg.UploadMinFree} {
		if *dst, err = server.ParseLimit(c.String(flag)); err != nil {
			return usageErrorf("--%s: %v", flag, err).withHint("a size such as 512MiB or 4GiB, or none")
		}
	}
	return nil
}

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
