package web

import (
	"encoding/json"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// silentFTP accepts control connections and never greets: each probe of it
// waits as long as its reply timeout, the slowest a server can be without
// breaking anything.
func silentFTP(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "ftp://" + ln.Addr().String() + "/"
}

// loadRound starts n probes of target at once through the API and waits
// until all have ended.
func loadRound(t testing.TB, s *Server, base, target string, n int) time.Duration {
	t.Helper()
	start := time.Now()
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(base+"/api/v1/probe", "application/json",
				strings.NewReader(`{"url":"`+target+`","tls":"off","mode":"passive","async":true}`))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var a struct{ ID string }
			if resp.StatusCode != http.StatusAccepted || json.NewDecoder(resp.Body).Decode(&a) != nil {
				t.Errorf("status %d", resp.StatusCode)
				return
			}
			ids <- a.ID
		}()
	}
	wg.Wait()
	close(ids)
	for id := range ids {
		if c := s.store.get(id); c != nil {
			<-c.done
		}
	}
	return time.Since(start)
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestLoadFlat: 100 concurrent probes of a slow server, three times over.
// Every round takes about one reply timeout (they run side by side, not in
// a queue), and after each the heap and the goroutines are back where they
// were: nothing of a finished probe stays but its small report.
func TestLoadFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test")
	}
	const n, rounds = 100, 3
	target := silentFTP(t)
	o := Options{AllowPrivate: true, MaxConcurrent: n, PerClient: n, PerClientHour: n * rounds, Probe: quick}
	o.Probe.ReplyTimeout = time.Second
	s, hs, _ := startWeb(t, o, false)
	http.DefaultClient.Transport = &http.Transport{MaxIdleConnsPerHost: n}
	t.Cleanup(func() { http.DefaultClient.Transport = nil })

	loadRound(t, s, hs.URL, target, n) // warm up: pools, the first reports
	goroutines, heap := runtime.NumGoroutine(), heapAfterGC()
	for r := range rounds - 1 {
		took := loadRound(t, s, hs.URL, target, n)
		if took > 15*time.Second {
			t.Errorf("round %d: %d probes of a 1 s server took %v: they queued", r, n, took)
		}
	}
	time.Sleep(100 * time.Millisecond) // the last handlers return
	g, h := runtime.NumGoroutine(), heapAfterGC()
	t.Logf("after %d rounds of %d probes: goroutines %d -> %d, heap %d KiB -> %d KiB, %d reports kept",
		rounds, n, goroutines, g, heap>>10, h>>10, s.store.len())
	if g > goroutines+10 {
		t.Errorf("goroutines grew from %d to %d", goroutines, g)
	}
	// Each kept report of a silent server is a few KiB; 200 more of them
	// must not cost more than 8 MiB.
	if h > heap+8<<20 {
		t.Errorf("heap grew from %d KiB to %d KiB", heap>>10, h>>10)
	}
}
