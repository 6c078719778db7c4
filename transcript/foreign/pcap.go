package foreign

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Pcap is a packet capture, pcap or pcapng, as tcpdump and Wireshark write
// them. It is read in one pass, with bounded memory, whatever its size.
const Pcap Format = "pcap"

// ErrCapture tells that a packet capture could not be read.
var ErrCapture = errors.New("the packet capture cannot be read")

// captureMagic are the first four bytes of the file formats read: pcap in
// either byte order, with micro- or nanosecond stamps, and pcapng's
// section header block.
var captureMagic = [][]byte{
	{0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1},
	{0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1},
	{0x0a, 0x0d, 0x0d, 0x0a},
}

// IsCapture tells a packet capture by its first bytes.
func IsCapture(head []byte) bool {
	for _, m := range captureMagic {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}

// packetSource is what pcapgo's two readers have in common. Packets are
// read into one reused buffer: nothing keeps a packet's bytes past its
// turn (the reassembly copies what it must hold), so a capture of any size
// reads in the memory of a few packets and the connections followed.
type packetSource interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

// ReadCapture reads a packet capture into transcript entries: every FTP
// control connection's commands and replies (reassembled from its TCP
// segments), and every data connection's attempt, outcome and close. The
// capture is streamed: memory stays bounded however large it is.
func ReadCapture(r io.Reader) (*Log, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4)
	var src packetSource
	var err error
	if bytes.HasPrefix(head, captureMagic[4]) {
		src, err = pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
	} else {
		src, err = pcapgo.NewReader(br)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCapture, err)
	}
	c := newCapture(src.LinkType())
	if c.first == 0 {
		return nil, fmt.Errorf("%w: link type %s is not one explain reads (Ethernet, Linux cooked, raw IP, loopback)", ErrCapture, src.LinkType())
	}
	for {
		data, ci, err := src.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			c.cutShort = errors.Is(err, io.ErrUnexpectedEOF)
			break
		}
		if err != nil {
			c.cutShort = true
			break
		}
		c.packet(data, ci)
	}
	l := c.finish()
	l.Format = Pcap
	if !hasProtocol(l.Entries) {
		return nil, fmt.Errorf("%w (read as a packet capture: no FTP control connection in it)", ErrNoProtocol)
	}
	return l, nil
}

// decoder decodes the layers explain needs, reusing its layer values.
type decoder struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	sll     layers.LinuxSLL
	sll2    layers.LinuxSLL2
	lo      layers.Loopback
	ip4     layers.IPv4
	ip6     layers.IPv6
	tcp     layers.TCP
	icmp4   layers.ICMPv4
	icmp6   layers.ICMPv6
	pay     gopacket.Payload
	frag    *defrag
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	types   []gopacket.LayerType
}

// firstLayer is where decoding starts for a link type; 0 for one not read.
func firstLayer(lt layers.LinkType) gopacket.LayerType {
	switch lt {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL
	case layers.LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, 12, 14:
		return layers.LayerTypeIPv4 // the version nibble decides, see packet
	}
	return 0
}

func newDecoder() *decoder {
	return &decoder{frag: newDefrag(), parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}}
}

// parser is the layer parser that starts at first, made once.
func (d *decoder) parser(first gopacket.LayerType) *gopacket.DecodingLayerParser {
	p, ok := d.parsers[first]
	if !ok {
		p = gopacket.NewDecodingLayerParser(first, &d.eth, &d.dot1q, &d.sll, &d.sll2, &d.lo,
			&d.ip4, &d.ip6, &d.tcp, &d.icmp4, &d.icmp6, &d.pay)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return p
}

// pkt is one packet as the capture reads it: addresses, and TCP or ICMP.
type pkt struct {
	t        time.Time
	src, dst netip.Addr
	ttl      uint8
	tcp      *layers.TCP
	icmp     *icmpInfo
	// A packet reassembled from fragments: how many, and the largest's
	// IP length.
	pieces, fragSize int
}

// icmpInfo is an ICMP error about a TCP segment: who sent it, what it
// says, and the segment it quotes.
type icmpInfo struct {
	from             netip.Addr
	name             string
	fragNeeded       bool
	mtu              int
	inSrc, inDst     netip.AddrPort
	unreach, expired bool
}

// decode reads one packet, captured at t; ok is false for packets of no
// interest, and for a fragment until its packet's last piece is in.
func (d *decoder) decode(data []byte, first gopacket.LayerType, t time.Time) (pkt, bool) {
	if first == layers.LayerTypeIPv4 && len(data) > 0 && data[0]>>4 == 6 {
		first = layers.LayerTypeIPv6
	}
	d.types = d.types[:0]
	_ = d.parser(first).DecodeLayers(data, &d.types)
	var p pkt
	for _, lt := range d.types {
		switch lt {
		case layers.LayerTypeIPv4:
			p.src, _ = netip.AddrFromSlice(d.ip4.SrcIP.To4())
			p.dst, _ = netip.AddrFromSlice(d.ip4.DstIP.To4())
			p.ttl = d.ip4.TTL
			if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
				r, ok := d.frag.ipv4(&d.ip4, p.src, p.dst, t)
				return d.whole(p, r, ok)
			}
		case layers.LayerTypeIPv6:
			p.src, _ = netip.AddrFromSlice(d.ip6.SrcIP)
			p.dst, _ = netip.AddrFromSlice(d.ip6.DstIP)
			p.ttl = d.ip6.HopLimit
			if d.ip6.NextHeader == layers.IPProtocolIPv6Fragment {
				r, ok := d.frag.ipv6(d.ip6.Payload, p.src, p.dst, p.ttl, t)
				return d.whole(p, r, ok)
			}
		case layers.LayerTypeTCP:
			p.tcp = &d.tcp
		case layers.LayerTypeICMPv4:
			p.icmp = icmp4Info(&d.icmp4)
		case layers.LayerTypeICMPv6:
			p.icmp = icmp6Info(&d.icmp6)
		}
	}
	if !p.src.IsValid() || p.tcp == nil && p.icmp == nil {
		return pkt{}, false
	}
	if p.icmp != nil {
		p.icmp.from = p.src
	}
	return p, true
}

// whole decodes the TCP segment or ICMP error a reassembled packet holds.
func (d *decoder) whole(p pkt, r reassembled, ok bool) (pkt, bool) {
	if !ok {
		return pkt{}, false
	}
	p.ttl, p.pieces, p.fragSize = r.ttl, r.pieces, r.largest
	switch layers.IPProtocol(r.proto) {
	case layers.IPProtocolTCP:
		if d.tcp.DecodeFromBytes(r.payload, gopacket.NilDecodeFeedback) != nil {
			return pkt{}, false
		}
		p.tcp = &d.tcp
	case layers.IPProtocolICMPv4:
		if !p.src.Is4() || d.icmp4.DecodeFromBytes(r.payload, gopacket.NilDecodeFeedback) != nil {
			return pkt{}, false
		}
		p.icmp = icmp4Info(&d.icmp4)
	case layers.IPProtocolICMPv6:
		if !p.src.Is6() || d.icmp6.DecodeFromBytes(r.payload, gopacket.NilDecodeFeedback) != nil {
			return pkt{}, false
		}
		p.icmp = icmp6Info(&d.icmp6)
	}
	if p.tcp == nil && p.icmp == nil {
		return pkt{}, false
	}
	if p.icmp != nil {
		p.icmp.from = p.src
	}
	return p, true
}

func icmp4Info(m *layers.ICMPv4) *icmpInfo {
	typ, code := m.TypeCode.Type(), m.TypeCode.Code()
	info := &icmpInfo{}
	switch {
	case typ == layers.ICMPv4TypeTimeExceeded:
		info.expired, info.name = true, "time-exceeded"
	case typ == layers.ICMPv4TypeDestinationUnreachable && code == layers.ICMPv4CodeFragmentationNeeded:
		info.fragNeeded, info.name, info.mtu = true, "fragmentation-needed", int(m.Seq)
	case typ == layers.ICMPv4TypeDestinationUnreachable:
		info.unreach, info.name = true, unreach4Name(code)
	default:
		return nil
	}
	if !quotedTCP(m.Payload, info) {
		return nil
	}
	return info
}

func unreach4Name(code uint8) string {
	switch code {
	case 0, 6:
		return "net-unreachable"
	case 1, 7:
		return "host-unreachable"
	case 3:
		return "port-unreachable"
	case 9, 10, 13:
		return "admin-prohibited"
	}
	return fmt.Sprintf("unreachable-code-%d", code)
}

func icmp6Info(m *layers.ICMPv6) *icmpInfo {
	typ, code := m.TypeCode.Type(), m.TypeCode.Code()
	info := &icmpInfo{}
	switch typ {
	case layers.ICMPv6TypeTimeExceeded:
		info.expired, info.name = true, "time-exceeded"
	case layers.ICMPv6TypePacketTooBig:
		info.fragNeeded, info.name = true, "packet-too-big"
		if len(m.Payload) >= 4 {
			info.mtu = int(binary.BigEndian.Uint32(m.Payload))
		}
	case layers.ICMPv6TypeDestinationUnreachable:
		info.unreach = true
		switch code {
		case 1, 5, 6:
			info.name = "admin-prohibited"
		case 3:
			info.name = "host-unreachable"
		case 4:
			info.name = "port-unreachable"
		default:
			info.name = fmt.Sprintf("unreachable-code-%d", code)
		}
	default:
		return nil
	}
	if len(m.Payload) < 4 || !quotedTCP(m.Payload[4:], info) {
		return nil
	}
	return info
}

// quotedTCP reads the addresses and ports of the TCP segment an ICMP error
// quotes (its IP header and first 8 bytes).
func quotedTCP(b []byte, info *icmpInfo) bool {
	if len(b) < 1 {
		return false
	}
	var src, dst netip.Addr
	var rest []byte
	switch b[0] >> 4 {
	case 4:
		ihl := int(b[0]&0x0f) * 4
		if ihl < 20 || len(b) < ihl+4 || b[9] != 6 {
			return false
		}
		src, dst, rest = netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20])), b[ihl:]
	case 6:
		if len(b) < 44 || b[6] != 6 {
			return false
		}
		src, dst, rest = netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40])), b[40:]
	default:
		return false
	}
	info.inSrc = netip.AddrPortFrom(src, binary.BigEndian.Uint16(rest))
	info.inDst = netip.AddrPortFrom(dst, binary.BigEndian.Uint16(rest[2:]))
	return true
}
