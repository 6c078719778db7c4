package foreign

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkReadCapture reads a large capture made from a lab capture by
// scripts/bigcapture (one session, one long transfer): its speed (MB/s),
// and the most heap it held while reading (peak-heap-MiB), which must not
// grow with the capture. FTPDIAG_BENCH_CAPTURE_MIB sets the size (default
// 64; docs/README-trace.md gives the figures for 1024).
func BenchmarkReadCapture(b *testing.B) {
	mib := 64
	if v, err := strconv.Atoi(os.Getenv("FTPDIAG_BENCH_CAPTURE_MIB")); err == nil && v > 0 {
		mib = v
	}
	path := filepath.Join(b.TempDir(), "big.pcap")
	seed, _ := filepath.Abs(filepath.Join(captureDir, "healthy-client.pcap"))
	gen := exec.Command("go", "run", "ftpdiag/scripts/bigcapture", "-in", seed, "-out", path, "-mib", strconv.Itoa(mib))
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("bigcapture: %v\n%s", err, out)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ResetTimer()
	var peak atomic.Uint64
	stop := sampleHeap(&peak)
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		l, err := Read(f, "")
		f.Close()
		if err != nil || len(l.Entries) < 10 {
			b.Fatalf("read: %v", err)
		}
	}
	stop()
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}

// sampleHeap keeps the largest live heap seen every few milliseconds in
// peak until the returned function is called.
func sampleHeap(peak *atomic.Uint64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
