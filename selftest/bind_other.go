//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package selftest

import "errors"

// errNoSharedSource is the answer on Windows and other systems where one
// source port cannot be shared between connections as unix's SO_REUSEADDR
// allows: the reference server dials active connections from any port there.
var errNoSharedSource = errors.New("this system cannot share one source port between connections (no SO_REUSEADDR as on unix)")

func bindSource(port int) error { return errNoSharedSource }
