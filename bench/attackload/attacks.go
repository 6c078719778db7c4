package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of the loops below, whatever the duration.
const (
	curlEvery      = 500 * time.Millisecond
	curlTimeout    = 5 * time.Second
	dialTimeout    = 2 * time.Second
	holders        = 24 // the default --max-connections
	perAddress     = 8  // the default --max-per-address: three addresses
	reconnectPause = time.Second
	maxReconnects  = 2000 // per holder
	sweepEvery     = 200 * time.Millisecond
	maxSweeps      = 300
	evilUsers      = 10
)

type attack struct {
	name string
	fn   func(s *server, stop time.Time) string
}

var attacks = []attack{
	{"none (baseline)", func(*server, time.Time) string { return "" }},
	{"1 4000-byte lines, no login", func(s *server, stop time.Time) string { return flood(s, stop, 4000) }},
	{"1 NOOP lines, no login", func(s *server, stop time.Time) string { return flood(s, stop, len("NOOP\r\n")) }},
	{"1 24 floods reconnecting, no login", floods},
	{"2 24 silent, 3 addresses", func(s *server, stop time.Time) string { return hold(s, stop, false, reconnectPause) }},
	{"2 24 silent, reconnect at once", func(s *server, stop time.Time) string { return hold(s, stop, false, 0) }},
	{"2 24 sending 1 byte/s", func(s *server, stop time.Time) string { return hold(s, stop, true, reconnectPause) }},
	{"3 anonymous SITE SWEEP every 0.2s", func(s *server, stop time.Time) string { return sweeps(s, stop, "anonymous", "x@example.com") }},
	{"3 user SITE SWEEP every 0.2s", func(s *server, stop time.Time) string { return sweeps(s, stop, user, pass) }},
	{"4 USER with ESC OSC BEL RLO", controlBytes},
}

// curlLoop lists the root with curl every half second until stop, and
// counts the runs that succeeded.
func curlLoop(s *server, stop time.Time) (ok, total int) {
	url := "ftp://" + user + ":" + pass + "@" + s.addr + "/"
	for time.Now().Before(stop) && total < int(maxDuration/curlEvery)+1 {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), curlTimeout)
		err := exec.CommandContext(ctx, "curl", "-sS", "--max-time", "4", "-o", "/dev/null", url).Run()
		cancel()
		total++
		if err == nil {
			ok++
		}
		time.Sleep(curlEvery - min(curlEvery, time.Since(start)))
	}
	return ok, total
}

// flood sends lines of size bytes without logging in, as fast as the server
// reads them, reading its replies meanwhile.
func flood(s *server, stop time.Time, size int) string {
	return floodFrom(s, nil, stop, size)
}

// floodFrom is flood from a chosen local address (nil: any).
func floodFrom(s *server, local net.Addr, stop time.Time, size int) string {
	d := net.Dialer{Timeout: dialTimeout, LocalAddr: local}
	c, err := d.Dial("tcp", s.addr)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.Close()
	c.SetDeadline(stop) // a write the server has not taken by then ends the flood
	go io.Copy(io.Discard, c)
	line := []byte("NOOP\r\n")
	if size > len(line) {
		line = []byte("XFLD " + strings.Repeat("x", size-len("XFLD \r\n")) + "\r\n")
	}
	batch := bytes.Repeat(line, max(1, 64<<10/len(line)))
	var sent int64
	for time.Now().Before(stop) {
		n, err := c.Write(batch)
		sent += int64(n)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			break
		}
		if err != nil {
			return fmt.Sprintf("sent %d MB, then %v", sent>>20, err)
		}
	}
	return fmt.Sprintf("sent %d MB", sent>>20)
}

// floods runs 24 floods of 4000-byte lines from 127.0.0.2-4 at once, each
// connecting again as soon as the server closes it: more than may wait to
// log in, so they close each other, and each new connection is a new
// transcript file (issue 30).
func floods(s *server, stop time.Time) string {
	var wg sync.WaitGroup
	var conns atomic.Int64
	for i := range holders {
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i/perAddress))}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < maxReconnects && time.Now().Before(stop); n++ {
				conns.Add(1)
				floodFrom(s, local, stop, 4000)
			}
		}()
	}
	wg.Wait()
	return fmt.Sprintf("%d connections", conns.Load())
}

// hold keeps 24 connections from 127.0.0.2-4 that never log in: silent, or
// sending one byte a second. A holder the server closes connects again
// after pause.
func hold(s *server, stop time.Time, trickle bool, pause time.Duration) string {
	var wg sync.WaitGroup
	var conns, closed atomic.Int64
	for i := range holders {
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i/perAddress))}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < maxReconnects && time.Now().Before(stop); n++ {
				conns.Add(1)
				if holdOne(s.addr, local, stop, trickle) {
					closed.Add(1)
				}
				time.Sleep(min(pause, time.Until(stop)))
			}
		}()
	}
	wg.Wait()
	return fmt.Sprintf("%d connections, %d closed by the server", conns.Load(), closed.Load())
}

// holdOne holds one connection until stop; true when the server closed it.
func holdOne(addr string, local net.Addr, stop time.Time, trickle bool) bool {
	d := net.Dialer{Timeout: dialTimeout, LocalAddr: local}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(stop)
	gone := make(chan struct{})
	go func() { io.Copy(io.Discard, c); close(gone) }()
	for time.Now().Before(stop) {
		if trickle {
			c.Write([]byte("N"))
		}
		select {
		case <-gone:
			return time.Now().Before(stop)
		case <-time.After(min(time.Second, time.Until(stop))):
		}
	}
	return false
}
