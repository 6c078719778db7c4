// Command bigcapture makes a large packet capture from a real one, for the
// benchmark of `ftpdiag explain` on captures: it finds the capture's
// largest data segment and repeats it, in sequence, inside the same data
// connection, cut to -seg bytes of payload (an Ethernet MSS: a capture
// taken with segmentation offload holds larger ones), until the file
// reaches the size asked for; the packets after
// it have their sequence and acknowledgement numbers moved on to match, so
// the result reads as one session with one very long transfer.
//
//	go run ./scripts/bigcapture -in transcript/foreign/testdata/pcap/healthy-client.pcap -out /tmp/big.pcap -mib 1024
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func main() {
	in := flag.String("in", "transcript/foreign/testdata/pcap/healthy-client.pcap", "the real capture (pcap, Ethernet)")
	out := flag.String("out", "big.pcap", "the capture to write")
	mib := flag.Int("mib", 1024, "its size in MiB")
	flag.IntVar(&segSize, "seg", 1448, "payload bytes of each added segment")
	flag.Parse()
	if err := run(*in, *out, int64(*mib)<<20); err != nil {
		fmt.Fprintln(os.Stderr, "bigcapture:", err)
		os.Exit(1)
	}
}

// segSize is the payload of each added segment.
var segSize int

type packet struct {
	ci   gopacket.CaptureInfo
	data []byte
}

// tcpAt finds a packet's TCP header in an Ethernet/IPv4 frame.
func tcpAt(data []byte) (off int, ok bool) {
	if len(data) < 14+20 || binary.BigEndian.Uint16(data[12:]) != 0x0800 || data[14+9] != 6 {
		return 0, false
	}
	off = 14 + int(data[14]&0x0f)*4
	return off, len(data) >= off+20
}

func payloadLen(data []byte, off int) int {
	return len(data) - off - int(data[off+12]>>4)*4
}

func run(in, out string, size int64) error {
	pkts, err := readAll(in)
	if err != nil {
		return err
	}
	tmpl, best := -1, 0 // the largest segment that is not the control connection's
	for i, p := range pkts {
		off, ok := tcpAt(p.data)
		if !ok || binary.BigEndian.Uint16(p.data[off:]) == 21 || binary.BigEndian.Uint16(p.data[off+2:]) == 21 {
			continue
		}
		if n := payloadLen(p.data, off); n > best {
			tmpl, best = i, n
		}
	}
	if tmpl < 0 {
		return errors.New("no data segment in the capture")
	}
	return write(out, pkts, tmpl, size)
}

func readAll(path string) ([]packet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return nil, err
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		return nil, fmt.Errorf("link type %s: want Ethernet", r.LinkType())
	}
	var pkts []packet
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return pkts, nil
		}
		if err != nil {
			return nil, err
		}
		pkts = append(pkts, packet{ci, data})
	}
}

// write copies the capture with copies of the template segment after it,
// one every 10 µs, and moves what follows on in time and in sequence.
func write(out string, pkts []packet, tmpl int, size int64) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := pcapgo.NewWriter(bw)
	if err := w.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
		return err
	}
	t := pkts[tmpl]
	off, _ := tcpAt(t.data)
	n := min(payloadLen(t.data, off), segSize)
	seg := append([]byte(nil), t.data[:off+int(t.data[off+12]>>4)*4+n]...)
	binary.BigEndian.PutUint16(seg[14+2:], uint16(len(seg)-14)) // the IPv4 total length
	sport, dport := t.data[off:off+2], t.data[off+2:off+4]
	next := binary.BigEndian.Uint32(t.data[off+4:]) + uint32(payloadLen(t.data, off))
	var added uint32
	var shift time.Duration
	written := int64(24)
	for i, p := range pkts {
		p.ci.Timestamp = p.ci.Timestamp.Add(shift)
		if i > tmpl {
			moveOn(p.data, sport, dport, added)
		}
		if err := w.WritePacket(p.ci, p.data); err != nil {
			return err
		}
		written += int64(16 + len(p.data))
		if i != tmpl {
			continue
		}
		for written < size {
			c := append([]byte(nil), seg...)
			binary.BigEndian.PutUint32(c[off+4:], next)
			next += uint32(n)
			added += uint32(n)
			shift += 10 * time.Microsecond
			ci := t.ci
			ci.Timestamp = t.ci.Timestamp.Add(shift)
			ci.CaptureLength, ci.Length = len(c), len(c)
			if err := w.WritePacket(ci, c); err != nil {
				return err
			}
			written += int64(16 + len(c))
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// moveOn adds the inserted bytes to the sender's sequence number and the
// receiver's acknowledgement number of the template's connection.
func moveOn(data, sport, dport []byte, added uint32) {
	off, ok := tcpAt(data)
	if !ok {
		return
	}
	src, dst := data[off:off+2], data[off+2:off+4]
	switch {
	case string(src) == string(sport) && string(dst) == string(dport):
		binary.BigEndian.PutUint32(data[off+4:], binary.BigEndian.Uint32(data[off+4:])+added)
	case string(src) == string(dport) && string(dst) == string(sport):
		binary.BigEndian.PutUint32(data[off+8:], binary.BigEndian.Uint32(data[off+8:])+added)
	}
}
