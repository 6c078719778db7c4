package foreign

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopacket/gopacket/pcapgo"
)

// BenchmarkReadCapture reads a large capture made from a lab capture by
// scripts/bigcapture (one session, one long transfer): its speed (MB/s),
// and the most heap it held while reading (peak-heap-MiB), which must not
// grow with the capture. FTPDIAG_BENCH_CAPTURE_MIB sets the size (default
// 64; docs/README-trace.md gives the figures for 1024).
func BenchmarkReadCapture(b *testing.B) {
	benchRead(b, bigCapture(b))
}

// BenchmarkReadCaptureFragmented reads the same capture with every packet
// larger than 576 bytes cut into IPv4 fragments, as a router before a
// link of MTU 576 cuts them (frag-client.pcap is such a capture, small):
// three fragments a segment, each reassembled.
func BenchmarkReadCaptureFragmented(b *testing.B) {
	path := bigCapture(b)
	fragmented := filepath.Join(b.TempDir(), "big-frag.pcap")
	if err := fragmentCapture(path, fragmented, 576); err != nil {
		b.Fatal(err)
	}
	os.Remove(path)
	benchRead(b, fragmented)
}

// bigCapture makes the benchmark's capture with scripts/bigcapture.
func bigCapture(b *testing.B) string {
	b.Helper()
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
	return path
}

func benchRead(b *testing.B, path string) {
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

// fragmentCapture copies an Ethernet capture, cutting every IPv4 packet
// longer than mtu into fragments that fit it.
func fragmentCapture(in, out string, mtu int) error {
	src, err := os.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	r, err := pcapgo.NewReader(bufio.NewReaderSize(src, 1<<20))
	if err != nil {
		return err
	}
	dst, err := os.Create(out)
	if err != nil {
		return err
	}
	defer dst.Close()
	bw := bufio.NewWriterSize(dst, 1<<20)
	w := pcapgo.NewWriter(bw)
	if err := w.WriteFileHeader(262144, r.LinkType()); err != nil {
		return err
	}
	for {
		data, ci, err := r.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		for _, frame := range fragmentFrame(data, mtu) {
			ci.CaptureLength, ci.Length = len(frame), len(frame)
			if err := w.WritePacket(ci, frame); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// fragmentFrame cuts one Ethernet frame's IPv4 packet into fragments of
// at most mtu bytes, whole 8-byte units in all but the last; other frames
// stay as they are.
func fragmentFrame(data []byte, mtu int) [][]byte {
	if len(data) < 14+20 || binary.BigEndian.Uint16(data[12:]) != 0x0800 {
		return [][]byte{data}
	}
	ip := data[14:]
	ihl, total := int(ip[0]&0x0f)*4, int(binary.BigEndian.Uint16(ip[2:]))
	if total <= mtu || total > len(ip) || ihl < 20 {
		return [][]byte{data}
	}
	payload, unit := ip[ihl:total], (mtu-ihl)&^7
	var frames [][]byte
	for off := 0; off < len(payload); off += unit {
		n := min(unit, len(payload)-off)
		f := make([]byte, 14+ihl+n)
		copy(f, data[:14+ihl])
		copy(f[14+ihl:], payload[off:off+n])
		binary.BigEndian.PutUint16(f[14+2:], uint16(ihl+n))
		fo := uint16(off / 8)
		if off+n < len(payload) {
			fo |= 0x2000
		}
		binary.BigEndian.PutUint16(f[14+6:], fo)
		frames = append(frames, f)
	}
	return frames
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
