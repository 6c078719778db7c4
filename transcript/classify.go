package transcript

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"ftpdiag/result"
)

// Classify maps a network error onto an Outcome, by error value and never by
// the text of the error.
func Classify(err error) result.Outcome {
	switch {
	case err == nil:
		return result.Connected
	case errors.Is(err, syscall.ECONNREFUSED):
		return result.Refused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return result.Reset
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.EHOSTDOWN), errors.Is(err, syscall.ENETDOWN):
		return result.Unreachable
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT):
		return result.Timeout
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return result.Closed
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return result.Timeout
	}
	return result.Failed
}
