package foreign

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"ftpdiag/internal/golden"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// captureDir holds captures recorded with tcpdump in the namespace lab
// (internal/lab TestCaptures, FTPDIAG_LAB_CAPTURES=1 records them afresh):
// NAME-client.pcap and NAME-server.pcap, taken on each side of one curl
// session, and NAME-SIDE.transcript, the transcript each reads into.
const captureDir = "testdata/pcap"

func captureNames(t testing.TB) []string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(captureDir, "*.pcap"))
	if len(paths) < 14 {
		t.Fatalf("found %d captures under %s, want the lab's 14", len(paths), captureDir)
	}
	return paths
}

func readCaptureFile(t testing.TB, path string) *Log {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := Read(f, "")
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return l
}

// holds checks that the entries of l, taken together, hold every text in
// want, and prints them all when one is missing.
func holds(t *testing.T, l *Log, want ...string) {
	t.Helper()
	var all strings.Builder
	for _, e := range l.Entries {
		all.WriteString(e.Text + "\n")
	}
	for _, w := range want {
		if !strings.Contains(all.String(), w) {
			t.Errorf("no entry holds %q:\n%s", w, all.String())
		}
	}
}

// rewriteCapture copies the lab capture name, packet by packet, into a
// new pcap: each may change a packet's bytes in place, and says whether
// to keep it and whether to stop before it.
func rewriteCapture(t *testing.T, name string, each func(data []byte) (keep, stop bool)) *bytes.Buffer {
	t.Helper()
	f, err := os.Open(filepath.Join(captureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	if err := w.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		keep, stop := each(data)
		if stop {
			break
		}
		if keep {
			if err := w.WritePacket(ci, data); err != nil {
				t.Fatal(err)
			}
		}
	}
	return &out
}

// TestCaptureTranscripts reads each lab capture and compares its rendered
// transcript, times and notes included, with its golden file.
func TestCaptureTranscripts(t *testing.T) {
	for _, path := range captureNames(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			l := readCaptureFile(t, path)
			if l.Format != Pcap || l.Target.Host == "" || l.Started.IsZero() {
				t.Errorf("format %q, target %+v, started %v", l.Format, l.Target, l.Started)
			}
			entries := transcript.FromEntries(l.Entries, transcript.WithSecrets(l.Secrets...)).Entries()
			var b bytes.Buffer
			if err := transcript.Render(&b, entries, transcript.RenderOptions{Times: true, Headings: true}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "secret") {
				t.Errorf("the lab's password shows in the transcript")
			}
			golden.Check(t, strings.TrimSuffix(path, ".pcap")+".transcript", b.Bytes(), *update)
		})
	}
}

// TestCaptureFacts checks what each side of each capture must show.
func TestCaptureFacts(t *testing.T) {
	tests := []struct {
		file string
		want []string // texts some entry must hold
	}{
		{"healthy-client.pcap", []string{"captured on the client's side", "data connection closed by the server: complete, 43182 bytes"}},
		{"healthy-any-client.pcap", []string{"captured on the client's side", "data connection closed by the server: complete, 43182 bytes"}},
		{"healthy-server.pcap", []string{"captured on the server's side", "226 Transfer complete"}},
		// The healthy scenario again, recorded while the machine was busy
		// (CI, then three busy loops here): the server sent its last 18566
		// bytes and the FIN in one segment (TSO on its side, GRO on the
		// client's), which read as "complete, 24616 bytes" and a critical
		// transfer.size-mismatch before the FIN waited for its payload.
		{"healthy-gro-client.pcap", []string{"captured on the client's side", "data connection closed by the server: complete, 43182 bytes"}},
		{"healthy-gro-server.pcap", []string{"captured on the server's side", "data connection closed by the server: complete, 43182 bytes"}},
		{"drop-client.pcap", []string{"198.18.1.2:3000: timeout after", "left it and got no answer, and no ICMP came back"}},
		{"drop-server.pcap", []string{"no SYN to it arrived, so the client's attempts are dropped before they reach this machine"}},
		{"reject-client.pcap", []string{"198.18.0.1 answered the SYN with ICMP admin-prohibited: that box rejects port 3000, and names itself"}},
		{"nat-client.pcap", []string{"227 Entering Passive Mode (192,168,1,2,", "data connection to 198.18.1.2:3000: connected"}},
		{"mtu-server.pcap", []string{"never acknowledged", "a path-MTU black hole", "stalled"}},
		{"ftps-drop-client.pcap", []string{"AUTH accepted: the control connection is encrypted from here on", "198.18.1.2:3000: timeout after", "3 SYN to port 3000 left it"}},
		{"ftps-drop-server.pcap", []string{"no data connection attempt from the client arrived during this encrypted session"}},
		// A link of MTU 576 towards the client and a server without DF:
		// the client's side receives each full segment in three fragments.
		{"frag-client.pcap", []string{"data connection closed by the server: complete, 43182 bytes",
			"the path fragments: MTU 572 to 579 between 198.18.1.2 and 198.18.0.2", "from 198.18.1.2:3000 arrived in", "fragments of at most 572 bytes"}},
		{"frag-server.pcap", []string{"data connection closed by the server: complete, 43182 bytes"}},
		// The same path; the server's 550 reply repeats a 700-byte name and
		// arrives in two fragments. curl closes the data connection it opened
		// after PASV without using it: no transfer, not a stall.
		{"frag-reply-client.pcap", []string{"550 /xxxxxxxx", "1 segment from 198.18.1.2:21 arrived in 2 IP fragments",
			"data connection closed by the client: closed, 0 bytes", "no transfer command used this data connection"}},
		{"frag-reply-server.pcap", []string{"550 /xxxxxxxx", "data connection closed by the client: closed, 0 bytes", "no transfer command used this data connection"}},
		{"mtu-client.pcap", []string{"no data arrived at all while the control connection's small packets did", "stalled, 0 bytes"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			holds(t, readCaptureFile(t, filepath.Join(captureDir, tc.file)), tc.want...)
		})
	}
}

// TestCapturePcapng: the same packets written as pcapng read into the same
// entries as the pcap file.
func TestCapturePcapng(t *testing.T) {
	path := filepath.Join(captureDir, "drop-client.pcap")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var ng bytes.Buffer
	w, err := pcapgo.NewNgWriter(&ng, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		ci.InterfaceIndex = 0
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !IsCapture(ng.Bytes()) {
		t.Fatalf("pcapng not told by its first bytes: % x", ng.Bytes()[:4])
	}
	got, err := Read(&ng, "")
	if err != nil {
		t.Fatal(err)
	}
	want := readCaptureFile(t, path)
	if !slices.EqualFunc(got.Entries, want.Entries, func(a, b result.Entry) bool { return a.Text == b.Text && a.T == b.T }) {
		t.Errorf("pcapng read differs from pcap:\n%v\n%v", got.Entries, want.Entries)
	}
}

// TestCaptureMidSession: a capture that starts after the PASV reply says
// so, and still ties the data connection to its session.
func TestCaptureMidSession(t *testing.T) {
	started := false
	cut := rewriteCapture(t, "healthy-client.pcap", func(data []byte) (keep, stop bool) {
		keep = started
		started = started || bytes.Contains(data, []byte("227 Entering Passive Mode"))
		return keep, false
	})
	l, err := Read(cut, "")
	if err != nil {
		t.Fatal(err)
	}
	holds(t, l, "the capture starts in the middle of the control connection", "data connection to 198.18.1.2:3000: connected",
		"data connection closed by the server: complete, 43182 bytes", "226 Transfer complete")
}

// TestCaptureFragmentedReplyOpen: a capture that ends with the control
// connection still open still says that its reply came in fragments.
func TestCaptureFragmentedReplyOpen(t *testing.T) {
	cut := rewriteCapture(t, "frag-reply-client.pcap", func(data []byte) (keep, stop bool) {
		return true, bytes.Contains(data, []byte("QUIT"))
	})
	l, err := Read(cut, "")
	if err != nil {
		t.Fatal(err)
	}
	holds(t, l, "550 /xxxxxxxx", "1 segment from 198.18.1.2:21 arrived in 2 IP fragments of at most 572 bytes")
}

// TestCaptureOtherPort: a server on port 2121 is told by its greeting.
func TestCaptureOtherPort(t *testing.T) {
	moved := rewriteCapture(t, "healthy-client.pcap", func(data []byte) (keep, stop bool) {
		if len(data) > 14+20+4 && data[12] == 8 && data[14+9] == 6 { // IPv4, TCP: port 21 becomes 2121
			off := 14 + int(data[14]&0x0f)*4
			for _, at := range []int{off, off + 2} {
				if data[at] == 0 && data[at+1] == 21 {
					data[at], data[at+1] = 2121>>8, 2121&0xff
				}
			}
		}
		return true, false
	})
	l, err := Read(moved, "")
	if err != nil {
		t.Fatal(err)
	}
	holds(t, l, "control connection to 198.18.1.2:2121: connected", "220 ftpdiag reference server ready",
		"data connection closed by the server: complete, 43182 bytes")
	if l.Target.Port != 2121 {
		t.Errorf("target %+v, want port 2121", l.Target)
	}
}

// TestCaptureErrors: what is no usable capture says so, by kind.
func TestCaptureErrors(t *testing.T) {
	ok, err := os.ReadFile(filepath.Join(captureDir, "healthy-client.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		from Format
		want error
	}{
		{"header only", ok[:24], "", ErrNoProtocol},
		{"a text log read as a capture", []byte("Status: Connecting to 1.2.3.4:21...\n"), Pcap, ErrCapture},
		{"a broken header", append([]byte{0xa1, 0xb2, 0xc3, 0xd4}, 0, 9), "", ErrCapture},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.data, tc.from)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// Cut in the middle of a packet: read up to there, and said.
	l, err := Parse(ok[:len(ok)-7], "")
	if err != nil {
		t.Fatal(err)
	}
	if last := l.Entries[len(l.Entries)-1]; !strings.Contains(last.Text, "cut short") {
		t.Errorf("a cut capture ends with %q, want a note that says so", last.Text)
	}
}

// FuzzParseCapture feeds captures, whole and mutated, to the reader: no
// panic, and a known error or entries that FromEntries masks. The small
// captures seed it (the failed sessions, some 2 KiB): Go's fuzzer shrinks
// every new input it finds, and shrinking a 47 KiB transfer takes it most
// of a short run.
func FuzzParseCapture(f *testing.F) {
	n := 0
	for _, path := range captureNames(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 8<<10 {
			f.Add(data)
			n++
		}
	}
	if n < 4 {
		f.Fatalf("%d small captures to seed the fuzzer, want at least 4", n)
	}
	for _, seed := range fragmentSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, Pcap) })
}

// fragmentSeeds are small captures with IP fragments for the fuzzer: the
// lab's fragmented session cut to its small packets and first fragmented
// segments (as recorded, and with one fragment moved to overlap its
// neighbour), and IPv6 fragments in a raw-IP capture, in order, out of
// order with a repeat, and overlapping.
func fragmentSeeds(f *testing.F) [][]byte {
	in, err := os.Open(filepath.Join(captureDir, "frag-client.pcap"))
	if err != nil {
		f.Fatal(err)
	}
	defer in.Close()
	r, err := pcapgo.NewReader(in)
	if err != nil {
		f.Fatal(err)
	}
	var whole, moved bytes.Buffer
	ww, wm := pcapgo.NewWriter(&whole), pcapgo.NewWriter(&moved)
	for _, w := range []*pcapgo.Writer{ww, wm} {
		if err := w.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
			f.Fatal(err)
		}
	}
	frags := 0
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		isFrag := len(data) > 14+20 && data[12] == 8 && (data[14+6]&0x3f != 0 || data[14+7] != 0)
		if len(data) > 200 && (!isFrag || frags >= 6) {
			continue
		}
		if err := ww.WritePacket(ci, data); err != nil {
			f.Fatal(err)
		}
		if isFrag {
			frags++
			if frags == 2 { // offset 552 becomes 544: it overlaps the first piece
				data = bytes.Clone(data)
				data[14+7]--
			}
		}
		if err := wm.WritePacket(ci, data); err != nil {
			f.Fatal(err)
		}
	}
	if frags < 6 {
		f.Fatalf("frag-client.pcap holds %d fragments, want at least 6", frags)
	}
	seg := tcpSegment(1440)
	three := []piece{{0, 552, true, 0, 0}, {552, 552, true, 0, 0}, {1104, 356, false, 0, 0}}
	seeds := [][]byte{whole.Bytes(), moved.Bytes()}
	for _, order := range [][]piece{three, {three[2], three[0], three[0], three[1]}, {three[0], {544, 560, true, 0, 0}, three[2]}} {
		var b bytes.Buffer
		w := pcapgo.NewWriter(&b)
		if err := w.WriteFileHeader(65535, layers.LinkTypeRaw); err != nil {
			f.Fatal(err)
		}
		for i, pc := range order {
			raw := ip6Fragment(7, seg, pc)
			ci := gopacket.CaptureInfo{Timestamp: time.Unix(1796544000, int64(i)*1000), CaptureLength: len(raw), Length: len(raw)}
			if err := w.WritePacket(ci, raw); err != nil {
				f.Fatal(err)
			}
		}
		seeds = append(seeds, b.Bytes())
	}
	return seeds
}
