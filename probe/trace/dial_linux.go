//go:build linux

package trace

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

var dial dialFunc = dialTTL

// pollSlice is how often a waiting attempt looks at its context, so a
// cancelled probe does not sit out a hop wait.
const pollSlice = 100 * time.Millisecond

// dialTTL makes one non-blocking TCP connection attempt with hop count
// ttl and reads how it ended: the socket's error, and the ICMP message the
// kernel queued for it (IP_RECVERR). A connection made is reset at once
// (SO_LINGER 0), so the server sees it open and close, and no state lingers.
func dialTTL(ctx context.Context, dst netip.AddrPort, ttl int, wait time.Duration) Hop {
	if err := ctx.Err(); err != nil {
		return Hop{Answer: Failed, Err: err.Error()}
	}
	dst = netip.AddrPortFrom(dst.Addr().Unmap(), dst.Port())
	fd, err := socketTTL(dst.Addr().Is4(), ttl)
	if err != nil {
		return Hop{Answer: Failed, Err: err.Error()}
	}
	defer unix.Close(fd)
	start := time.Now()
	if err := unix.Connect(fd, sockaddr(dst)); err != nil && !errors.Is(err, unix.EINPROGRESS) {
		return classify(fd, err, dst, time.Since(start))
	}
	ready, err := waitWritable(ctx, fd, start.Add(wait))
	rtt := time.Since(start)
	if err != nil {
		return Hop{Answer: Failed, Err: err.Error(), RTT: rtt}
	}
	if !ready {
		// A router may have answered while the socket was busy (a soft
		// error, not an abort): its message is still in the queue.
		if h, ok := readErrQueue(fd); ok {
			h.RTT = rtt
			return h
		}
		return Hop{Answer: Silent, RTT: rtt}
	}
	soErr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return Hop{Answer: Failed, Err: err.Error(), RTT: rtt}
	}
	var cause error
	if soErr != 0 {
		cause = unix.Errno(soErr)
	}
	return classify(fd, cause, dst, rtt)
}

// socketTTL opens a non-blocking TCP socket with the hop count set and the
// error queue on.
func socketTTL(v4 bool, ttl int) (int, error) {
	family, level, hops, recvErr := unix.AF_INET6, unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, unix.IPV6_RECVERR
	if v4 {
		family, level, hops, recvErr = unix.AF_INET, unix.IPPROTO_IP, unix.IP_TTL, unix.IP_RECVERR
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return -1, err
	}
	for _, o := range []struct{ level, name, v int }{{level, hops, ttl}, {level, recvErr, 1}} {
		if err := unix.SetsockoptInt(fd, o.level, o.name, o.v); err != nil {
			unix.Close(fd)
			return -1, err
		}
	}
	if err := unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1}); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func sockaddr(ap netip.AddrPort) unix.Sockaddr {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
}

// waitWritable polls until the connection attempt ends (writable or in
// error) or the deadline passes; ready is false at the deadline.
func waitWritable(ctx context.Context, fd int, deadline time.Time) (ready bool, err error) {
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false, nil
		}
		if err := ctx.Err(); err != nil {
			return false, err
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		n, err := unix.Poll(fds, int(min(left, pollSlice).Milliseconds())+1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, err
		}
		if n > 0 && fds[0].Revents&(unix.POLLOUT|unix.POLLERR|unix.POLLHUP) != 0 {
			return true, nil
		}
	}
}

// classify names how an attempt ended from its error and the error queue.
func classify(fd int, cause error, dst netip.AddrPort, rtt time.Duration) Hop {
	if h, ok := readErrQueue(fd); ok {
		h.RTT = rtt
		return h
	}
	switch {
	case cause == nil:
		return Hop{Answer: Connected, From: dst.Addr(), RTT: rtt}
	case errors.Is(cause, unix.ECONNREFUSED):
		return Hop{Answer: Reset, From: dst.Addr(), RTT: rtt}
	}
	return Hop{Answer: Failed, Err: cause.Error(), RTT: rtt}
}

// readErrQueue reads the ICMP message queued for the socket, if any.
func readErrQueue(fd int) (Hop, bool) {
	var data [64]byte
	oob := make([]byte, unix.CmsgSpace(64))
	_, oobn, _, _, err := unix.Recvmsg(fd, data[:], oob, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
	if err != nil {
		return Hop{}, false
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		return Hop{}, false
	}
	for _, m := range msgs {
		v4 := m.Header.Level == unix.SOL_IP && m.Header.Type == unix.IP_RECVERR
		v6 := m.Header.Level == unix.SOL_IPV6 && m.Header.Type == unix.IPV6_RECVERR
		if v4 || v6 {
			return parseExtendedErr(m.Data)
		}
	}
	return Hop{}, false
}

// parseExtendedErr reads a struct sock_extended_err and the offender's
// address after it (SO_EE_OFFENDER): errno, origin, type, code, pad,
// info, data, then a sockaddr_in or sockaddr_in6.
func parseExtendedErr(b []byte) (Hop, bool) {
	const eeLen = 16
	if len(b) < eeLen+2 {
		return Hop{}, false
	}
	origin, typ, code := b[4], b[5], b[6]
	var from netip.Addr
	switch binary.NativeEndian.Uint16(b[eeLen:]) {
	case unix.AF_INET:
		if len(b) >= eeLen+8 {
			from = netip.AddrFrom4([4]byte(b[eeLen+4 : eeLen+8]))
		}
	case unix.AF_INET6:
		if len(b) >= eeLen+24 {
			from = netip.AddrFrom16([16]byte(b[eeLen+8 : eeLen+24]))
		}
	}
	var answer Answer
	var name string
	switch origin {
	case unix.SO_EE_ORIGIN_ICMP:
		answer, name = icmp4(typ, code)
	case unix.SO_EE_ORIGIN_ICMP6:
		answer, name = icmp6(typ, code)
	default:
		return Hop{}, false
	}
	return Hop{Answer: answer, From: from, ICMP: name}, true
}
