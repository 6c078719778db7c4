//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package selftest

import (
	"fmt"
	"syscall"
)

// bindSource binds port as the source of an outgoing connection, with
// SO_REUSEADDR as FTP servers do, without listening on it.
func bindSource(port int) error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer syscall.Close(fd)
	// Not SOCK_CLOEXEC at creation: the BSDs' package syscall lacks it.
	// The socket lives for this function only.
	syscall.CloseOnExec(fd)
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		return fmt.Errorf("setsockopt: %w", err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port}); err != nil {
		return fmt.Errorf("bind port %d: %w", port, err)
	}
	return nil
}
