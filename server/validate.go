package server

import (
	"fmt"
	"net"
	"strings"
)

// MinTranscriptBytes keeps a transcript file long enough for one login and
// a download, the least that tells anything.
const MinTranscriptBytes = 4096

// Validate checks cfg as given (a zero field means its default) and says
// what is wrong with every bad field, naming serve's flag for it. It is the
// one check of a Config: New calls it, and so does the command line before
// it prints anything (issue 28).
func (c Config) Validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if c.MaxConns < 0 || c.MaxPerAddr < 0 || c.MaxPreLogin < 0 {
		bad("--max-connections, --max-per-address and --max-prelogin must be at least 1 (0: the default)")
	}
	conns := c.MaxConns
	if conns == 0 {
		conns = DefaultMaxConns
	}
	if c.MaxPreLogin > conns {
		bad("--max-prelogin %d is more than the %d connections in total (--max-connections)", c.MaxPreLogin, conns)
	}
	if c.IdleTimeout < 0 || c.DataTimeout < 0 || c.LoginTimeout < 0 {
		bad("--idle-timeout, --data-timeout and --login-timeout must be positive")
	}
	if c.TranscriptMaxBytes < 0 || c.TranscriptMaxBytes > 0 && c.TranscriptMaxBytes < MinTranscriptBytes {
		bad("--transcript-max-bytes %d is less than %d (a login and a download take about 1 KB)", c.TranscriptMaxBytes, MinTranscriptBytes)
	}
	if c.TranscriptKeepBytes > 0 && c.TranscriptKeepBytes < 2*MinTranscriptBytes {
		bad("--transcript-keep %d bytes is less than %d", c.TranscriptKeepBytes, 2*MinTranscriptBytes)
	}
	if a := c.PasvAddress; a != "" && net.ParseIP(a).To4() == nil {
		bad("--pasv-address %q is not an IPv4 address (PASV replies carry one, for example 203.0.113.7)", a)
	}
	if err := c.checkPasvRange(); err != nil {
		errs = append(errs, err.Error())
	}
	if err := c.checkTLS(); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrConfig, strings.Join(errs, "; "))
}

// checkPasvRange: -1 (any free port), 0..0 (the default), min alone (the
// default length), or 1 <= min <= max <= 65535.
func (c Config) checkPasvRange() error {
	lo, hi := c.PasvMin, c.PasvMax
	switch {
	case lo == -1, lo == 0 && hi == 0, lo > 0 && lo <= 65535 && hi == 0:
		return nil
	case lo < 1 || hi > 65535 || lo > hi:
		return fmt.Errorf("passive range %d-%d (--pasv-ports): want 1 <= min <= max <= 65535", lo, hi)
	}
	return nil
}
