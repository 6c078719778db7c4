package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"ftpdiag/ftp"
	"net"
	"strconv"
	"sync"
	"time"
)

// SWEEP's duration in seconds (docs/EXTENSIONS.md): long enough for a
// probe's connection timeout, short enough not to hold the range for long.
const (
	defaultSweepSeconds = 5
	maxSweepSeconds     = 10
)

// sweepWriteTimeout bounds writing the one token line to a sweep connection.
const sweepWriteTimeout = 2 * time.Second

// siteSweep opens every free port of the passive range for a few seconds
// and answers each connection from the client's address with a token line.
func (s *session) siteSweep(arg string) {
	secs, ok := sweepSeconds(arg)
	if !ok {
		s.reply(ftp.ArgSyntax, "SWEEP wants a number of seconds from 1 to %d", maxSweepSeconds)
		return
	}
	lo, hi := s.srv.PasvRange()
	if lo == -1 {
		s.reply(ftp.ParamNotImplemented, "SWEEP needs a fixed passive range; this server uses any free port")
		return
	}
	now := time.Now()
	if code, why := s.sweepRefusal(now); code != 0 {
		s.reply(code, "%s", why)
		return
	}
	if !s.srv.sweepMu.TryLock() {
		s.reply(ftp.FileBusy, "SWEEP busy: one at a time on this server, and another is running (at most %ds)", maxSweepSeconds)
		return
	}
	s.srv.sweeps.started(s.remote.IP.String(), s.srv.cfg.SweepInterval, now)
	token := sweepToken()
	lns, busy := listenRange(s.local.IP, lo, hi)
	ctx, cancel := context.WithTimeout(s.ctx, time.Duration(secs)*time.Second)
	s.sweepCancel = cancel
	end := make(chan struct{})
	s.srv.sweepEnd.Store(&end)
	s.srv.sweeper.Store(s)
	s.srv.sweeping.Store(true)
	go func() {
		// Deferred calls run last first: once end is closed the range is
		// wholly given back (the listeners closed, no sweep marked, the
		// lock free), so whoever waited on it may PASV or sweep at once.
		defer close(end)
		defer s.srv.sweepMu.Unlock()
		defer s.srv.sweeper.CompareAndSwap(s, nil) // keep no finished session
		defer s.srv.sweeping.Store(false)
		defer cancel()
		defer s.catch("SITE SWEEP", nil)
		s.runSweep(ctx, lns, token)
	}()
	middle := make([]string, 0, len(busy))
	for _, b := range portRanges(busy) {
		middle = append(middle, "200-busy "+b)
	}
	s.replyMulti(ftp.CommandOK, fmt.Sprintf("SWEEP %d-%d open for %ds token %s", lo, hi, secs, token), middle, "SWEEP ready")
}

func sweepToken() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// listenRange listens on every port from lo to hi in a tight loop (a
// thousand ports take milliseconds); ports that cannot be bound are busy.
func listenRange(ip net.IP, lo, hi int) ([]*net.TCPListener, []int) {
	var lns []*net.TCPListener
	var busy []int
	for p := lo; p <= hi; p++ {
		ln, err := listenTCP(ip, p)
		if err != nil {
			busy = append(busy, p)
			continue
		}
		lns = append(lns, ln)
	}
	return lns, busy
}

// runSweep serves every listener until ctx ends, then closes them all.
func (s *session) runSweep(ctx context.Context, lns []*net.TCPListener, token string) {
	var wg sync.WaitGroup
	defer func() { // deferred, so a panic closes the range too
		for _, ln := range lns {
			ln.Close()
		}
		wg.Wait()
	}()
	for _, ln := range lns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.catch("SITE SWEEP", nil)
			s.serveSweepPort(ln, token)
		}()
	}
	s.panicked("SITE SWEEP")
	<-ctx.Done()
}

// serveSweepPort answers connections on one port until its listener closes.
// Connections from other addresses are closed without a word.
func (s *session) serveSweepPort(ln *net.TCPListener, token string) {
	port := ln.Addr().(*net.TCPAddr).Port
	for {
		c, err := ln.AcceptTCP()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			time.Sleep(acceptBackoff) // EMFILE and the like: do not spin
			continue
		}
		if sameIP(c.RemoteAddr(), s.remote.IP) {
			c.SetWriteDeadline(time.Now().Add(sweepWriteTimeout))
			fmt.Fprintf(c, "ftpdiag-sweep %s %d\r\n", token, port)
		}
		c.Close()
	}
}

// portRanges writes sorted ports as "3007" and "3009-3011".
func portRanges(ports []int) []string {
	var out []string
	for i := 0; i < len(ports); {
		j := i
		for j+1 < len(ports) && ports[j+1] == ports[j]+1 {
			j++
		}
		if i == j {
			out = append(out, strconv.Itoa(ports[i]))
		} else {
			out = append(out, fmt.Sprintf("%d-%d", ports[i], ports[j]))
		}
		i = j + 1
	}
	return out
}
