// Package server is ftpdiag's reference FTP server: a command table, one
// small handler per verb, the file tree behind os.Root, passive and active
// data connections, and per-session transcripts.
package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/netip"
	"time"
)

// Config is everything the server is told at start-up. The zero value of a
// field means its default, as noted.
type Config struct {
	// Listen is the control address (default ":21").
	Listen string
	// PasvMin..PasvMax is the passive port range (default 3000..3000+MaxConns).
	// PasvMin 0 with PasvMax 0 means the default; PasvMin -1 means "any free
	// port" (tests on a shared loopback use this).
	PasvMin, PasvMax int
	// PasvAddress is the address advertised in 227 replies behind NAT
	// (default: the local address of the control connection).
	PasvAddress string
	// ActiveFrom20 makes active-mode connections come from port 20 when the
	// process may bind it; otherwise, or when false, from any port.
	ActiveFrom20 bool
	// Root is the directory served; "" serves the built-in demo tree.
	Root string
	// Writable enables STOR APPE DELE MKD RMD RNFR RNTO.
	Writable bool
	// UploadMaxFile caps the size of a file an upload leaves (default
	// 4 GiB; APPE and REST count the bytes they keep), UploadMaxSession
	// the bytes one session may upload in all (default 16 GiB), and
	// UploadMinFree is the free space an upload must leave on the root's
	// file system (default 512 MiB). Past one: 552, and nothing is stored.
	// Negative: no limit.
	UploadMaxFile, UploadMaxSession, UploadMinFree int64
	// Users maps user names to passwords.
	Users map[string]string
	// Anonymous allows "anonymous" and "ftp" with any password, read-only.
	Anonymous bool
	// MaxConns limits control connections in total (default 24);
	// MaxPerAddr limits them per client address (default 8).
	MaxConns, MaxPerAddr int
	// IdleTimeout closes a control connection that sends nothing (default 5m);
	// DataTimeout bounds waiting for, and stalls on, a data connection (default 30s).
	IdleTimeout, DataTimeout time.Duration
	// LoginTimeout closes a connection that has not logged in this long after
	// connecting (default 30s). MaxPreLogin caps connections not logged in
	// yet (default half of MaxConns).
	LoginTimeout time.Duration
	MaxPreLogin  int
	// AllowAnonymousSweep lets anonymous users run SITE SWEEP.
	// SweepInterval is the least time between two sweeps from one client
	// address (default 1m; negative: no limit, for benchmarks).
	AllowAnonymousSweep bool
	SweepInterval       time.Duration
	// SweepTrusted are the addresses (a monitor's) that may sweep without
	// SweepInterval's limit, on every scrape; one sweep still runs at a time.
	SweepTrusted []netip.Prefix
	// LoginDelay is added to every failed login (default 1s; tests set it lower).
	LoginDelay time.Duration
	// TranscriptDir, when set, receives one transcript file per session;
	// TranscriptMaxBytes caps each file (default 4 MiB), noting the cut.
	TranscriptDir      string
	TranscriptMaxBytes int64
	// TranscriptKeepBytes bounds what the transcript files take on disk in
	// all (default 256 MiB; each file counted in whole 4 KiB blocks), and
	// TranscriptKeepAge how long a closed one is kept (default 30 days):
	// the oldest closed files are removed first. Negative: no bound.
	TranscriptKeepBytes int64
	TranscriptKeepAge   time.Duration
	// SessionLog, when set, gets one line per session with its diagnosis
	// from the server's side (diagnosis.go).
	SessionLog *slog.Logger
	// Greeting is the text of the 220 reply (default "ftpdiag reference server ready").
	Greeting string
	// TLS, when set, offers AUTH TLS (RFC 4217) with this certificate
	// (Leaf is filled in by New where it is nil); nil: plain FTP only.
	TLS *tls.Certificate
	// RequireTLS refuses plain-text logins (530) and transfers without
	// PROT P (521). Needs TLS.
	RequireTLS bool
	// TLSReuseOptional accepts protected data connections that do not
	// resume the control connection's TLS session; by default they are
	// refused with 522, as vsftpd's require_ssl_reuse does. Needs TLS.
	TLSReuseOptional bool
	// ImplicitTLS, when set, is the address of an implicit-FTPS listener
	// (TLS from the first byte, usually ":990"), served by ServeImplicit.
	ImplicitTLS string
	// TLSMinVersion and TLSMaxVersion bound the TLS versions offered
	// (tls.VersionTLS12...; 0: crypto/tls's defaults, TLS 1.2 to 1.3).
	TLSMinVersion, TLSMaxVersion uint16
	// ErrorLog receives what the server cannot tell a client: a handler's
	// panic and its stack. Nil: log's standard logger (stderr).
	ErrorLog *log.Logger
	// Faults injects failures, so the probe can be tested against this server
	// misbehaving on purpose. Never set by the command line.
	Faults Faults
}

// Faults are deliberate misbehaviours for tests. The zero value is a
// correct server.
type Faults struct {
	// AdvertiseAddress replaces the address in 227 replies (e.g. "10.0.0.5"),
	// without changing where the server listens.
	AdvertiseAddress string
	// AdvertisePortOffset is added to the port in 227/229 replies, so the
	// client dials a port nothing listens on.
	AdvertisePortOffset int
	// Reply425 answers LIST/NLST/RETR with 425 after accepting the data connection.
	Reply425 bool
	// StallAfter stops sending a data transfer after this many bytes (0: never),
	// keeping the connection open.
	StallAfter int64
	// SizeLie is added to the size announced by SIZE and in the 150 reply.
	SizeLie int64
	// RequireTLS answers USER with 530 asking for AUTH TLS, and AUTH TLS with 504.
	RequireTLS bool
	// CloseAfter closes the control connection, without a reply, on receiving
	// this verb (e.g. "PASV").
	CloseAfter string
	// RefuseEPSV answers EPSV with 502; RefusePASV answers PASV with 502.
	RefuseEPSV, RefusePASV bool
	// RefusePORT answers PORT and EPRT with 500.
	RefusePORT bool
	// NoCallback accepts PORT/EPRT but never connects back.
	NoCallback bool
	// PanicIn makes the server panic in one place: a verb's handler
	// ("NOOP"), "transfer" (moving a transfer's data), "passive accept" or
	// "SITE SWEEP" (the sweep's goroutine).
	PanicIn string
}

// Defaults for the zero values of Config, as documented on its fields.
const (
	DefaultListen      = ":21"
	DefaultPasvMin     = 3000 // as Rumpus: the range starts at 3000...
	DefaultMaxConns    = 24   // ...and ends at 3000 + the connection limit
	DefaultMaxPerAddr  = 8
	DefaultIdleTimeout = 5 * time.Minute
	DefaultDataTimeout = 30 * time.Second
	DefaultLoginDelay  = time.Second
	DefaultGreeting    = "ftpdiag reference server ready"

	// Upload limits (issue 30): far above what a diagnostic transfer needs,
	// far below what fills a disk, and a floor that leaves the system room
	// for its logs when the disk is shared.
	DefaultUploadMaxFile    = 4 << 30
	DefaultUploadMaxSession = 16 << 30
	DefaultUploadMinFree    = 512 << 20

	// DefaultTranscriptMaxBytes holds hundreds of ordinary sessions' worth
	// of lines (a login and a download take about 1 KB), while a flood
	// stops after a few MB.
	DefaultTranscriptMaxBytes = 4 << 20
)

// withDefaults fills in the zero values and checks what cannot be filled.
func (c Config) withDefaults() (Config, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.MaxPerAddr <= 0 {
		c.MaxPerAddr = DefaultMaxPerAddr
	}
	if c.SweepInterval == 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	if c.LoginTimeout <= 0 {
		c.LoginTimeout = DefaultLoginTimeout
	}
	if c.MaxPreLogin <= 0 {
		c.MaxPreLogin = max(1, c.MaxConns/2)
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.DataTimeout <= 0 {
		c.DataTimeout = DefaultDataTimeout
	}
	if c.LoginDelay == 0 {
		c.LoginDelay = DefaultLoginDelay
	}
	if c.TranscriptMaxBytes <= 0 {
		c.TranscriptMaxBytes = DefaultTranscriptMaxBytes
	}
	if c.TranscriptKeepBytes == 0 {
		c.TranscriptKeepBytes = DefaultTranscriptKeepBytes
	}
	if c.TranscriptKeepAge == 0 {
		c.TranscriptKeepAge = DefaultTranscriptKeepAge
	}
	c.UploadMaxFile = orDefault(c.UploadMaxFile, DefaultUploadMaxFile)
	c.UploadMaxSession = orDefault(c.UploadMaxSession, DefaultUploadMaxSession)
	c.UploadMinFree = orDefault(c.UploadMinFree, DefaultUploadMinFree)
	if c.Greeting == "" {
		c.Greeting = DefaultGreeting
	}
	if c.PasvMin == 0 && c.PasvMax == 0 {
		c.PasvMin, c.PasvMax = DefaultPasvMin, DefaultPasvMin+c.MaxConns
	}
	if c.PasvMin > 0 && c.PasvMax == 0 {
		c.PasvMax = c.PasvMin + c.MaxConns
	}
	if err := c.checkTLS(); err != nil { // fills in the certificate's Leaf
		return c, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if err := c.checkPasvRange(); err != nil { // min + connections may pass 65535
		return c, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return c, nil
}

func orDefault(n, def int64) int64 {
	if n == 0 {
		return def
	}
	return n
}

// ErrConfig is wrapped by every error about a bad Config.
var ErrConfig = errors.New("bad server configuration")
