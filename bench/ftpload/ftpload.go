// Package ftpload runs many short FTP sessions at once (login, LIST, RETR
// of a small file, QUIT) and counts how many complete per second. The
// server benchmarks and bench/loadgen share it, so ftpdiag and vsftpd are
// measured with the same client.
package ftpload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says what load to make.
type Config struct {
	Addr       string // host:port of the server
	User, Pass string
	File       string        // the small file to download
	Sessions   int           // sessions in total
	Concurrent int           // sessions at once
	Timeout    time.Duration // bound on one whole session
}

// Result is what a run measured.
type Result struct {
	Sessions, Failures int
	Elapsed            time.Duration
	FirstError         error
}

// PerSecond is completed sessions per second.
func (r Result) PerSecond() float64 {
	return float64(r.Sessions-r.Failures) / r.Elapsed.Seconds()
}

// Run makes the load and waits for it to finish.
func Run(ctx context.Context, cfg Config) Result {
	jobs := make(chan struct{})
	var mu sync.Mutex
	res := Result{Sessions: cfg.Sessions}
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.Concurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				if err := Session(ctx, cfg); err != nil {
					mu.Lock()
					res.Failures++
					if res.FirstError == nil {
						res.FirstError = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for range cfg.Sessions {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

// Session runs one session: login, EPSV+LIST, EPSV+RETR, QUIT.
func Session(ctx context.Context, cfg Config) error {
	d := net.Dialer{Timeout: cfg.Timeout}
	c, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(cfg.Timeout))
	tp := textproto.NewConn(c)
	steps := []struct {
		cmd  string
		want int
	}{{"", 220}, {"USER " + cfg.User, 331}, {"PASS " + cfg.Pass, 230}, {"TYPE I", 200}}
	for _, s := range steps {
		if err := exchange(tp, s.cmd, s.want); err != nil {
			return err
		}
	}
	for _, cmd := range []string{"LIST", "RETR " + cfg.File} {
		if err := transfer(ctx, tp, c, cmd, cfg.Timeout); err != nil {
			return err
		}
	}
	return exchange(tp, "QUIT", 221)
}

func exchange(tp *textproto.Conn, cmd string, want int) error {
	if cmd != "" {
		if err := tp.PrintfLine("%s", cmd); err != nil {
			return err
		}
	}
	if _, _, err := tp.ReadResponse(want); err != nil {
		return fmt.Errorf("%s: %w", strings.Fields(cmd + " greeting")[0], err)
	}
	return nil
}

// transfer opens a passive connection with EPSV and reads cmd's data.
func transfer(ctx context.Context, tp *textproto.Conn, c net.Conn, cmd string, timeout time.Duration) error {
	if err := tp.PrintfLine("EPSV"); err != nil {
		return err
	}
	_, msg, err := tp.ReadResponse(229)
	if err != nil {
		return fmt.Errorf("EPSV: %w", err)
	}
	i, j := strings.Index(msg, "(|||"), strings.LastIndex(msg, "|)")
	if i < 0 || j < i+4 {
		return errors.New("EPSV: unparsable 229")
	}
	port, err := strconv.Atoi(msg[i+4 : j])
	if err != nil {
		return fmt.Errorf("EPSV: %w", err)
	}
	host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
	d := net.Dialer{Timeout: timeout}
	dc, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("data connect: %w", err)
	}
	defer dc.Close()
	dc.SetDeadline(time.Now().Add(timeout))
	if err := exchange(tp, cmd, 150); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, dc); err != nil {
		return fmt.Errorf("%s data: %w", cmd, err)
	}
	return exchange(tp, "", 226)
}
