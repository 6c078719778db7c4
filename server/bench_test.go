package server_test

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ftpdiag/bench/ftpload"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// benchFileSize is the RETR benchmark's file: big enough that connection
// set-up is noise, small enough for a shared CI machine.
const benchFileSize = 256 << 20

// BenchmarkRETR measures a RETR through the server against a raw TCP copy
// of the same file (io.Copy, so sendfile too) in the same run, and reports
// both rates and their ratio.
func BenchmarkRETR(b *testing.B) {
	root := b.TempDir()
	path := filepath.Join(root, "big")
	if err := os.WriteFile(path, make([]byte, benchFileSize), 0o644); err != nil {
		b.Fatal(err)
	}
	s := servertest.Start(b, server.Config{Root: root})
	raw := rawFileServer(b, path)
	c := dialCtl(b, s).login()
	c.do(200, "TYPE I")
	var ftpTime, rawTime time.Duration
	b.ResetTimer()
	for range b.N {
		c.conn.SetDeadline(time.Now().Add(testTimeout))
		start := time.Now()
		dc := c.epsv()
		c.do(150, "RETR big")
		if n, _ := io.Copy(io.Discard, dc); n != benchFileSize {
			b.Fatalf("RETR: %d bytes", n)
		}
		c.expect(226)
		ftpTime += time.Since(start)
		start = time.Now()
		rawCopy(b, raw)
		rawTime += time.Since(start)
	}
	mb := float64(benchFileSize) * float64(b.N) / 1e6
	b.ReportMetric(mb/ftpTime.Seconds(), "ftp-MB/s")
	b.ReportMetric(mb/rawTime.Seconds(), "raw-MB/s")
	b.ReportMetric(rawTime.Seconds()/ftpTime.Seconds(), "ftp/raw")
}

// rawFileServer sends path to every connection, with no protocol at all.
func rawFileServer(b *testing.B, path string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f, _ := os.Open(path)
			io.Copy(c, f)
			f.Close()
			c.Close()
		}
	}()
	return ln.Addr().String()
}

func rawCopy(b *testing.B, addr string) {
	c, err := net.DialTimeout("tcp", addr, testTimeout)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(testTimeout))
	if n, _ := io.Copy(io.Discard, c); n != benchFileSize {
		b.Fatalf("raw copy: %d bytes", n)
	}
}

// BenchmarkSessions500 runs 500 sessions at once (login, LIST, RETR of a
// small file, QUIT), with the connection limits raised to let them in.
func BenchmarkSessions500(b *testing.B) {
	const concurrent = 500
	s := servertest.Start(b, server.Config{MaxConns: 2 * concurrent, MaxPerAddr: 2 * concurrent})
	cfg := ftpload.Config{
		Addr: s.Addr().String(), User: servertest.User, Pass: servertest.Password,
		File: "pub/hello.txt", Sessions: concurrent, Concurrent: concurrent, Timeout: testTimeout,
	}
	var total ftpload.Result
	b.ResetTimer()
	for range b.N {
		r := ftpload.Run(context.Background(), cfg)
		total.Sessions += r.Sessions
		total.Failures += r.Failures
		total.Elapsed += r.Elapsed
		if r.FirstError != nil {
			b.Logf("first failure: %v", r.FirstError)
		}
	}
	b.ReportMetric(total.PerSecond(), "sessions/s")
	b.ReportMetric(float64(total.Failures), "failures")
}

// BenchmarkSweep1000 measures SITE SWEEP over a 1000-port range: the reply
// (every port listening) and one connection to each port, all at once.
func BenchmarkSweep1000(b *testing.B) {
	lo, hi := freeRange(b, 1000)
	s := servertest.Start(b, server.Config{PasvMin: lo, PasvMax: hi, SweepInterval: -1})
	c := dialCtl(b, s).login()
	var open, all time.Duration
	b.ResetTimer()
	for range b.N {
		c.conn.SetDeadline(time.Now().Add(testTimeout))
		msg, start := startSweep(b, c)
		r := parseSweep(b, msg)
		open += time.Since(start)
		var wg sync.WaitGroup
		for p := lo; p <= hi; p++ {
			if !r.busy[p] {
				wg.Add(1)
				go func() { defer wg.Done(); sweepLine(p, nil) }()
			}
		}
		wg.Wait()
		all += time.Since(start)
	}
	b.ReportMetric(float64(open.Microseconds())/1e3/float64(b.N), "open-ms")
	b.ReportMetric(float64(all.Microseconds())/1e3/float64(b.N), "swept-ms")
}

// startSweep starts a one-second sweep, retrying while the previous one
// ends (450). It returns the reply and when the request that got it was sent.
func startSweep(b *testing.B, c *ctl) (string, time.Time) {
	deadline := time.Now().Add(testTimeout)
	for time.Now().Before(deadline) {
		sent := time.Now()
		c.tp.PrintfLine("SITE SWEEP 1")
		code, msg, err := c.tp.ReadResponse(0)
		if code == 200 && err == nil {
			return msg, sent
		}
		if code != 450 {
			b.Fatalf("SITE SWEEP: %d %s %v", code, msg, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatal("the previous sweep did not end")
	return "", time.Time{}
}
