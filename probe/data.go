package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"syscall"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// dataTarget applies the PASV address policy of curl, FileZilla, lftp and
// ftplib: an address other than the control connection's is not dialled
// (the control address is, on the same port) unless the user trusts it.
func (c *ctrl) dataTarget(ap netip.AddrPort) netip.AddrPort {
	ctrlIP := c.p.ip
	if ap.Addr() == ctrlIP || c.p.opts.TrustPasvAddress {
		return ap
	}
	to := netip.AddrPortFrom(ctrlIP, ap.Port())
	why := "a foreign address"
	if ftp.NonPublic(ap.Addr()) {
		why = "a private address"
	}
	c.sess.Note(fmt.Sprintf("%s is %s; the probe connects to %s instead, as common clients do", ap.Addr(), why, to))
	return to
}

// dialData opens a passive data connection, recording the attempt.
// onStart, when set, is called as the connection attempt leaves.
func (c *ctrl) dialData(ctx context.Context, ap netip.AddrPort, onStart func()) (net.Conn, bool) {
	c.p.opts.Status("connecting to the data port "+ap.String(), c.p.opts.Timeout)
	d := net.Dialer{Timeout: c.p.opts.Timeout}
	if onStart != nil {
		d.ControlContext = func(context.Context, string, string, syscall.RawConn) error {
			onStart()
			return nil
		}
	}
	start := time.Now()
	dc, err := d.DialContext(ctx, "tcp", ap.String())
	ev := result.EventInfo{Op: result.OpDataConnect, Addr: ap.String(), Outcome: transcript.Classify(err), Dur: time.Since(start)}
	if err != nil {
		ev.Err = errText(err)
	} else {
		ev.Local = dc.LocalAddr().String()
	}
	c.sess.Event(ev, "")
	return dc, err == nil
}

// transfer is what one data connection delivered.
type transfer struct {
	bytes   int64
	outcome result.Outcome
	head    []byte // the first bytes, for reading a listing
}

// maxHead is how much of a listing the probe keeps to pick a file from.
const maxHead = 64 << 10

// drain reads a data connection to its end, within the byte limit, the
// stall timeout and the whole-transfer time, and records how it ended.
func (c *ctrl) drain(dc net.Conn) transfer {
	defer dc.Close()
	defer context.AfterFunc(c.ctx, func() { dc.Close() })() // the overall deadline
	o := c.p.opts
	c.p.opts.Status("receiving data from "+dc.RemoteAddr().String(), 0)
	start := time.Now()
	end := start.Add(o.TransferTime)
	var t transfer
	buf := make([]byte, 32<<10)
	by := "server"
	for {
		dc.SetReadDeadline(minTime(time.Now().Add(o.StallTimeout), end))
		n, err := dc.Read(buf)
		if len(t.head) < maxHead {
			t.head = append(t.head, buf[:min(n, maxHead-len(t.head))]...)
		}
		t.bytes += int64(n)
		if t.bytes >= o.MaxBytes || time.Now().After(end) || c.ctx.Err() != nil {
			t.outcome, by = result.Truncated, "client"
			break
		}
		if err != nil {
			t.outcome = transferEnd(err)
			if t.outcome == result.Stalled {
				by = "client"
			}
			break
		}
	}
	ev := result.EventInfo{Op: result.OpDataClose, Outcome: t.outcome, Bytes: t.bytes, By: by, Dur: time.Since(start)}
	if t.outcome == result.Stalled {
		ev.Dur = o.StallTimeout
		c.p.markStalled(isListing(c.verb), t.bytes)
	}
	c.sess.Event(ev, "")
	return t
}

func transferEnd(err error) result.Outcome {
	switch {
	case errors.Is(err, io.EOF):
		return result.Complete
	case transcript.Classify(err) == result.Timeout:
		return result.Stalled
	}
	return transcript.Classify(err)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// listen opens the probe's own listener for an active-mode connection, on
// the control connection's local address, as clients do.
func (c *ctrl) listen(ctx context.Context) (net.Listener, bool) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", netip.AddrPortFrom(c.local.Addr(), 0).String())
	ev := result.EventInfo{Op: result.OpDataListen, Outcome: result.Connected}
	if err != nil {
		ev.Outcome, ev.Err = result.Failed, errText(err)
		c.sess.Event(ev, "")
		return nil, false
	}
	ev.Addr = ln.Addr().String()
	c.sess.Event(ev, "")
	return ln, true
}

// accepted is the result of waiting for the server to connect back.
type accepted struct {
	conn net.Conn
	err  error
	dur  time.Duration
}

// acceptFrom waits for the server's connection, within the connection
// timeout; connections from any other host are recorded and refused.
func (c *ctrl) acceptFrom(ln net.Listener) <-chan accepted {
	ch := make(chan accepted, 1)
	start := time.Now()
	ln.(*net.TCPListener).SetDeadline(start.Add(c.p.opts.Timeout))
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				ch <- accepted{err: err, dur: time.Since(start)}
				return
			}
			from, _ := netip.ParseAddrPort(conn.RemoteAddr().String())
			if from.Addr().Unmap() == c.p.ip {
				ch <- accepted{conn: conn, dur: time.Since(start)}
				return
			}
			c.sess.Event(result.EventInfo{Op: result.OpDataAccept, Addr: from.String(), Outcome: result.Rejected, Err: "not the server's address"}, "")
			conn.Close()
		}
	}()
	return ch
}
