package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"ftpdiag/internal/daylog"
)

// Benchmarks of explain and report on big inputs, through the whole command
// as a user runs it (read, diagnose, render). Sizes: 1, 2 and 4 MiB to see
// the growth (the ns/op ratios of one run), and the input caps. Run:
//
//	go test -run '^$' -bench 'Big' -benchmem -benchtime 3x ./internal/cli
//
// bench/big.sh runs the built binary on the same inputs for peak RSS.
//
// BenchmarkBigExplain/filezilla-day is a day of FileZilla's log file made
// of the real recordings (internal/daylog), at 32 MiB, 256 MiB and 1 GiB,
// written to a temporary file and streamed from it: it reports MB/s and
// the peak heap in use while explain ran (heap-MB, sampled every
// millisecond). bench/explain-stream.sh runs it against main's binary on
// the same files, for wall time and peak RSS.

var bigSizes = []int{1 << 20, 2 << 20, 4 << 20}

func BenchmarkBigExplain(b *testing.B) {
	for _, s := range bigShapes {
		for _, size := range append(bigSizes, 32<<20) {
			b.Run(s.name+"/"+mib(size), func(b *testing.B) {
				path := filepath.Join(b.TempDir(), "big.log")
				if err := os.WriteFile(path, bigLog(s, size), 0o644); err != nil {
					b.Fatal(err)
				}
				benchCLI(b, size, "explain", "--format", "text", path)
			})
		}
	}
}

func BenchmarkBigReport(b *testing.B) {
	for _, s := range bigShapes {
		for _, size := range append(bigSizes, 64<<20) {
			b.Run(s.name+"/"+mib(size), func(b *testing.B) {
				path := filepath.Join(b.TempDir(), "big.json")
				if err := os.WriteFile(path, bigResult(b, s, size), 0o644); err != nil {
					b.Fatal(err)
				}
				benchCLI(b, size, "report", "--format", "text", path)
			})
		}
	}
}

// benchCLI runs ftpdiag with args b.N times; any status above critical
// (a usage error) fails the benchmark, since it measured the wrong thing.
func benchCLI(b *testing.B, size int, args ...string) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var errOut bytes.Buffer
	for b.Loop() {
		errOut.Reset()
		if status := run(append([]string{"ftpdiag"}, args...), bytes.NewReader(nil), io.Discard, &errOut); status > exitCritical {
			b.Fatalf("exit status %s: %s", strconv.Itoa(status), errOut.String())
		}
	}
}

// daySizes are the FileZilla day logs' sizes; -short keeps the first.
var daySizes = []int64{32 << 20, 256 << 20, 1 << 30}

func BenchmarkBigExplainDay(b *testing.B) {
	for _, lang := range []string{"en", "de"} {
		benchDay(b, lang)
	}
}

// benchDay times explain on day logs of one language's recordings: the
// English one as most logs are, a German one for the translation of every
// line a translated FileZilla writes.
func benchDay(b *testing.B, lang string) {
	recs, err := daylog.Recordings(logs, lang)
	if err != nil {
		b.Fatal(err)
	}
	name := "filezilla-day/"
	if lang != "en" {
		name = "filezilla-day-" + lang + "/"
	}
	for _, size := range daySizes {
		b.Run(name+mib(int(size)), func(b *testing.B) {
			if testing.Short() && size > daySizes[0] {
				b.Skip("-short: 32 MiB only")
			}
			path := filepath.Join(b.TempDir(), "day.log")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			_, err = daylog.FileZilla(f, recs, size)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				b.Fatal(err)
			}
			st, _ := os.Stat(path)
			peak := sampleHeap()
			benchCLI(b, int(st.Size()), "explain", "--format", "text", path)
			b.ReportMetric(float64(peak())/(1<<20), "heap-MB")
		})
	}
}

// sampleHeap samples the heap in use (runtime.MemStats' HeapInuse, read
// through runtime/metrics, which stops nothing) every 5 ms until the
// function it returns is called, which gives the highest seen.
func sampleHeap() func() uint64 {
	runtime.GC()
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var high uint64
		m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(m)
			high = max(high, m[0].Value.Uint64()+m[1].Value.Uint64())
			select {
			case <-stop:
				done <- high
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		return <-done
	}
}
