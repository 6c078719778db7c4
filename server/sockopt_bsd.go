//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package server

import "syscall"

// sockCloexec is 0 here: package syscall has no SOCK_CLOEXEC for these
// systems' socket(2), so bindPort20 sets close-on-exec after creating it.
const sockCloexec = 0

// soReusePort lets several active-mode connections (to different clients)
// share source port 20, as on Linux.
const soReusePort = syscall.SO_REUSEPORT
