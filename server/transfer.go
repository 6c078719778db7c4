package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// retrChunk is how much of a file is sent per write deadline: the deadline
// catches a stalled client, and each chunk still goes through sendfile.
const retrChunk = 4 << 20

var (
	errAborted = errors.New("transfer aborted by ABOR")
	errStalled = errors.New("transfer stalled (fault injected)")
)

// transfer is a data transfer running beside the control connection's loop,
// so ABOR can reach it.
type transfer struct {
	cancel  context.CancelFunc
	done    chan struct{}
	aborted atomic.Bool
}

// job is what a transfer does once its data connection is open.
type job struct {
	opening string                                         // the 150 reply's text
	run     func(context.Context, net.Conn) (int64, error) // moves the data
	// after commits or cleans up before the last reply, so a 226 means the
	// result is in place; its error turns 226 into 451. May be nil.
	after func(error) error
	// upload: the client ends the data by closing the connection.
	upload bool
}

func (j job) finish(err error) error {
	if j.after == nil {
		return nil
	}
	return j.after(err)
}

// errNoPlan: a transfer command came without PASV, EPSV, PORT or EPRT.
var errNoPlan = errors.New("no data connection planned")

// startTransfer opens the planned data connection and runs j beside the
// loop. Replies: 150 once connected, then 226, or 425/426/451 on failure.
func (s *session) startTransfer(j job) {
	plan := s.data
	s.data = nil
	if plan == nil {
		j.finish(errNoPlan)
		s.reply(ftp.CantOpenData, "Use PASV, EPSV, PORT or EPRT first")
		return
	}
	if s.refuseClearData(plan, j) {
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	x := &transfer{cancel: cancel, done: make(chan struct{})}
	s.xmu.Lock()
	s.xfer = x
	s.xmu.Unlock()
	go func() {
		defer close(x.done)
		defer cancel()
		var err error
		defer func() {
			if err != nil { // past the job's own recovery: the client still needs a reply
				s.reply(ftp.LocalError, "Internal error in the transfer, aborted; the session goes on")
			}
		}()
		defer s.catch("transfer", &err)
		s.runTransfer(ctx, x, plan, j)
	}()
}

func (s *session) runTransfer(ctx context.Context, x *transfer, plan *dataPlan, j job) {
	dc, err := s.dataConn(ctx, plan)
	if err == nil && s.srv.cfg.Faults.Reply425 {
		dc.Close()
		err = errors.New("425 fault injected")
	}
	if err != nil && x.aborted.Load() {
		j.finish(errAborted)
		s.reply(ftp.TransferAborted, "Transfer aborted before the data connection opened")
		return
	}
	var crash *panicError
	if errors.As(err, &crash) {
		j.finish(err)
		s.reply(ftp.LocalError, "Cannot open data connection: %v", err)
		return
	}
	if err != nil {
		j.finish(err)
		s.reply(ftp.CantOpenData, "Cannot open data connection: %v", err)
		return
	}
	tcp := dc                                              // closed as is: a TLS close would wait for the client
	stop := context.AfterFunc(ctx, func() { tcp.Close() }) // ABOR or session end
	defer stop()
	s.reply(ftp.FileStatusOK, "%s", j.opening)
	if s.tls.protP { // the client starts its handshake after the 150, so it comes after too
		tc, err := s.protectData(dc)
		if err != nil {
			s.refuseProtected(j, err)
			return
		}
		dc = tc
	}
	start := time.Now()
	n, err := s.runJob(ctx, j, dc)
	if cerr := dc.Close(); err == nil {
		err = cerr
	}
	if x.aborted.Load() {
		err = errAborted
	}
	ferr := j.finish(err)
	by := "server"
	if j.upload && err == nil {
		by = "client"
	}
	s.event(closeEvent(dc, by, n, time.Since(start), err))
	var full *storageError
	switch {
	case errors.As(err, &crash):
		s.reply(ftp.LocalError, "Transfer aborted: %v (%d bytes moved); the session goes on", err, n)
	case errors.Is(err, errAborted):
		s.reply(ftp.TransferAborted, "Transfer aborted (%d bytes moved)", n)
	case errors.As(err, &full):
		s.reply(ftp.StorageExceeded, "Upload aborted, nothing stored: %s", full.why)
	case err != nil:
		s.reply(ftp.TransferAborted, "Data connection failed, transfer aborted: %v", err)
	case ferr != nil:
		s.reply(ftp.LocalError, "Transfer received but not stored: %v", ferr)
	default:
		s.reply(ftp.ClosingData, "Transfer complete (%d bytes)", n)
	}
}

// runJob moves a transfer's data; a panic there becomes its error, so the
// data connection is closed and an upload's temporary file removed as
// for any failure.
func (s *session) runJob(ctx context.Context, j job, dc net.Conn) (n int64, err error) {
	defer s.catch("transfer", &err)
	s.panicked("transfer")
	return j.run(ctx, dc)
}

func closeEvent(dc net.Conn, by string, n int64, d time.Duration, err error) result.EventInfo {
	ev := result.EventInfo{Op: result.OpDataClose, Addr: dc.RemoteAddr().String(), Bytes: n, Dur: d, By: by, Outcome: result.Complete}
	switch {
	case errors.Is(err, errAborted):
		ev.Outcome, ev.Err = result.Closed, err.Error()
	case errors.Is(err, errStalled):
		ev.Outcome, ev.Err = result.Stalled, err.Error()
	case errors.As(err, new(*storageError)):
		ev.Outcome, ev.Err = result.Closed, err.Error() // by the server, at a limit: not the probe's own truncation
	case err != nil:
		ev.Outcome, ev.Err = transcript.Classify(err), err.Error()
	}
	return ev
}

func (s *session) transferRunning() bool {
	s.xmu.Lock()
	x := s.xfer
	s.xmu.Unlock()
	if x == nil {
		return false
	}
	select {
	case <-x.done:
		return false
	default:
		return true
	}
}

// waitTransfer waits for a running transfer to end; each transfer is
// bounded by the data timeout, so this wait is too.
func (s *session) waitTransfer() {
	s.xmu.Lock()
	x := s.xfer
	s.xmu.Unlock()
	if x != nil {
		<-x.done
	}
}

// cmdABOR stops a running transfer (it answers 426), then answers 226;
// without one, 225 as RFC 959 allows. A passive listener is closed either way.
func (s *session) cmdABOR(string) {
	s.dropData()
	if !s.transferRunning() {
		s.reply(ftp.DataOpenNoTransfer, "No transfer to abort")
		return
	}
	s.xmu.Lock()
	x := s.xfer
	s.xmu.Unlock()
	x.aborted.Store(true)
	x.cancel()
	<-x.done
	s.reply(ftp.ClosingData, "ABOR successful")
}

// sendFile copies f to the data connection: through sendfile in binary
// mode, with a write deadline per chunk so a stalled client is noticed.
func (s *session) sendFile(ctx context.Context, dc net.Conn, f *os.File) (int64, error) {
	if stall := s.srv.cfg.Faults.StallAfter; stall > 0 {
		return s.sendThenStall(ctx, dc, f, stall)
	}
	if s.ascii {
		w := &asciiWriter{w: deadlineConn{dc, s.srv.cfg.DataTimeout}}
		n, err := io.Copy(w, f)
		return n, err
	}
	var total int64
	for {
		dc.SetWriteDeadline(time.Now().Add(s.srv.cfg.DataTimeout))
		n, err := io.CopyN(dc, f, retrChunk)
		total += n
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, fmt.Errorf("sending: %w", err)
		}
	}
}

// sendThenStall is the StallAfter fault: send some bytes, then nothing,
// with the connection open, until the client gives up or the data timeout.
func (s *session) sendThenStall(ctx context.Context, dc net.Conn, f *os.File, stall int64) (int64, error) {
	dc.SetWriteDeadline(time.Now().Add(s.srv.cfg.DataTimeout))
	n, err := io.CopyN(dc, f, stall)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, err
	}
	gone := make(chan struct{})
	go func() { io.Copy(io.Discard, dc); close(gone) }()
	t := time.NewTimer(s.srv.cfg.DataTimeout)
	defer t.Stop()
	select {
	case <-gone:
	case <-ctx.Done():
	case <-t.C:
	}
	return n, errStalled
}

// receive copies the data connection into w, with a read deadline per read.
func (s *session) receive(dc net.Conn, w io.Writer) (int64, error) {
	var r io.Reader = deadlineConn{dc, s.srv.cfg.DataTimeout}
	if s.ascii {
		r = &asciiReader{r: r}
	}
	n, err := io.Copy(w, r)
	if err != nil {
		return n, fmt.Errorf("receiving: %w", err)
	}
	return n, nil
}

// deadlineConn gives every write or read its own deadline: a transfer may
// take long, but must never stop moving for long.
type deadlineConn struct {
	c net.Conn
	d time.Duration
}

func (dc deadlineConn) Write(p []byte) (int, error) {
	dc.c.SetWriteDeadline(time.Now().Add(dc.d))
	return dc.c.Write(p)
}

func (dc deadlineConn) Read(p []byte) (int, error) {
	dc.c.SetReadDeadline(time.Now().Add(dc.d))
	return dc.c.Read(p)
}
