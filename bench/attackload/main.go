// Command attackload replays the attacks of issue 16 (hardening) against
// `ftpdiag serve` on 127.0.0.1 and prints, for each, what a normal client
// (curl listing the root, once every half second) got while it lasted, the
// server's peak memory and the size of its transcript files.
//
//	go build -o /tmp/ftpdiag . && go run ./bench/attackload -bin /tmp/ftpdiag
//
// With -bin OLD,NEW every attack runs against each binary in turn, so two
// builds (main before a fix, and after) are measured side by side in one run.
//
// Each attack gets a fresh server and runs for -duration (at most a minute);
// every loop is bounded in count and time, and every address is loopback.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// maxDuration bounds one attack, whatever the flag says.
const maxDuration = time.Minute

func main() {
	bin := flag.String("bin", "", "the ftpdiag `binaries` to attack, comma-separated (required)")
	dur := flag.Duration("duration", 10*time.Second, "how long each attack runs (at most 1m)")
	only := flag.String("only", "", "run only the attacks whose name contains `TEXT`")
	flag.Parse()
	if *bin == "" || *dur <= 0 || *dur > maxDuration {
		fmt.Fprintln(os.Stderr, "attackload: give -bin, and a -duration from 1s to 1m")
		os.Exit(2)
	}
	bins := strings.Split(*bin, ",")
	for i, b := range bins {
		fmt.Printf("binary %c: %s\n", 'A'+i, b)
	}
	fmt.Printf("%s per attack, curl listing / every %s\n\n", *dur, curlEvery)
	fmt.Printf("%-36s %-11s %-11s %-15s %s\n", "attack", "curl got in", "peak RSS", "transcripts", "what else")
	for _, a := range attacks {
		if *only != "" && !strings.Contains(a.name, *only) {
			continue
		}
		for i, b := range bins {
			row, err := run(b, a, *dur)
			if err != nil {
				fmt.Fprintf(os.Stderr, "attackload: %s: %v\n", a.name, err)
				os.Exit(1)
			}
			fmt.Printf("%c %s\n", 'A'+i, row)
		}
	}
}

// run starts a server, runs one attack and the curl loop side by side, and
// returns the row of figures.
func run(bin string, a attack, dur time.Duration) (string, error) {
	srv, err := startServer(bin)
	if err != nil {
		return "", err
	}
	defer srv.stop()
	stop := time.Now().Add(dur)
	done := make(chan string, 1)
	go func() { done <- a.fn(srv, stop) }()
	ok, total := curlLoop(srv, stop)
	note := <-done
	peak := srv.peakRSS()
	files, largest, all := srv.transcripts()
	return fmt.Sprintf("%-34s %-11s %-11s %-15s %s", a.name, fmt.Sprintf("%d of %d", ok, total),
		mib(peak), mib(largest)+" max", withFiles(note, files, all)), nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func withFiles(note string, files int, all int64) string {
	if note == "" {
		return fmt.Sprintf("%d files, %s", files, mib(all))
	}
	return fmt.Sprintf("%d files, %s; %s", files, mib(all), note)
}
