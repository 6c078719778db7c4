package foreign

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"ftpdiag/result"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/reassembly"
)

// Bounds that keep a capture's reading small whatever its size.
const (
	// maxConns is the most TCP connections followed at once; a capture of
	// a busy host holds many that are not FTP, and they are dropped from
	// the table once closed.
	maxConns = 1 << 16
	// bigSegment is the size from which a retransmitted segment counts as
	// large for the path-MTU black hole: above the 1280 bytes every IPv6
	// path carries and the usual tunnel MTUs' segments.
	bigSegment = 1200
	// giveUp is how long after its first SYN a data connection with no
	// answer counts as timed out once the session moves on.
	giveUp = time.Second
	// asmPages bounds the reassembly's buffered out-of-order pages (about
	// 1.9 KiB each) in all and per connection.
	asmPages, asmPagesPerConn = 4096, 256
)

// FTP's well-known control ports: plain and implicit TLS.
const (
	portFTP  = 21
	portFTPS = 990
)

type connKey struct{ a, b netip.AddrPort }

func keyOf(x, y netip.AddrPort) connKey {
	if x.Compare(y) > 0 {
		x, y = y, x
	}
	return connKey{x, y}
}

// tcpConn is what the capture saw of one TCP connection; side 0 is the
// one that sent the SYN (the client), side 1 the other.
type tcpConn struct {
	ends      [2]netip.AddrPort
	firstSyn  time.Time
	syns      int
	ttl       [2]uint8
	est       bool
	estT      time.Time
	refused   bool
	icmp      *icmpInfo
	fin       [2]bool
	closer    int // the side that closed (FIN or RST) first, -1 while open
	reset     bool
	bytes     [2]int64
	lastData  time.Time
	hiEnd     [2]uint32
	seqSet    [2]bool
	bigResent [2]int // large segments sent again
	bigSeqs   [2][16]uint32
	bigNext   [2]int
	bigLen    [2]int
	maxAcked  [2]int // the largest segment the other side acknowledged
	pendAck   [2]struct {
		end  uint32
		size int
	}
	fragNeed *icmpInfo
	frag     [2]fragSeen
	ctrl     *ctrlConn
	data     *dataConn
	done     bool
}

func (c *tcpConn) side(src netip.AddrPort) int {
	if src == c.ends[0] {
		return 0
	}
	return 1
}

// capture turns packets into transcript entries through a builder.
type capture struct {
	first    gopacket.LayerType
	dec      *decoder
	b        *builder
	conns    map[connKey]*tcpConn
	ctrls    []*ctrlConn
	asm      *reassembly.Assembler
	next     *ctrlConn // the control connection the assembler's factory is making a stream for
	last     time.Time
	cutShort bool
	dropped  int // connections not followed: the table was full
	noted    map[string]bool
}

func newCapture(lt layers.LinkType) *capture {
	c := &capture{first: firstLayer(lt), b: newBuilder(), conns: map[connKey]*tcpConn{}, noted: map[string]bool{}}
	c.dec = newDecoder()
	c.asm = reassembly.NewAssembler(reassembly.NewStreamPool(&streamFactory{c: c}))
	c.asm.MaxBufferedPagesTotal, c.asm.MaxBufferedPagesPerConnection = asmPages, asmPagesPerConn
	return c
}

// packet reads one captured packet.
func (c *capture) packet(data []byte, ci gopacket.CaptureInfo) {
	if c.first == 0 {
		return
	}
	p, ok := c.dec.decode(data, c.first, ci.Timestamp)
	if !ok {
		return
	}
	p.t = ci.Timestamp
	if p.t.After(c.last) {
		c.last = p.t
	}
	c.b.at(p.t)
	if p.icmp != nil {
		c.icmpError(p)
		return
	}
	c.segment(p, ci)
}

// segment follows one TCP segment.
func (c *capture) segment(p pkt, ci gopacket.CaptureInfo) {
	t := p.tcp
	src, dst := netip.AddrPortFrom(p.src, uint16(t.SrcPort)), netip.AddrPortFrom(p.dst, uint16(t.DstPort))
	k := keyOf(src, dst)
	conn := c.conns[k]
	if conn == nil {
		if len(c.conns) >= maxConns {
			c.dropped++
			return
		}
		conn = c.newConn(src, dst, t.SYN && !t.ACK)
		c.conns[k] = conn
	}
	if conn.done {
		if t.SYN && !t.ACK { // the same four-tuple again: a new connection
			conn = c.newConn(src, dst, true)
			c.conns[k] = conn
		} else {
			return
		}
	}
	side := conn.side(src)
	if p.pieces > 0 {
		conn.frag[side].add(p)
	}
	c.flags(conn, side, p)
	c.payload(conn, side, p)
	if conn.ctrl == nil && conn.data == nil && side == 1 && greets(t.Payload) && conn.bytes[1] == int64(len(t.Payload)) {
		c.lateControl(conn) // an FTP server on another port than 21
	}
	if conn.ctrl != nil && !conn.ctrl.tls {
		c.next = conn.ctrl
		ctx := captureContext(ci)
		c.asm.AssembleWithContext(netFlow(p), t, &ctx)
	}
	// A FIN or RST ends the connection only after what its own segment
	// carries is counted and read: a segment holding the last data and the
	// FIN (GRO merges them on a busy receiver) would otherwise end the
	// transfer short, or the control connection before its last reply.
	c.ends(conn, side, p)
	if conn.ctrl == nil && (conn.done || conn.data == nil && t.RST) {
		delete(c.conns, k) // no state kept for what is over, or not FTP
	}
}

// greets tells the first bytes of an FTP greeting: "220 " or "220-".
func greets(b []byte) bool {
	return len(b) >= 4 && string(b[:3]) == "220" && (b[3] == ' ' || b[3] == '-')
}

// lateControl makes a connection a control connection when its server
// greets as FTP does, on a port other than 21 or 990.
func (c *capture) lateControl(conn *tcpConn) {
	c.control(conn, conn.syns == 0)
	if conn.syns == 0 {
		return
	}
	c.b.use(conn.ctrl.key)
	c.b.dialControl(conn.ends[1].String())
	if conn.est {
		c.b.dialed(result.Connected, conn.estT.Sub(conn.firstSyn), "")
		c.sideOf(conn)
	}
}

// newConn starts following a connection; without its SYN, the side whose
// port is FTP's is taken for the server.
func (c *capture) newConn(src, dst netip.AddrPort, syn bool) *tcpConn {
	conn := &tcpConn{ends: [2]netip.AddrPort{src, dst}, closer: -1}
	if !syn && (isCtrlPort(src.Port()) && !isCtrlPort(dst.Port())) {
		conn.ends = [2]netip.AddrPort{dst, src}
	}
	if cc := c.dataOf(conn); cc != nil {
		conn.data = &dataConn{ctrl: cc, passive: conn.ends[0].Addr() == cc.conn.ends[0].Addr()}
	} else if isCtrlPort(conn.ends[1].Port()) {
		c.control(conn, !syn)
	}
	return conn
}

func isCtrlPort(p uint16) bool { return p == portFTP || p == portFTPS }

// flags reads SYN, SYN-ACK, and the RST that refuses a connection.
func (c *capture) flags(conn *tcpConn, side int, p pkt) {
	t := p.tcp
	switch {
	case t.SYN && !t.ACK && side == 0:
		if conn.syns == 0 {
			conn.firstSyn, conn.ttl[0] = p.t, p.ttl
			c.dialStarted(conn)
		}
		conn.syns++
	case t.SYN && t.ACK && side == 1 && !conn.est:
		conn.est, conn.estT, conn.ttl[1] = true, p.t, p.ttl
		c.answered(conn, result.Connected, "")
	case t.RST && !conn.est && side == 1 && conn.syns > 0:
		conn.refused = true
		c.answered(conn, result.Refused, "answered with a TCP reset (RST)")
		conn.done = true
	}
}

// ends reads the FIN and the RST that end an open connection, after the
// segment's payload is counted.
func (c *capture) ends(conn *tcpConn, side int, p pkt) {
	t := p.tcp
	switch {
	case conn.refused:
	case t.RST:
		if conn.closer < 0 {
			conn.closer = side
		}
		conn.reset = true
		c.closed(conn)
	case t.FIN:
		conn.fin[side] = true
		if conn.closer < 0 {
			conn.closer = side
			c.closed(conn)
		}
		if conn.fin[0] && conn.fin[1] && conn.ctrl == nil {
			conn.done = true
		}
	}
}

// payload counts bytes, and the large segments sent again: the path-MTU
// black hole shows as those while smaller ones are acknowledged. Bytes are
// the advance of the highest sequence number, so segments captured out of
// order (a capture on "any" with several CPUs) count once; a large segment
// is sent again when its sequence number was seen among the last few.
func (c *capture) payload(conn *tcpConn, side int, p pkt) {
	t := p.tcp
	other := 1 - side
	if t.SYN {
		conn.seqSet[side], conn.hiEnd[side] = true, t.Seq+1
	}
	if t.ACK && conn.pendAck[other].size > 0 && seqAfterEq(t.Ack, conn.pendAck[other].end) {
		conn.maxAcked[other] = max(conn.maxAcked[other], conn.pendAck[other].size)
		conn.pendAck[other].size = 0
	}
	n := len(t.Payload)
	if n == 0 {
		return
	}
	end := t.Seq + uint32(n)
	if n >= bigSegment {
		if slices.Contains(conn.bigSeqs[side][:], t.Seq) {
			conn.bigResent[side]++
			conn.bigLen[side] = max(conn.bigLen[side], n)
		}
		conn.bigSeqs[side][conn.bigNext[side]%len(conn.bigSeqs[side])] = t.Seq
		conn.bigNext[side]++
	}
	switch {
	case !conn.seqSet[side]:
		conn.bytes[side] += int64(n)
	case seqAfter(end, conn.hiEnd[side]):
		conn.bytes[side] += int64(end - conn.hiEnd[side])
	default:
		return // sent again, or captured late
	}
	conn.seqSet[side], conn.hiEnd[side] = true, end
	conn.lastData = p.t
	if conn.pendAck[side].size == 0 || n > conn.pendAck[side].size {
		conn.pendAck[side].end, conn.pendAck[side].size = end, n
	}
}

func seqAfter(a, b uint32) bool   { return int32(a-b) > 0 }
func seqAfterEq(a, b uint32) bool { return int32(a-b) >= 0 }

// icmpError reads an ICMP error about one of the connections followed.
func (c *capture) icmpError(p pkt) {
	in := p.icmp
	conn := c.conns[keyOf(in.inSrc, in.inDst)]
	if conn == nil || conn.done {
		return
	}
	if in.fragNeeded {
		conn.fragNeed = in
		return
	}
	if conn.est || in.inSrc != conn.ends[0] {
		return
	}
	conn.icmp = in
	if in.unreach {
		c.answered(conn, result.Unreachable, fmt.Sprintf("ICMP %s from %s", in.name, in.from))
		conn.done = conn.ctrl == nil
	}
}

func netFlow(p pkt) gopacket.Flow {
	if p.src.Is4() {
		return gopacket.NewFlow(layers.EndpointIPv4, p.src.AsSlice(), p.dst.AsSlice())
	}
	return gopacket.NewFlow(layers.EndpointIPv6, p.src.AsSlice(), p.dst.AsSlice())
}

// captureContext hands a packet's capture info to the reassembly.
type captureContext gopacket.CaptureInfo

func (c *captureContext) GetCaptureInfo() gopacket.CaptureInfo { return gopacket.CaptureInfo(*c) }
