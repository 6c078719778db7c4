package foreign

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"time"

	"github.com/gopacket/gopacket/ip4defrag"
	"github.com/gopacket/gopacket/layers"
)

// Bounds of the IP reassembly: a capture of hostile or broken traffic can
// hold any number of fragments that never complete, and none of them may
// make the reading grow.
const (
	// maxFragLists is the most fragmented packets waiting for their
	// pieces at once; a fragment of one more is dropped and counted.
	maxFragLists = 256
	// maxFragBytes bounds what the waiting fragments hold in all: their
	// bytes plus fragOverhead each (a tiny fragment costs its bookkeeping).
	maxFragBytes = 4 << 20
	fragOverhead = 256
	// A packet whose pieces do not all come is given up after the
	// receivers' own times: Linux's ipfrag_time (30 s, counted from the
	// last fragment for IPv4) and ip6frag_time (60 s, from the first
	// fragment, as RFC 8200 says).
	fragTimeout4 = 30 * time.Second
	fragTimeout6 = 60 * time.Second
	// fragSweep is how often, in capture time, the waiting lists are
	// checked for their timeout.
	fragSweep = time.Second
	// ip6MaxPacket is the largest payload fragments may rebuild (RFC 8200).
	ip6MaxPacket = 65535
	// maxSpare bounds the IPv4 copies kept for reuse, of each kind.
	maxSpare = 64
)

// bufSizes are the sizes of the reusable buffers IPv4 fragments are
// copied into: the last piece of a segment, and the others (an Ethernet
// MTU fits).
var bufSizes = [2]int{512, 2048}

// fragKey names one fragmented packet: source, destination, protocol and
// identification (RFC 791 and RFC 8200).
type fragKey struct {
	src, dst netip.Addr
	proto    uint8
	id       uint32
}

// fragPiece is one stored IPv6 fragment: the payload bytes [start, end).
type fragPiece struct {
	start, end int
	data       []byte
}

// fragList is one fragmented packet waiting for its pieces. For IPv4
// gopacket's ip4defrag holds the fragments and this only counts them; for
// IPv6 the pieces are held here.
type fragList struct {
	first, last  time.Time
	cost         int // what it holds, counted against maxFragBytes
	pieces       int
	largest      int            // the largest fragment's IP length: the path's MTU shows in it
	offsets      []uint16       // IPv4: the fragment offsets held
	held4        []*layers.IPv4 // IPv4: the copies handed to ip4defrag
	srcIP, dstIP net.IP
	// IPv6 only:
	frags    []fragPiece
	end      int // the highest byte seen, the packet's end once final
	final    bool
	held     int
	next     uint8 // the next header, from the fragment at offset 0
	hopLimit uint8
}

// fragStats is what the notes say about reassembly that failed.
type fragStats struct {
	incomplete, refused, overCap int
	firstIncomplete              fragKey
	firstRefused                 fragKey
}

// defrag reassembles IPv4 and IPv6 fragments by the capture's own clock.
type defrag struct {
	v4 *ip4defrag.IPv4Defragmenter
	// IPv4 copies of packets rebuilt, for the next fragments: at most
	// maxSpare of each, buffers of each size in bufSizes.
	spareIPs   []*layers.IPv4
	spareBufs  [len(bufSizes)][][]byte
	spareLists []*fragList
	open       map[fragKey]*fragList
	cost       int
	swept      time.Time
	stats      fragStats
}

func newDefrag() *defrag {
	return &defrag{v4: ip4defrag.NewIPv4Defragmenter(), open: map[fragKey]*fragList{}}
}

// reassembled is a packet rebuilt from fragments: its protocol and
// payload, and what its fragments tell of the path.
type reassembled struct {
	proto   uint8
	payload []byte
	ttl     uint8
	pieces  int
	largest int
}

// admit finds or opens the list for k, or refuses a fragment the bounds
// have no room for.
func (f *defrag) admit(k fragKey, t time.Time, cost int) (*fragList, bool) {
	l := f.open[k]
	if l == nil && len(f.open) >= maxFragLists || f.cost+cost > maxFragBytes {
		f.stats.overCap++
		return nil, false
	}
	if l == nil {
		l = f.newList(t)
		f.open[k] = l
	}
	l.last = t
	l.cost += cost
	f.cost += cost
	return l, true
}

func (f *defrag) forget(k fragKey) {
	if l := f.open[k]; l != nil {
		f.cost -= l.cost
		delete(f.open, k)
		f.recycle(l)
	}
}

// newList is an empty list, the slices of a forgotten one reused.
func (f *defrag) newList(t time.Time) *fragList {
	n := len(f.spareLists)
	if n == 0 {
		return &fragList{first: t}
	}
	l := f.spareLists[n-1]
	f.spareLists = f.spareLists[:n-1]
	*l = fragList{first: t, offsets: l.offsets[:0], held4: l.held4[:0], frags: l.frags[:0], srcIP: l.srcIP, dstIP: l.dstIP}
	return l
}

// copy4 copies an IPv4 fragment off the reused packet buffer, for
// ip4defrag to keep: its layer and bytes come from those of packets
// already rebuilt when there are some (a fragmented transfer would
// otherwise allocate each fragment twice over), its addresses are the
// list's.
func (f *defrag) copy4(l *fragList, ip *layers.IPv4) *layers.IPv4 {
	if !l.srcIP.Equal(ip.SrcIP) || !l.dstIP.Equal(ip.DstIP) { // a reused list keeps its last pair
		l.srcIP, l.dstIP = bytes.Clone(ip.SrcIP), bytes.Clone(ip.DstIP)
	}
	var cp *layers.IPv4
	if n := len(f.spareIPs); n > 0 {
		cp, f.spareIPs = f.spareIPs[n-1], f.spareIPs[:n-1]
	} else {
		cp = &layers.IPv4{}
	}
	*cp = layers.IPv4{Version: ip.Version, IHL: ip.IHL, TOS: ip.TOS, Length: ip.Length, Id: ip.Id,
		Flags: ip.Flags, FragOffset: ip.FragOffset, TTL: ip.TTL, Protocol: ip.Protocol, SrcIP: l.srcIP, DstIP: l.dstIP}
	var b []byte
	c := bufClass(len(ip.Payload))
	switch {
	case c < 0:
		b = bytes.Clone(ip.Payload)
	case len(f.spareBufs[c]) > 0:
		spare := f.spareBufs[c]
		b, f.spareBufs[c] = spare[len(spare)-1][:len(ip.Payload)], spare[:len(spare)-1]
		copy(b, ip.Payload)
	default:
		b = append(make([]byte, 0, bufSizes[c]), ip.Payload...)
	}
	cp.Payload = b
	l.held4 = append(l.held4, cp)
	return cp
}

// bufClass is the class of reusable buffer an IPv4 fragment of n bytes
// is copied into, or -1 for a buffer of its own size: at least a quarter
// of the buffer is used, so that tiny fragments cannot hold 2 KiB each.
func bufClass(n int) int {
	for c, size := range bufSizes {
		if n >= size/4 && n <= size {
			return c
		}
	}
	return -1
}

// bufCap is the size of the buffer an IPv4 fragment of n bytes takes.
func bufCap(n int) int {
	if c := bufClass(n); c >= 0 {
		return bufSizes[c]
	}
	return n
}

// recycle keeps a forgotten list's IPv4 copies for the next fragments.
// Safe: ip4defrag forgets a packet no later than this table does (it
// counts time from the last fragment it stored, this from the last seen),
// and its rebuilt packet is a copy.
func (f *defrag) recycle(l *fragList) {
	for _, cp := range l.held4 {
		if c := bufClass(cap(cp.Payload)); c >= 0 && cap(cp.Payload) == bufSizes[c] && len(f.spareBufs[c]) < maxSpare {
			f.spareBufs[c] = append(f.spareBufs[c], cp.Payload[:0])
		}
		if len(f.spareIPs) < maxSpare {
			*cp = layers.IPv4{}
			f.spareIPs = append(f.spareIPs, cp)
		}
	}
	if len(f.spareLists) < maxSpare && cap(l.offsets) <= maxSpare && cap(l.frags) <= maxSpare {
		clear(l.held4[:cap(l.held4)])
		clear(l.frags[:cap(l.frags)])
		f.spareLists = append(f.spareLists, l)
	}
}

func (f *defrag) refused(k fragKey) {
	if f.stats.refused == 0 {
		f.stats.firstRefused = k
	}
	f.stats.refused++
	f.forget(k)
}

// sweep gives up the packets whose time ran out at t, as a receiver does.
func (f *defrag) sweep(t time.Time) {
	if len(f.open) == 0 || t.Sub(f.swept) < fragSweep {
		return
	}
	f.swept = t
	f.v4.DiscardOlderThan(t.Add(-fragTimeout4))
	for k, l := range f.open {
		if k.src.Is4() && t.Sub(l.last) > fragTimeout4 || k.src.Is6() && t.Sub(l.first) > fragTimeout6 {
			f.gaveUp(k)
		}
	}
}

func (f *defrag) gaveUp(k fragKey) {
	if f.stats.incomplete == 0 {
		f.stats.firstIncomplete = k
	}
	f.stats.incomplete++
	f.forget(k)
}

// finish counts what still waits when the capture ends.
func (f *defrag) finish() {
	for _, k := range slices.SortedFunc(func(yield func(fragKey) bool) {
		for k := range f.open {
			if !yield(k) {
				return
			}
		}
	}, compareFragKey) {
		f.gaveUp(k)
	}
}

func compareFragKey(a, b fragKey) int {
	if c := a.src.Compare(b.src); c != 0 {
		return c
	}
	if c := a.dst.Compare(b.dst); c != 0 {
		return c
	}
	return int(a.id) - int(b.id)
}

// ipv4 takes one IPv4 fragment (decoded in ip, its bytes in the reused
// packet buffer) and returns the packet once its last piece is in.
func (f *defrag) ipv4(ip *layers.IPv4, src, dst netip.Addr, t time.Time) (reassembled, bool) {
	if ip.Protocol != layers.IPProtocolTCP && ip.Protocol != layers.IPProtocolICMPv4 {
		return reassembled{}, false // not what explain reads: not held
	}
	f.sweep(t)
	k := fragKey{src: src, dst: dst, proto: uint8(ip.Protocol), id: uint32(ip.Id)}
	// ip4defrag ignores a repeat silently (or refuses it when it
	// contradicts): the offsets held tell one, which costs nothing more.
	cost, at, repeat := bufCap(len(ip.Payload))+fragOverhead, 0, false
	if l := f.open[k]; l != nil {
		if at, repeat = slices.BinarySearch(l.offsets, ip.FragOffset); repeat {
			cost = 0
		}
	}
	l, ok := f.admit(k, t, cost)
	if !ok {
		return reassembled{}, false
	}
	if !repeat {
		l.offsets = slices.Insert(l.offsets, at, ip.FragOffset)
		l.pieces++
	}
	l.largest = max(l.largest, int(ip.Length))
	// ip4defrag keeps the layer it is given: a copy, off the packet
	// buffer. A repeat it does not keep (it ignores or refuses it), so its
	// copy is not held either: a flood of repeats holds nothing.
	cp := f.copy4(l, ip)
	if repeat {
		l.held4 = l.held4[:len(l.held4)-1]
	}
	out, err := f.v4.DefragIPv4WithTimestamp(cp, t)
	switch {
	case err != nil:
		f.refused(k)
		return reassembled{}, false
	case out == nil:
		return reassembled{}, false
	}
	r := reassembled{proto: uint8(out.Protocol), payload: out.Payload, ttl: out.TTL, pieces: l.pieces, largest: l.largest}
	f.forget(k)
	return r, true
}

// ipv6 takes one IPv6 packet whose next header is a fragment header (in
// payload) and returns the packet once its last piece is in. Its rules
// are RFC 8200's, as Linux applies them: a non-final fragment holds whole
// 8-byte units, the final one fixes the end, a repeat of bytes held is
// ignored, and any overlap or contradiction drops the whole packet.
func (f *defrag) ipv6(payload []byte, src, dst netip.Addr, hop uint8, t time.Time) (reassembled, bool) {
	if len(payload) < 8 {
		return reassembled{}, false
	}
	next, off := payload[0], binary.BigEndian.Uint16(payload[2:4])
	more, start := off&1 == 1, int(off>>3)*8
	id, data := binary.BigEndian.Uint32(payload[4:8]), payload[8:]
	if next != uint8(layers.IPProtocolTCP) && next != uint8(layers.IPProtocolICMPv6) {
		return reassembled{}, false
	}
	f.sweep(t)
	k := fragKey{src: src, dst: dst, id: id}
	if start == 0 && !more {
		return reassembled{proto: next, payload: data, ttl: hop, pieces: 1, largest: 40 + len(payload)}, true // an atomic fragment
	}
	end := start + len(data)
	if len(data) == 0 || end > ip6MaxPacket || more && len(data)%8 != 0 {
		f.refused(k)
		return reassembled{}, false
	}
	l, ok := f.admit(k, t, len(data)+fragOverhead)
	if !ok {
		return reassembled{}, false
	}
	switch l.insert6(start, end, more, data) {
	case pieceBad:
		f.refused(k)
		return reassembled{}, false
	case pieceRepeat: // held already: it costs nothing more
		c := len(data) + fragOverhead
		l.cost, f.cost = l.cost-c, f.cost-c
	default:
		l.pieces++
	}
	l.largest = max(l.largest, 40+len(payload))
	if start == 0 {
		l.next, l.hopLimit = next, hop
	}
	if !l.final || l.held != l.end {
		return reassembled{}, false
	}
	b := make([]byte, 0, l.end)
	for _, p := range l.frags {
		b = append(b, p.data...)
	}
	r := reassembled{proto: l.next, payload: b, ttl: l.hopLimit, pieces: l.pieces, largest: l.largest}
	f.forget(k)
	return r, true
}

// What insert6 did with a piece.
const (
	pieceStored = iota
	pieceRepeat // bytes held already: ignored
	pieceBad    // contradicts what is held: the packet is dropped
)

// insert6 files the bytes [start, end) of one IPv6 fragment.
func (l *fragList) insert6(start, end int, more bool, data []byte) int {
	switch {
	case !more:
		if end < l.end || l.final && end != l.end {
			return pieceBad
		}
		l.final, l.end = true, end
	case end > l.end:
		if l.final {
			return pieceBad
		}
		l.end = end
	}
	i := sort.Search(len(l.frags), func(n int) bool { return l.frags[n].end > start })
	j := i
	for j < len(l.frags) && l.frags[j].start < end {
		j++
	}
	if i < j { // shares bytes with what is held: a repeat, or an overlap
		if l.frags[i].start > start || l.frags[j-1].end < end {
			return pieceBad
		}
		for n := i; n < j-1; n++ {
			if l.frags[n].end != l.frags[n+1].start {
				return pieceBad
			}
		}
		return pieceRepeat
	}
	l.frags = slices.Insert(l.frags, i, fragPiece{start: start, end: end, data: bytes.Clone(data)})
	l.held += end - start
	return pieceStored
}

// notes are what the transcript says of reassembly that failed.
func (f *defrag) notes() []string {
	var out []string
	s := f.stats
	if s.incomplete > 0 {
		out = append(out, fmt.Sprintf("%s could not be reassembled: pieces are missing (the first from %s to %s, id %#x); their contents are not in this transcript, so data or replies may seem lost",
			counted(s.incomplete, "fragmented IP packet"), s.firstIncomplete.src, s.firstIncomplete.dst, s.firstIncomplete.id))
	}
	if s.refused > 0 {
		out = append(out, fmt.Sprintf("%s dropped as a receiver drops them: their fragments overlap, contradict each other or are malformed (the first from %s to %s, id %#x)",
			counted(s.refused, "fragmented IP packet")+wasWere(s.refused), s.firstRefused.src, s.firstRefused.dst, s.firstRefused.id))
	}
	if s.overCap > 0 {
		out = append(out, fmt.Sprintf("%s not held: more than %d fragmented packets or %d KiB of fragments waited at once",
			counted(s.overCap, "IP fragment")+wasWere(s.overCap), maxFragLists, maxFragBytes>>10))
	}
	return out
}

// fragSeen is what one side of a connection sent in fragments.
type fragSeen struct {
	segs, pieces, largest int
	ttl                   uint8
	v6                    bool
}

func (s *fragSeen) add(p pkt) {
	s.segs++
	s.pieces += p.pieces
	s.largest = max(s.largest, p.fragSize)
	s.ttl, s.v6 = p.ttl, p.src.Is6()
}

// fragNotes says, for each side of conn that sent fragments, that the
// path fragments and what its MTU is: what a network engineer looks for
// when a transfer is slow or a firewall drops fragments.
func (c *capture) fragNotes(conn *tcpConn) {
	for side, s := range conn.frag {
		if s.segs == 0 {
			continue
		}
		from, to := conn.ends[side], conn.ends[1-side]
		where := "the sender sets no DF bit, so it or a router on the way fragments instead of answering with ICMP fragmentation-needed"
		switch {
		case s.v6:
			where = "IPv6 routers never fragment: the sender did, after a Packet Too Big"
		case s.ttl == 64 || s.ttl == 128 || s.ttl == 255:
			where = "they leave the sender fragmented: its own link or route has that MTU, and it sets no DF bit"
		}
		c.b.note(fmt.Sprintf("the path fragments: MTU %d to %d between %s and %s. %s from %s arrived in %d IP fragments of at most %d bytes (reassembled here; fragments carry whole 8-byte units); %s. Fragments cost throughput, and firewalls that drop them stall such transfers",
			s.largest, s.largest+7, from.Addr(), to.Addr(), counted(s.segs, "segment"), from, s.pieces, s.largest, where))
	}
}

// counted is "1 packet", "2 packets".
func counted(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func wasWere(n int) string {
	if n == 1 {
		return " was"
	}
	return " were"
}
