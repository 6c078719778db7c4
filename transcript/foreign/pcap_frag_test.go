package foreign

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// The packets below are built byte by byte: the lab cannot make Linux's
// TCP send IPv6 fragments (it lowers its MSS after a Packet Too Big), and
// hostile fragments are what no lab sends. The IPv4 path of a real
// capture is frag-client.pcap (TestCaptureFacts).

var (
	fragSrc4, fragDst4 = netip.MustParseAddr("198.18.1.2"), netip.MustParseAddr("198.18.0.2")
	fragSrc6, fragDst6 = netip.MustParseAddr("2001:db8:1::2"), netip.MustParseAddr("2001:db8::2")
)

// tcpSegment is a TCP segment from port 3000 to 40000 with n payload
// bytes in a pattern, so that a misplaced piece shows.
func tcpSegment(n int) []byte {
	b := make([]byte, 20+n)
	binary.BigEndian.PutUint16(b[0:], 3000)
	binary.BigEndian.PutUint16(b[2:], 40000)
	binary.BigEndian.PutUint32(b[4:], 1000)
	b[12], b[13] = 5<<4, 0x10 // header of 20 bytes, ACK
	for i := range n {
		b[20+i] = byte(i*7 + i/251)
	}
	return b
}

// piece is one fragment of a datagram: its bytes [off, off+n) of the
// datagram's payload, whether more follow, and when it is captured.
type piece struct {
	off, n int
	more   bool
	at     time.Duration
	id     uint32 // 0: the case's datagram
}

// ip4Fragment is one IPv4 fragment of payload, as a router sends it.
func ip4Fragment(id uint16, payload []byte, p piece) []byte {
	data := payload[p.off:min(p.off+p.n, len(payload))]
	b := make([]byte, 20+len(data))
	b[0], b[8], b[9] = 0x45, 63, 6
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	binary.BigEndian.PutUint16(b[4:], id)
	fo := uint16(p.off / 8)
	if p.more {
		fo |= 0x2000
	}
	binary.BigEndian.PutUint16(b[6:], fo)
	copy(b[12:], fragSrc4.AsSlice())
	copy(b[16:], fragDst4.AsSlice())
	copy(b[20:], data)
	return b
}

// ip6Fragment is one IPv6 packet with a fragment header, as a source
// fragments.
func ip6Fragment(id uint32, payload []byte, p piece) []byte {
	data := payload[p.off:min(p.off+p.n, len(payload))]
	b := make([]byte, 48+len(data))
	b[0], b[6], b[7] = 0x60, 44, 64
	binary.BigEndian.PutUint16(b[4:], uint16(8+len(data)))
	copy(b[8:], fragSrc6.AsSlice())
	copy(b[24:], fragDst6.AsSlice())
	b[40] = 6
	fo := uint16(p.off/8) << 3
	if p.more {
		fo |= 1
	}
	binary.BigEndian.PutUint16(b[42:], fo)
	binary.BigEndian.PutUint32(b[44:], id)
	copy(b[48:], data)
	return b
}

// TestDefrag feeds fragments of one 1460-byte segment in different
// orders and states, in both families: the segment comes out whole when
// it can, and the notes name what could not be rebuilt.
func TestDefrag(t *testing.T) {
	seg := tcpSegment(1440)
	three := []piece{{0, 552, true, 0, 0}, {552, 552, true, 0, 0}, {1104, 356, false, 0, 0}}
	tests := []struct {
		name   string
		pieces []piece
		whole  bool   // the segment comes out, once
		note   string // "" or what a note must say
	}{
		{"in order", three, true, ""},
		{"last first", []piece{three[2], three[0], three[1]}, true, ""},
		{"a piece sent twice", []piece{three[0], three[0], three[1], three[2]}, true, ""},
		{"a piece missing", three[:2], false, "1 fragmented IP packet could not be reassembled: pieces are missing"},
		{"overlapping pieces", []piece{three[0], {544, 560, true, 0, 0}, three[2]}, false, "their fragments overlap, contradict each other or are malformed"},
		{"a piece beyond the final one", []piece{three[2], {1456, 8, true, 0, 0}}, false, "overlap, contradict each other"},
		{"the last piece after the timeout", []piece{three[0], three[1], {1104, 356, false, 61 * time.Second, 0}}, false, "could not be reassembled: pieces are missing"},
		{"the last piece within the timeout", []piece{three[0], three[1], {1104, 356, false, 20 * time.Second, 0}}, true, ""},
	}
	for _, fam := range []string{"ipv4", "ipv6"} {
		for _, tc := range tests {
			t.Run(fam+"/"+tc.name, func(t *testing.T) {
				d := newDecoder()
				start := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
				var got [][]byte
				var p pkt
				for _, pc := range tc.pieces {
					raw := ip4Fragment(0x5b57, seg, pc)
					if fam == "ipv6" {
						raw = ip6Fragment(0x5b57, seg, pc)
					}
					q, ok := d.decode(raw, layers.LayerTypeIPv4, start.Add(pc.at))
					if ok {
						p = q
						got = append(got, bytes.Clone(q.tcp.Payload))
					}
				}
				d.frag.finish()
				notes := strings.Join(d.frag.notes(), "\n")
				switch {
				case tc.whole && (len(got) != 1 || !bytes.Equal(got[0], seg[20:])):
					t.Fatalf("got %d segments, want the one whole (notes: %s)", len(got), notes)
				case tc.whole && (p.pieces != 3 || p.tcp.SrcPort != 3000):
					t.Errorf("pieces %d, port %d, want 3 pieces from port 3000", p.pieces, p.tcp.SrcPort)
				case !tc.whole && len(got) != 0:
					t.Fatalf("got %d segments, want none", len(got))
				}
				if tc.note == "" && notes != "" || !strings.Contains(notes, tc.note) {
					t.Errorf("notes %q, want %q", notes, tc.note)
				}
				if len(d.frag.open) != 0 || d.frag.cost != 0 {
					t.Errorf("after finish: %d lists open holding %d bytes", len(d.frag.open), d.frag.cost)
				}
			})
		}
	}
}

// TestDefragBounds: fragments that never complete are held only up to
// the caps, in lists and in bytes, and the rest are counted in a note.
func TestDefragBounds(t *testing.T) {
	tests := []struct {
		name    string
		lists   int // first pieces of this many datagrams, none completed
		n       int // bytes of each piece
		overCap int
		same    bool // every piece is the same one, sent again
	}{
		{"lists within the cap", maxFragLists, 8, 0, false},
		{"one list over the cap", maxFragLists + 1, 8, 1, false},
		{"bytes over the cap", 80, 64000, 80 - maxFragBytes/(64000+fragOverhead), false},
		{"one piece sent again and again", 500, 64000, 0, true},
	}
	for _, fam := range []string{"ipv4", "ipv6"} {
		for _, tc := range tests {
			t.Run(fam+"/"+tc.name, func(t *testing.T) {
				d := newDecoder()
				seg := tcpSegment(tc.n)
				at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
				for i := range tc.lists {
					pc, id := piece{0, tc.n, true, 0, 0}, i+1
					if tc.same {
						id = 1
					}
					raw := ip4Fragment(uint16(id), seg, pc)
					if fam == "ipv6" {
						raw = ip6Fragment(uint32(id), seg, pc)
					}
					if _, ok := d.decode(raw, layers.LayerTypeIPv4, at); ok {
						t.Fatal("a lone first piece came out whole")
					}
					if len(d.frag.open) > maxFragLists || d.frag.cost > maxFragBytes {
						t.Fatalf("%d lists open holding %d bytes: over the caps", len(d.frag.open), d.frag.cost)
					}
				}
				if d.frag.stats.overCap != tc.overCap {
					t.Errorf("over the cap: %d fragments, want %d", d.frag.stats.overCap, tc.overCap)
				}
				want := fmt.Sprintf("%d IP fragments were not held", tc.overCap)
				if tc.overCap == 1 {
					want = "1 IP fragment was not held"
				}
				if notes := strings.Join(d.frag.notes(), "\n"); tc.overCap > 0 && !strings.Contains(notes, want) {
					t.Errorf("notes %q, want %q", notes, want)
				}
			})
		}
	}
}

// TestDefragHeap: what the bounds count is what the heap holds. Tiny
// fragments that never complete, of many packets, fill the caps; the heap
// they hold stays within twice maxFragBytes.
func TestDefragHeap(t *testing.T) {
	for _, size := range []int{8, 600, 1480} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			seg := tcpSegment(100 * size)
			at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			d := newDecoder()
			for range 20000 { // one piece again and again
				d.decode(ip4Fragment(9999, seg, piece{0, size, true, 0, 0}), layers.LayerTypeIPv4, at)
				d.decode(ip6Fragment(9999, seg, piece{0, size, true, 0, 0}), layers.LayerTypeIPv4, at)
			}
			for id := range 2 * maxFragLists {
				for n := range 100 {
					pc := piece{n * size, size, true, 0, 0}
					d.decode(ip4Fragment(uint16(id), seg, pc), layers.LayerTypeIPv4, at)
					d.decode(ip6Fragment(uint32(id), seg, pc), layers.LayerTypeIPv4, at)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			if held > 2*maxFragBytes {
				t.Errorf("%d-byte fragments: the heap grew by %d KiB, want at most %d KiB (counted: %d KiB)", size, held>>10, 2*maxFragBytes>>10, d.frag.cost>>10)
			}
			if d.frag.stats.overCap == 0 {
				t.Errorf("the caps were never reached: the test feeds too little")
			}
			runtime.KeepAlive(d)
		})
	}
}

// FuzzDefrag reads its input as fragments, 6 bytes each: the family and
// flags, an identification, an offset in 8-byte units, a length and a
// step of the clock; their bytes come from one segment. However they
// overlap, repeat, contradict or run out of time, the reassembly holds no
// more than its caps, gives back only what its pieces make, and holds
// nothing once the capture ends.
func FuzzDefrag(f *testing.F) {
	f.Add([]byte{0, 1, 0, 69, 1, 0, 0, 1, 69, 69, 1, 0, 2, 1, 138, 44, 0, 0})
	f.Add([]byte{1, 1, 0, 69, 1, 0, 1, 1, 68, 70, 1, 0, 3, 1, 138, 44, 0, 61})
	f.Add([]byte{2, 7, 0, 1, 1, 0, 2, 7, 0, 1, 1, 0, 0, 7, 1, 1, 0, 31})
	seg := tcpSegment(8 * 255)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := newDecoder()
		at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
		for ; len(data) >= 6; data = data[6:] {
			flags, id, off, n := data[0], data[1], int(data[2])*8, int(data[3])*8+int(data[4])%8
			at = at.Add(time.Duration(data[5]) * time.Second)
			pc := piece{off: min(off, len(seg)), n: n, more: flags&1 == 0}
			raw := ip4Fragment(uint16(id), seg, pc)
			if flags&2 != 0 {
				raw = ip6Fragment(uint32(id), seg, pc)
			}
			p, ok := d.decode(raw, layers.LayerTypeIPv4, at)
			whole := pc.off == 0 && !pc.more && flags&2 == 0 // not a fragment at all
			if ok && (p.tcp == nil || p.pieces < 1 && !whole || len(p.tcp.Payload) > len(seg)) {
				t.Fatalf("a rebuilt packet of %d pieces: %+v", p.pieces, p.tcp)
			}
			if len(d.frag.open) > maxFragLists || d.frag.cost > maxFragBytes || d.frag.cost < 0 {
				t.Fatalf("%d lists holding %d bytes", len(d.frag.open), d.frag.cost)
			}
		}
		d.frag.finish()
		if len(d.frag.open) != 0 || d.frag.cost != 0 {
			t.Fatalf("after finish: %d lists holding %d bytes", len(d.frag.open), d.frag.cost)
		}
		_ = d.frag.notes()
	})
}
