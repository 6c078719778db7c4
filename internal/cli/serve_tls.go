package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/urfave/cli/v2"

	"ftpdiag/server"
)

// serveTLSFlags are serve's FTPS flags (RFC 4217 explicit, and implicit).
func serveTLSFlags() []cli.Flag {
	env := func(n string) []string { return []string{"FTPDIAG_" + n} }
	return []cli.Flag{
		&cli.StringFlag{Name: "tls-cert", Usage: "offer AUTH TLS with the certificate (chain) in PEM `FILE`", EnvVars: env("TLS_CERT")},
		&cli.StringFlag{Name: "tls-key", Usage: "the certificate's private key, PEM `FILE`", EnvVars: env("TLS_KEY")},
		&cli.BoolFlag{Name: "tls-self-signed", Usage: "offer AUTH TLS with a throw-away certificate made at start-up (its SHA-256 is printed)", EnvVars: env("TLS_SELF_SIGNED")},
		&cli.BoolFlag{Name: "require-tls", Usage: "refuse plain-text logins (530) and unprotected transfers (521)", EnvVars: env("REQUIRE_TLS")},
		&cli.StringFlag{Name: "implicit-tls", Usage: "also listen for implicit FTPS (TLS from the first byte) on `ADDRESS`, usually :990", EnvVars: env("IMPLICIT_TLS")},
		&cli.StringFlag{Name: "tls-reuse", Value: "required", Usage: "`required`: protected data connections must resume the control connection's TLS session (522 otherwise); optional: they need not", EnvVars: env("TLS_REUSE")},
	}
}

// serveTLSConfig fills cfg's TLS fields from the flags.
func serveTLSConfig(c *cli.Context, cfg *server.Config) error {
	host, _, _ := net.SplitHostPort(cfg.Listen)
	cert, err := certFromFlags(c, host)
	if err != nil {
		return err
	}
	cfg.TLS = cert
	switch reuse := c.String("tls-reuse"); reuse {
	case "required":
	case "optional":
		cfg.TLSReuseOptional = true
	default:
		return usageErrorf("--tls-reuse %q: want required or optional", reuse).withHint("--tls-reuse optional accepts data connections that do not resume the TLS session")
	}
	cfg.RequireTLS, cfg.ImplicitTLS = c.Bool("require-tls"), c.String("implicit-tls")
	return nil // what needs a certificate is checked by cfg.Validate
}

const tlsCertHint = "give --tls-cert FILE --tls-key FILE, or --tls-self-signed"

// certFromFlags is the certificate --tls-cert/--tls-key name, or a
// throw-away one for host with --tls-self-signed; nil with neither.
func certFromFlags(c *cli.Context, host string) (*tls.Certificate, error) {
	certFile, keyFile, self := c.String("tls-cert"), c.String("tls-key"), c.Bool("tls-self-signed")
	switch {
	case self && (certFile != "" || keyFile != ""):
		return nil, usageErrorf("--tls-self-signed and --tls-cert/--tls-key exclude each other").withHint("%s", tlsCertHint)
	case (certFile == "") != (keyFile == ""):
		return nil, usageErrorf("--tls-cert and --tls-key go together").withHint("%s", tlsCertHint)
	case certFile != "":
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, usageErrorf("--tls-cert %s --tls-key %s: %v", certFile, keyFile, err).withHint("both PEM files, the key matching the certificate")
		}
		return &cert, nil
	case self:
		cert, err := server.SelfSigned(host, time.Now())
		if err != nil {
			return nil, fmt.Errorf("a self-signed certificate: %w", err)
		}
		return &cert, nil
	}
	return nil, nil
}

// listenImplicit opens the implicit-FTPS port when asked for; nil without.
func listenImplicit(srv *server.Server) (net.Listener, error) {
	if srv.Config().ImplicitTLS == "" {
		return nil, nil
	}
	ln, err := srv.ListenImplicit()
	if err != nil {
		return nil, listenError(srv.Config().ImplicitTLS, err)
	}
	return ln, nil
}

// serveImplicit serves ln beside the control port; a failure is reported,
// and the explicit port goes on.
func serveImplicit(c *cli.Context, srv *server.Server, ln net.Listener) {
	if ln == nil {
		return
	}
	go func() {
		if err := srv.ServeImplicit(ln); err != nil && !errors.Is(err, server.ErrServerClosed) {
			fmt.Fprintf(c.App.ErrWriter, "ftpdiag: implicit FTPS stopped: %v\n", err)
		}
	}()
}
