//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package server

import (
	"errors"
	"syscall"
)

// errNoSharedPort20 is why active connections come from any port on
// systems such as Windows: a Windows program may bind port 20 without
// privilege, but only one connection at a time could use it, since
// SO_REUSEADDR there lets another program take over a bound port
// rather than share it, and ftpdiag will not set that.
var errNoSharedPort20 = errors.New("this system cannot share source port 20 between connections as unix does with SO_REUSEADDR")

// bindPort20 always says no here; the server then dials from any port.
func bindPort20() error { return errNoSharedPort20 }

// reuseAddr is never reached (from20 is false here); it sets nothing.
func reuseAddr(network, address string, c syscall.RawConn) error { return nil }
