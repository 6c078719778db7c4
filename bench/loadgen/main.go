// Command loadgen runs the session load of the server benchmarks (login,
// LIST, RETR of a small file, QUIT; many at once) against any FTP server,
// so ftpdiag and vsftpd can be compared with the same client.
//
//	loadgen -addr 127.0.0.1:2121 -user anonymous -pass x -file small -c 200 -n 2000 -runs 5
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"ftpdiag/bench/ftpload"
)

func main() {
	var cfg ftpload.Config
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:2121", "server `host:port` (loopback only)")
	flag.StringVar(&cfg.User, "user", "anonymous", "user name")
	flag.StringVar(&cfg.Pass, "pass", "loadgen@example.com", "password")
	flag.StringVar(&cfg.File, "file", "small", "small file to download")
	flag.IntVar(&cfg.Concurrent, "c", 200, "sessions at once")
	flag.IntVar(&cfg.Sessions, "n", 1000, "sessions per run")
	flag.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "bound on one session")
	runs := flag.Int("runs", 5, "runs; the median is printed")
	flag.Parse()
	if err := run(cfg, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(cfg ftpload.Config, runs int) error {
	if runs < 1 || cfg.Concurrent < 1 || cfg.Sessions < 1 {
		return fmt.Errorf("-runs, -c and -n must be at least 1")
	}
	var rates []float64
	failures := 0
	for i := range runs {
		r := ftpload.Run(context.Background(), cfg)
		rates = append(rates, r.PerSecond())
		failures += r.Failures
		fmt.Fprintf(os.Stderr, "run %d: %d sessions, %d failed, %.0f sessions/s", i+1, r.Sessions, r.Failures, r.PerSecond())
		if r.FirstError != nil {
			fmt.Fprintf(os.Stderr, " (first failure: %v)", r.FirstError)
		}
		fmt.Fprintln(os.Stderr)
	}
	sort.Float64s(rates)
	fmt.Printf("median %.0f sessions/s over %d runs, %d failures\n", rates[len(rates)/2], runs, failures)
	return nil
}
