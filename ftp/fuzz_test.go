package ftp

import (
	"bufio"
	"errors"
	"io/fs"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ftpdiag/ftp/replytest"
)

// seedDirs are where the repository keeps real transcripts, client logs and
// goldens: the replies and commands real servers and clients exchanged,
// which make the fuzzers start from what the parsers actually meet. A
// directory that is gone is skipped; finding no seed at all fails.
var seedDirs = []string{"../testdata/logs", "../diagnose/testdata", "../render/testdata", "../transcript", "../internal/lab/testdata", "../server/testdata"}

// seedKinds: what marks a line as holding each parser's input, and whether
// the input starts at the marker (a reply, code included) or after it (a
// command's argument).
var seedKinds = []struct {
	marker string
	keep   bool
}{{"227 ", true}, {"229 ", true}, {"PORT ", false}, {"EPRT ", false}}

// realSeeds maps each marker to the distinct inputs found after it in the
// repository's testdata. A line quoted in JSON or a golden also yields the
// input cut at the first quote, backslash or escape, as it was on the wire.
func realSeeds(tb testing.TB) map[string][]string {
	tb.Helper()
	seen := map[string]map[string]bool{}
	for _, k := range seedKinds {
		seen[k.marker] = map[string]bool{}
	}
	for _, dir := range seedDirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (dir == "../transcript" && !strings.Contains(path, "/testdata/")) {
				return err
			}
			return seedsOfFile(path, seen)
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			tb.Fatalf("reading seeds under %s: %v", dir, err)
		}
	}
	out := map[string][]string{}
	for _, k := range seedKinds {
		if len(seen[k.marker]) == 0 {
			tb.Fatalf("no real %q line in %v: the fuzz corpus would be handwritten only", k.marker, seedDirs)
		}
		for s := range seen[k.marker] {
			out[k.marker] = append(out[k.marker], s)
		}
	}
	return out
}

func seedsOfFile(path string, seen map[string]map[string]bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, k := range seedKinds {
			i := strings.Index(line, k.marker)
			if i < 0 {
				continue
			}
			s := line[i:]
			if !k.keep {
				s = line[i+len(k.marker):]
			}
			seen[k.marker][s] = true
			if j := strings.IndexAny(s, "\"\\\x1b"); j >= 0 {
				seen[k.marker][s[:j]] = true
			}
		}
	}
	return sc.Err()
}

// hostile seeds: the shapes that broke or split the old parsers.
var (
	hostilePASV = []string{
		"227 Entering Passive Mode (1,2,3,4,300,1)", "227 (10,0,0,1,4,1) (10,0,0,2,4,2)",
		"227 =127,0,0,1,12,34", "227 Entering Passive Mode 10,0,0,1,4,1", "227 (0,0,0,0,0,0)",
		"227 (,,,,,)", "227 (1,2,3,4,5,6,7)", "227 (99999999999999999999,0,0,1,4,1)",
		"227-(10,0,0,1,4,1)\n227 (10,0,0,2,4,2)", "", "(", "227 \xff\xfe,1,2,3,4,5",
	}
	hostileEPSV = []string{
		"229 (|||3003|)", "229 (!!!3003!)", "229 (|!|3003|)", "229 (||||)", "229 (|||0|)",
		"229 (|||65536|)", "229 ()))1))", "229 (((", "229 (|||3003|", "229 (\x00\x00\x003003\x00)", "",
	}
	hostilePORT = []string{
		"10,0,0,2,78,32", " 1, 2, 3, 4, 5, 6 ", "256,0,0,1,4,1", "1,2,3,4,5", "1,2,3,4,5,6,7",
		"+1,2,3,4,5,6", ",,,,,", "", "0x1,2,3,4,5,6",
	}
	hostileEPRT = []string{
		"|1|10.0.0.2|2000|", "|2|2001:db8::1|2000|", "|3|10.0.0.2|2000|", "|2|::ffff:1.2.3.4|1|",
		"|2|fe80::1%eth0|1|", "|1|1.2.3.4|0|", "|1|1.2.3.4|65536|", "||||", "\x7f1\x7f1.2.3.4\x7f1\x7f",
		"~1~1.2.3.4~2000~", "|1|1.2.3.4|2000||", "",
	}
)

func addSeeds(f *testing.F, real, hostile []string) {
	for _, s := range real {
		f.Add(s)
	}
	for _, s := range hostile {
		f.Add(s)
	}
}

func FuzzParsePASV(f *testing.F) {
	addSeeds(f, realSeeds(f)["227 "], hostilePASV)
	f.Fuzz(func(t *testing.T, text string) {
		scanned, serr := ScanPASV(text)
		ap, err := ParsePASV(text)
		if err != nil {
			if !errors.Is(err, ErrBadPASV) {
				t.Fatalf("ParsePASV(%q): %v does not wrap ErrBadPASV", text, err)
			}
		} else if serr != nil || scanned != ap {
			t.Fatalf("ParsePASV(%q) = %v but ScanPASV = %v, %v", text, ap, scanned, serr)
		}
		if serr != nil {
			return
		}
		if back, err := ScanPASV(FormatPASV(scanned)); err != nil || back != scanned {
			t.Fatalf("ScanPASV(FormatPASV(%v)) = %v, %v", scanned, back, err)
		}
		if err == nil {
			if back, err := ParsePASV(FormatPASV(ap)); err != nil || back != ap {
				t.Fatalf("ParsePASV(FormatPASV(%v)) = %v, %v", ap, back, err)
			}
		}
	})
}

func FuzzParseEPSV(f *testing.F) {
	addSeeds(f, realSeeds(f)["229 "], hostileEPSV)
	f.Fuzz(func(t *testing.T, text string) {
		port, err := ParseEPSV(text)
		if err != nil {
			if !errors.Is(err, ErrBadEPSV) || !errors.Is(err, ErrBadPASV) {
				t.Fatalf("ParseEPSV(%q): %v does not wrap ErrBadEPSV and ErrBadPASV", text, err)
			}
			return
		}
		if port < 1 || port > 65535 {
			t.Fatalf("ParseEPSV(%q) = %d, out of range", text, port)
		}
		if back, err := ParseEPSV(FormatEPSV(port)); err != nil || back != port {
			t.Fatalf("ParseEPSV(FormatEPSV(%d)) = %d, %v", port, back, err)
		}
	})
}

func FuzzParsePORT(f *testing.F) {
	addSeeds(f, realSeeds(f)["PORT "], hostilePORT)
	f.Fuzz(func(t *testing.T, arg string) {
		ap, err := ParsePORT(arg)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParsePORT(%q): %v does not wrap ErrSyntax", arg, err)
			}
			return
		}
		if !ap.Addr().Is4() {
			t.Fatalf("ParsePORT(%q) = %v, not IPv4", arg, ap)
		}
		if back, err := ParsePORT(FormatPORT(ap)); err != nil || back != ap {
			t.Fatalf("ParsePORT(FormatPORT(%v)) = %v, %v", ap, back, err)
		}
	})
}

func FuzzParseEPRT(f *testing.F) {
	addSeeds(f, realSeeds(f)["EPRT "], hostileEPRT)
	f.Fuzz(func(t *testing.T, arg string) {
		ap, err := ParseEPRT(arg)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseEPRT(%q): %v does not wrap ErrSyntax", arg, err)
			}
			return
		}
		if ap.Port() == 0 || ap.Addr().Zone() != "" || ap.Addr().Is4In6() {
			t.Fatalf("ParseEPRT(%q) = %v: port 0, a zone or a mapped address got through", arg, ap)
		}
		if back, err := ParseEPRT(FormatEPRT(ap)); err != nil || back != ap {
			t.Fatalf("ParseEPRT(FormatEPRT(%v)) = %v, %v", ap, back, err)
		}
	})
}

func FuzzParseCodeLine(f *testing.F) {
	seeds := realSeeds(f)
	addSeeds(f, append(seeds["227 "], seeds["229 "]...),
		[]string{"211-Features:", "211 End", "226", "1234 x", "099 x", "999-", "SSH-2.0-x", "", "22"})
	f.Fuzz(func(t *testing.T, line string) {
		code, sep, text, ok := ParseCodeLine(line)
		if !ok {
			if code != 0 || sep != 0 || text != "" {
				t.Fatalf("ParseCodeLine(%q) = %d, %q, %q, false: values without ok", line, code, sep, text)
			}
			return
		}
		if code < 100 || code > 699 || (sep != ' ' && sep != '-') {
			t.Fatalf("ParseCodeLine(%q) = %d, %q", line, code, sep)
		}
		rebuilt := strconv.Itoa(int(code)) + string(sep) + text
		if line != rebuilt && !(len(line) == 3 && sep == ' ' && line == strconv.Itoa(int(code))) {
			t.Fatalf("ParseCodeLine(%q) = %d, %q, %q: does not rebuild the line", line, code, sep, text)
		}
	})
}

// propertyRounds is how many generated addresses each Format -> Parse
// property sees: enough to hit every octet and port byte many times, and
// well under a second.
const propertyRounds = 20000

// TestFormatParseIdentity: whatever address a caller formats parses back
// to itself, over generated addresses (a fixed seed, so a failure repeats).
func TestFormatParseIdentity(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2428))
	for range propertyRounds {
		var b [4]byte
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		ap := netip.AddrPortFrom(netip.AddrFrom4(b), uint16(r.UintN(65536)))
		checkPORT(t, ap)
		checkPASV(t, ap)
		checkEPRT(t, ap)
		checkEPRT(t, netip.AddrPortFrom(randomIPv6(r), ap.Port()))
		checkEPRT(t, netip.AddrPortFrom(netip.AddrFrom16(ap.Addr().As16()), ap.Port()))
	}
	for port := 1; port <= 65535; port++ {
		if got, err := ParseEPSV("229 " + FormatEPSV(port)); err != nil || got != port {
			t.Fatalf("ParseEPSV(FormatEPSV(%d)) = %d, %v", port, got, err)
		}
	}
}

func checkPORT(t *testing.T, ap netip.AddrPort) {
	if got, err := ParsePORT(FormatPORT(ap)); err != nil || got != ap {
		t.Fatalf("ParsePORT(FormatPORT(%v)) = %v, %v", ap, got, err)
	}
}

// checkPASV: identity, except for the two values ParsePASV refuses.
func checkPASV(t *testing.T, ap netip.AddrPort) {
	got, err := ParsePASV("227 " + FormatPASV(ap))
	refused := ap.Port() == 0 || ap.Addr().IsUnspecified()
	if refused != (err != nil) || (!refused && got != ap) {
		t.Fatalf("ParsePASV(FormatPASV(%v)) = %v, %v", ap, got, err)
	}
}

// checkEPRT: identity up to unmapping (a mapped address goes out as
// IPv4), and port 0 refused.
func checkEPRT(t *testing.T, ap netip.AddrPort) {
	got, err := ParseEPRT(FormatEPRT(ap))
	want := netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	if (ap.Port() == 0) != (err != nil) || (ap.Port() != 0 && got != want) {
		t.Fatalf("ParseEPRT(FormatEPRT(%v)) = %v, %v; want %v", ap, got, err, want)
	}
}

func randomIPv6(r *rand.Rand) netip.Addr {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return netip.AddrFrom16(b)
}

// TestRealSeeds: the corpus is real, and real replies parse (so the seed
// reader cuts them where the wire did).
func TestRealSeeds(t *testing.T) {
	seeds := realSeeds(t)
	parsers := []struct {
		marker string
		parse  func(string) error
	}{
		{"227 ", func(s string) error { _, err := ParsePASV(s); return err }},
		{"229 ", func(s string) error { _, err := ParseEPSV(s); return err }},
		{"PORT ", func(s string) error { _, err := ParsePORT(s); return err }},
		{"EPRT ", func(s string) error { _, err := ParseEPRT(s); return err }},
	}
	for _, p := range parsers {
		n := 0
		for _, s := range seeds[p.marker] {
			if p.parse(s) == nil {
				n++
			}
		}
		t.Logf("%q: %d real seeds, %d parse", p.marker, len(seeds[p.marker]), n)
		if n == 0 {
			t.Errorf("%q: none of the %d real seeds parses", p.marker, len(seeds[p.marker]))
		}
	}
}

// FuzzReplyReader: the live reader and the line-fed parser read any stream
// alike (the reader stopping at the first line that is no reply), and no
// reply the reader returns breaks its limits.
func FuzzReplyReader(f *testing.F) {
	for _, tc := range replytest.Cases {
		f.Add(tc.In)
	}
	f.Add("211-a\r\n211-b\n 211 c\r211 d\r\n226\r\n9")
	f.Fuzz(func(t *testing.T, in string) {
		const maxLine, maxReply = 64, 256
		rr := NewReplyReader(bufio.NewReaderSize(strings.NewReader(in), 16), maxLine, maxReply)
		got, stop, err := readAll(rr)
		if errors.Is(err, ErrReplyTooLong) {
			return
		}
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		want, wantStop := replytest.Case{In: in, Want: parseAll(in)}.Live()
		if stop != wantStop || !sameReplies(got, want) {
			t.Fatalf("%q: reader %v (%s), parser %v (%s)", in, got, stop, want, wantStop)
		}
		for _, r := range got {
			size := 0
			for _, l := range r.Lines {
				size += len(l) + 1
				if len(l) > maxLine {
					t.Fatalf("%q: line of %d bytes over the limit %d", in, len(l), maxLine)
				}
			}
			if size > maxReply {
				t.Fatalf("%q: reply of %d bytes over the limit %d", in, size, maxReply)
			}
		}
	})
}

func sameReplies(a, b []replytest.Reply) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].String() != b[i].String() {
			return false
		}
	}
	return true
}
