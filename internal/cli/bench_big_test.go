package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Benchmarks of explain and report on big inputs, through the whole command
// as a user runs it (read, diagnose, render). Sizes: 1, 2 and 4 MiB to see
// the growth (the ns/op ratios of one run), and the input caps. Run:
//
//	go test -run '^$' -bench 'Big' -benchmem -benchtime 3x ./internal/cli
//
// bench/big.sh runs the built binary on the same inputs for peak RSS.

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
