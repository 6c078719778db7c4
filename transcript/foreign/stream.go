package foreign

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The streaming reading of a client log: one pass over the lines, in the
// memory of the sessions open at once, whatever the log's size. The
// decisions that need more than a line (the format, unwrapping, the
// generic reader's labels) are taken on the log's head, Head bytes; a log
// no longer than that is decided on whole, exactly as before it streamed.

// Head is how much of a log is read before its first line is: format
// detection reads 400 lines, the generic reader learns its labels from
// 1600, and a log pasted into a ticket is shorter than this.
const Head = 1 << 20

// MaxLine is the longest line read; the rest of a longer one is left out,
// with a note. A line of a client log is under a few hundred bytes; this
// bounds what a file of no line ends costs.
const MaxLine = 1 << 20

// ScanInfo is what the streaming reading tells besides the sessions.
type ScanInfo struct {
	Format   Format
	Lines    int // lines read
	Sessions int // sessions handed on
	// Skipped are sessions with no command, reply or connection attempt
	// in them (a stream of status lines only): not handed on.
	Skipped int
	Long    int // lines longer than MaxLine, cut
}

// Scan reads a client log from r in one pass and hands fn each session
// (Log.Session, Log.Line say which) as soon as it ends: its control
// connection closed or the client gave up, and a new connection or
// greeting began; FileZilla's log file numbers each connection, and its
// connections are read apart. from "" detects the format from the log's
// head. JSON results and server logs, read whole, come as one Log. It
// returns ErrNoProtocol when no session holds an FTP command, reply or
// connection attempt.
func Scan(r io.Reader, from Format, fn func(*Log)) (ScanInfo, error) {
	return scan(r, from, true, fn)
}

// Read reads a whole log from r into one Log (as Parse). from names the
// format; empty means detect it from the content.
func Read(r io.Reader, from Format) (*Log, error) {
	var log *Log
	_, err := scan(r, from, false, func(l *Log) { log = l })
	return log, err
}

// Parse reads a log held in memory into one Log; see Read.
func Parse(data []byte, from Format) (*Log, error) {
	return Read(bytes.NewReader(data), from)
}

func scan(r io.Reader, from Format, split bool, fn func(*Log)) (ScanInfo, error) {
	info := ScanInfo{Format: from}
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(4); from == Pcap || from == "" && IsCapture(head) {
		l, err := ReadCapture(br) // streamed: a capture may be of any size
		if err == nil {
			info.Format, info.Sessions = Pcap, 1
			fn(l)
		}
		return info, err
	}
	text, rest, complete, err := textHead(br)
	if err != nil {
		return info, err
	}
	lines := splitLines(string(text))
	if !complete {
		lines = lines[:len(lines)-1] // the last is cut short: it is read whole later
	}
	plan := planUnwrap(lines, complete)
	first := *plan
	head := make([]string, 0, len(lines))
	j := rejoin{width: plan.wrap, starts: &plan.starts}
	for _, l := range lines {
		if l, ok := first.line(l); ok {
			if l, _, ok := j.push(l, 0); ok {
				head = append(head, l)
			}
		}
	}
	if l, _, ok := j.flush(); ok {
		head = append(head, l)
	}
	joined := strings.Join(head, "\n")
	if err := plausibleText([]byte(joined)); err != nil {
		return info, err
	}
	if from == "" {
		if from, err = detectHead(joined, head, text, complete); err != nil {
			return info, err
		}
	}
	info.Format = from
	if from == JSON || from.IsServer() {
		l, err := readWhole(io.MultiReader(bytes.NewReader(text), rest), from)
		if err == nil {
			info.Sessions = 1
			fn(l)
		}
		return info, err
	}
	read, ok := lineReaders[from]
	if from == FileZilla || from == Generic {
		// FileZilla's reader within the generic one: a FileZilla log is
		// often retyped, translated or mixed with another client's lines.
		g := &genericState{keys: learnKeys(head[:min(len(head), 4*detectLines)])}
		read, ok = g.line, true
	}
	if !ok {
		return info, fmt.Errorf("%w %q (use one of %s)", ErrBadFormat, from, formatList())
	}
	return readStream(io.MultiReader(bytes.NewReader(text), rest), plan, read, split, info, fn)
}

// readStream reads every line through the unwrap plan and the format's
// reader into a builder.
func readStream(r io.Reader, plan *unwrapPlan, read lineReader, split bool, info ScanInfo, fn func(*Log)) (ScanInfo, error) {
	any := false
	b := &builder{streams: map[string]*stream{}, split: split, emit: func(l *Log) {
		l.Format = info.Format
		any = true
		info.Sessions++
		fn(l)
	}}
	b.use("")
	src := &lineSource{r: r}
	j := rejoin{width: plan.wrap, starts: &plan.starts}
	long := 0 // the number of the last line cut at MaxLine
	take := func(line string, n int) {
		if b.full() && (!split || len(b.streams) == 1 && !mayBegin(line)) {
			// Lines, from here on, none is read; streaming, up to the
			// next session's start.
			b.cut++
			return
		}
		if strings.TrimSpace(line) == "" {
			return
		}
		b.line = n
		read(b, line)
		if n == long {
			b.note(fmt.Sprintf("line %d of the log is longer than %d KiB: the rest of it is left out", n, MaxLine>>10))
		}
	}
	for {
		raw, ok := src.next()
		if !ok {
			break
		}
		if src.long {
			long = src.n
		}
		line, keep := plan.line(raw)
		if !keep {
			continue
		}
		if strings.TrimSpace(line) == "" {
			line = "" // a blank line ends what it follows
		}
		if done, n, ok := j.push(line, src.n); ok {
			take(done, n)
		}
	}
	if done, n, ok := j.flush(); ok {
		take(done, n)
	}
	info.Lines, info.Long = src.n, src.longs
	if src.err != nil {
		return info, fmt.Errorf("reading the log: %w", src.err)
	}
	if !split {
		l := b.finish()
		l.Format = info.Format
		if !hasProtocol(l.Entries) {
			return info, fmt.Errorf("%w (read as %s)", ErrNoProtocol, info.Format)
		}
		info.Sessions = 1
		fn(l)
		return info, nil
	}
	b.finish()
	info.Skipped = b.skipped
	if !any {
		return info, fmt.Errorf("%w (read as %s)", ErrNoProtocol, info.Format)
	}
	return info, nil
}

// mayBegin tells a line that may end a session or start the next (see
// builder.begin): a connection attempt or its end, a name resolved, a
// greeting, a goodbye. Past a session's MaxEntries, only such lines are
// read.
func mayBegin(line string) bool {
	for _, w := range []string{"onnect", "esolv", "Trying", "220", "221", "los", "QUIT", "imed out", "etry"} {
		if strings.Contains(line, w) {
			return true
		}
	}
	return false
}

// textHead reads the head of a log as UTF-8 text (decoding UTF-16, taking
// off a BOM), and gives the reader of the rest of the text after it.
// complete: the head is the whole log.
func textHead(br *bufio.Reader) (head []byte, rest io.Reader, complete bool, err error) {
	raw, complete, err := readUpTo(br, Head)
	if err != nil {
		return nil, nil, false, err
	}
	rest = br
	if big, skip, ok := utf16Kind(raw); ok {
		dec := &utf16Reader{r: io.MultiReader(bytes.NewReader(raw[skip:]), br), big: big}
		if raw, complete, err = readUpTo(dec, Head); err != nil {
			return nil, nil, false, err
		}
		rest = dec
	}
	return bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")), rest, complete, nil
}

// readUpTo reads n bytes of r, or all of it when shorter (complete).
func readUpTo(r io.Reader, n int) ([]byte, bool, error) {
	buf := make([]byte, n)
	k, err := io.ReadFull(r, buf)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return buf[:k], true, nil
	case err != nil:
		return nil, false, fmt.Errorf("reading the log: %w", err)
	}
	return buf, false, nil
}

// detectHead names the format from the head: a server's log, ftpdiag's
// JSON, or a client's by its lines (see Detect).
func detectHead(joined string, head []string, text []byte, complete bool) (Format, error) {
	if f, ok := DetectServer([]byte(joined)); ok {
		return f, nil
	}
	if trimmed := strings.TrimSpace(joined); trimmed[0] == '{' || trimmed[0] == '[' {
		if complete && json.Valid([]byte(trimmed)) || !complete && jsonPrefix(text) {
			return JSON, nil
		}
	}
	return detectFormat(head[:min(len(head), detectLines)])
}

// jsonPrefix tells a head that is the start of one JSON document: a log
// whose lines open with "[" (a timestamp) fails at once.
func jsonPrefix(head []byte) bool {
	var v json.RawMessage
	err := json.NewDecoder(bytes.NewReader(head)).Decode(&v)
	return errors.Is(err, io.ErrUnexpectedEOF)
}

// readWhole reads a log that is read whole (ftpdiag's JSON, a server's
// log), up to MaxLog.
func readWhole(r io.Reader, from Format) (*Log, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxLog+1))
	if err != nil {
		return nil, fmt.Errorf("reading the log: %w", err)
	}
	if len(data) > MaxLog {
		return nil, fmt.Errorf("%w: more than %d MiB", ErrTooLarge, MaxLog>>20)
	}
	data = unwrap(data)
	var l *Log
	if from == JSON {
		l, err = readJSON(data)
	} else {
		l, err = readServerLog(data, from) // server.go
	}
	if err != nil {
		return nil, err
	}
	l.Format = from
	if !hasProtocol(l.Entries) {
		return nil, fmt.Errorf("%w (read as %s)", ErrNoProtocol, from)
	}
	return l, nil
}
