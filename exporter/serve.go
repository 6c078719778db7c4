package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
)

// ErrNoConfigFile is returned by Reload where the exporter runs without
// --config: there is nothing to read again.
var ErrNoConfigFile = errors.New("no modules file to reload (the exporter runs without --config)")

// Reload reads the modules file again. A file that does not load leaves
// the configuration in force as it was, and the error says why; one that
// loads replaces it, and the login back-off starts afresh (the new file
// may hold the new password).
func (e *Exporter) Reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	if e.cfgPath == "" {
		return ErrNoConfigFile
	}
	cfg, err := LoadConfig(e.cfgPath)
	if err != nil {
		e.self.reloadOK.Set(0)
		e.self.reloads.WithLabelValues("failure").Inc()
		e.log.Error("reload failed; the previous configuration stays in force", "error", err)
		return err
	}
	e.cfg.Store(cfg)
	e.backoff.reset()
	e.self.reloadOK.Set(1)
	e.self.reloadTime.SetToCurrentTime()
	e.self.reloads.WithLabelValues("success").Inc()
	e.log.Info("configuration reloaded", "modules", cfg.Names())
	return nil
}

// serveReload is POST /-/reload, as Prometheus and the blackbox exporter
// have it.
func (e *Exporter) serveReload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		http.Error(w, "reload with POST", http.StatusMethodNotAllowed)
		return
	}
	if err := e.Reload(); err != nil {
		http.Error(w, "failed to reload config: "+err.Error()+"; the previous configuration stays in force", http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, "reloaded")
}

// Exporter daemon timings: the header timeout stops a client that never
// finishes its request from holding a connection; on SIGTERM, running
// probes have the grace period to answer.
const (
	headerTimeout = 10 * time.Second
	shutdownGrace = 15 * time.Second
)

// CheckWebConfig checks a --web.config.file as the server will read it.
func CheckWebConfig(path string) error {
	if path == "" {
		return nil
	}
	return web.Validate(path)
}

// Serve serves the exporter on ln until ctx ends or SIGINT/SIGTERM comes,
// with TLS and basic authentication as webConfig (a --web.config.file in
// the exporter-toolkit's format, the one Prometheus reads; "" for plain
// HTTP) says. SIGHUP reloads the modules file; a bad one is logged and the
// configuration in force stays.
func (e *Exporter) Serve(ctx context.Context, ln net.Listener, webConfig string) error {
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: headerTimeout,
		ErrorLog: slog.NewLogLogger(e.log.Handler(), slog.LevelWarn)}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	done := make(chan error, 1)
	go func() {
		done <- web.Serve(ln, srv, &web.FlagConfig{WebConfigFile: &webConfig}, e.log)
	}()
	for {
		select {
		case err := <-done:
			return fmt.Errorf("exporter: %w", err)
		case <-hup:
			e.Reload() // it logs why where it fails
			continue
		case <-ctx.Done():
		}
		break
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("exporter: shutting down: %w", err)
	}
	return nil
}
