//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package server

import (
	"os"
	"syscall"
)

// bindPort20 binds port 20 on the wildcard address the way an active-mode
// dial will, with SO_REUSEADDR, and never listens on it.
func bindPort20() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|sockCloexec, 0)
	if err != nil {
		return os.NewSyscallError("socket", err)
	}
	defer syscall.Close(fd)
	// Where the flag does not exist (the BSDs' Socket has no SOCK_CLOEXEC
	// in package syscall), a child started now could inherit the socket
	// for a moment; harmless, since it is closed on return.
	syscall.CloseOnExec(fd)
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		return os.NewSyscallError("setsockopt", err)
	}
	return os.NewSyscallError("bind", syscall.Bind(fd, &syscall.SockaddrInet4{Port: 20}))
}

// reuseAddr sets SO_REUSEADDR and SO_REUSEPORT, so many active-mode
// connections can share source port 20 (to different clients) and a port
// in TIME_WAIT can be bound again.
func reuseAddr(network, address string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
		if serr == nil {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, soReusePort, 1)
		}
	})
	if err != nil {
		return err
	}
	return os.NewSyscallError("setsockopt", serr)
}
