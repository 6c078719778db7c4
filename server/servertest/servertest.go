// Package servertest starts ftpdiag's reference server for tests: on
// 127.0.0.1, on a free port, shut down when the test ends.
package servertest

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"ftpdiag/server"
)

// Test defaults: the user every test logs in as, unless cfg.Users is set.
const (
	User     = "john"
	Password = "secret"
)

// LoginDelay is the delay after a failed login in tests: long enough to be
// measured, short enough not to slow a suite down.
const LoginDelay = 10 * time.Millisecond

// shutdownTimeout bounds the graceful shutdown at the end of a test; what
// is still running then is closed.
const shutdownTimeout = 5 * time.Second

// Start runs a server for t on 127.0.0.1:0 with cfg, where unset: any free
// port for passive connections, the user john/secret and a short login
// delay. The server's address is s.Addr().
func Start(t testing.TB, cfg server.Config) *server.Server {
	t.Helper()
	if cfg.PasvMin == 0 && cfg.PasvMax == 0 {
		cfg.PasvMin = -1
	}
	if cfg.Users == nil {
		cfg.Users = map[string]string{User: Password}
	}
	if cfg.LoginDelay == 0 {
		cfg.LoginDelay = LoginDelay
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatalf("servertest: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("servertest: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		s.Shutdown(ctx)
		if err := <-done; err != nil && !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("servertest: Serve: %v", err)
		}
	})
	waitListening(t, s)
	return s
}

// waitListening returns once Serve has taken the listener, so Addr is set.
func waitListening(t testing.TB, s *server.Server) {
	deadline := time.Now().Add(shutdownTimeout)
	for s.Addr() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("servertest: server did not start")
		}
		time.Sleep(time.Millisecond)
	}
}

// URL is ftp://john:secret@127.0.0.1:PORT/ for s (with the test user).
func URL(s *server.Server) string {
	return "ftp://" + User + ":" + Password + "@" + s.Addr().String() + "/"
}
