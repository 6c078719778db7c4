package server

import "syscall"

// sockCloexec closes the probing socket of bindPort20 in any child process
// from its creation on.
const sockCloexec = syscall.SOCK_CLOEXEC

// soReusePort is SO_REUSEPORT on Linux, which package syscall does not name.
const soReusePort = 0xf
