package exporter

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"ftpdiag/probe"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// Speed targets of issue 15.
const (
	// maxOverhead is what the exporter may add to a probe's own time.
	maxOverhead = 5 * time.Millisecond
	// overheadPairs is how many probes are timed each way, alternating,
	// so that both medians see the same machine load.
	overheadPairs = 31
	// fanTargets and fanRequests: 200 requests at once against 20 servers.
	fanTargets, fanRequests, fanLimit = 20, 200, 8
	// memProbes is the run over which the heap must stay flat, after
	// memWarmup probes; memSlack is the growth allowed (GC and pool noise).
	memProbes, memWarmup = 10000, 1000
	memReloads           = 100
	memSlack             = 4 << 20
)

// timedPair probes target once directly and once through /probe, and
// returns both durations.
func timedPair(t testing.TB, base string, target probe.Target, m *Module) (direct, viaExporter time.Duration) {
	start := time.Now()
	runProbe(context.Background(), target, m, scrapeBudget(&http.Request{Header: http.Header{}}, m), probeTool)
	direct = time.Since(start)
	start = time.Now()
	if status, _ := scrape(t, base, hostPort2(target), m.Name, "10"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	return direct, time.Since(start)
}

var probeTool = testTool()

// hostPort2 is the target's URL as a scraper names it: no user.
func hostPort2(t probe.Target) string { return "ftp://" + t.Addr() + "/" }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestOverhead: a healthy target's probe through /probe takes at most the
// probe's own time plus maxOverhead (medians, side by side).
func TestOverhead(t *testing.T) {
	direct, via := measureOverhead(t, overheadPairs)
	t.Logf("healthy loopback probe, medians of %d: alone %s, through /probe %s, overhead %s", overheadPairs, direct, via, via-direct)
	if via-direct > maxOverhead {
		t.Errorf("the exporter adds %s to a probe of %s, want at most %s", via-direct, direct, maxOverhead)
	}
}

func BenchmarkOverhead(b *testing.B) {
	direct, via := measureOverhead(b, max(b.N, 5))
	b.ReportMetric(float64(direct.Microseconds())/1e3, "ms-probe-alone")
	b.ReportMetric(float64(via.Microseconds())/1e3, "ms-through-exporter")
	b.ReportMetric(float64((via-direct).Microseconds())/1e3, "ms-overhead")
}

func measureOverhead(t testing.TB, pairs int) (direct, via time.Duration) {
	s := servertest.Start(t, server.Config{})
	cfg := testConfig(t)
	_, ts, _ := startExporter(t, Options{Config: cfg})
	target, err := probe.ParseTarget(servertest.URL(s))
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Modules["john"]
	timedPair(t, ts.URL, target, m) // warm both paths up
	var ds, vs []time.Duration
	for range pairs {
		d, v := timedPair(t, ts.URL, target, m)
		ds, vs = append(ds, d), append(vs, v)
	}
	return median(ds), median(vs)
}

// TestFanOut: 200 requests at once against 20 reference servers, all
// answered, never more than --max-concurrent probes running.
func TestFanOut(t *testing.T) {
	took, peak := fanOut(t)
	t.Logf("%d requests against %d targets: all answered in %s, at most %d probes at once (limit %d)", fanRequests, fanTargets, took, peak, fanLimit)
}

func BenchmarkFanOut(b *testing.B) {
	for range b.N {
		took, peak := fanOut(b)
		b.ReportMetric(float64(took.Milliseconds()), "ms-for-200")
		b.ReportMetric(float64(peak), "peak-probes")
	}
}

func fanOut(t testing.TB) (time.Duration, int64) {
	targets := make([]string, fanTargets)
	for i := range targets {
		targets[i] = hostPort(servertest.Start(t, server.Config{}))
	}
	e, ts, _ := startExporter(t, Options{MaxConcurrent: fanLimit})
	errs := make(chan error, fanRequests)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range fanRequests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := ts.URL + "/probe?" + url.Values{"target": {targets[i%fanTargets]}, "module": {"john"}}.Encode()
			resp, err := http.Get(u)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a request failed: %v", err)
		}
	}
	if p := e.peak.Load(); p > fanLimit {
		t.Errorf("%d probes ran at once, limit %d", p, fanLimit)
	}
	return took, e.peak.Load()
}

// TestMemoryFlat (issues 15 and 21): the heap and the goroutines after
// memProbes probes and memReloads reloads of the modules file (one every
// memProbes/memReloads probes) are what they were after the warm-up, within
// memSlack and a few goroutines: nothing accumulates per probe, per target
// (the per-host slots, the shared calls) or per reload. The status page
// keeps the last recentLen results. The targets are refused ports on 16
// loopback addresses: the cheapest whole probes, so ten thousand take
// seconds.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 probes")
	}
	port := closedPort(t)
	path := filepath.Join(t.TempDir(), "ftpdiag.yml")
	if err := writeFile(path, "modules:\n  default:\n    tls: off\n  other:\n    timeout: 2s\n"); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{Config: cfg, ConfigPath: path, Tool: probeTool})
	h := e.Handler()
	reqs := make([]*http.Request, 16)
	for i := range reqs {
		target := fmt.Sprintf("ftp://127.0.0.%d:%d/", i+1, port)
		reqs[i] = httptest.NewRequest("GET", "/probe?"+url.Values{"target": {target}}.Encode(), nil)
	}
	one := func(i int) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, reqs[i%len(reqs)])
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		if (i+1)%(memProbes/memReloads) == 0 {
			if err := e.Reload(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range memWarmup {
		one(i)
	}
	before, goroutines := heap(), runtime.NumGoroutine()
	start := time.Now()
	for i := range memProbes {
		one(i)
	}
	took := time.Since(start)
	after := heap()
	t.Logf("%d probes and %d reloads in %s: heap %d KiB after warm-up, %d KiB after (%+d KiB); goroutines %d -> %d",
		memProbes, memReloads, took, before>>10, after>>10, (int64(after)-int64(before))>>10, goroutines, runtime.NumGoroutine())
	if after > before+memSlack {
		t.Errorf("heap grew from %d to %d bytes over %d probes", before, after, memProbes)
	}
	if g := runtime.NumGoroutine(); g > goroutines+10 {
		t.Errorf("goroutines grew from %d to %d", goroutines, g)
	}
	e.mu.Lock()
	hosts, calls := len(e.hosts), len(e.inflight)
	e.mu.Unlock()
	if hosts != 0 || calls != 0 || len(e.recent.list()) != recentLen {
		t.Errorf("after the run: %d per-host slots, %d shared calls kept (want 0), %d recent probes (want %d)", hosts, calls, len(e.recent.list()), recentLen)
	}
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkReload: one reload of a modules file with a module that logs
// in (the file, its password file, the typed decoding, the swap).
func BenchmarkReload(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "ftpdiag.yml")
	if err := writeFile(filepath.Join(dir, "pw"), "secret\n"); err != nil {
		b.Fatal(err)
	}
	if err := writeFile(path, "modules:\n  default:\n  monitor:\n    user: monitor\n    password_file: pw\n    allowed_targets: [192.0.2.0/24, ftp.example.com]\n    timeout: 3s\n"); err != nil {
		b.Fatal(err)
	}
	e := New(Options{Config: DefaultConfig(), ConfigPath: path, Tool: probeTool})
	b.ReportAllocs()
	for b.Loop() {
		if err := e.Reload(); err != nil {
			b.Fatal(err)
		}
	}
}
