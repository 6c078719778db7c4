// Package foreign reads the logs that FTP clients already write (FileZilla's
// message log, WinSCP's session log, curl -v, lftp's debug output, a server
// manual's sample transcript, ftpdiag's own JSON result) into transcript
// entries, so that `ftpdiag explain` diagnoses them exactly as a live probe.
//
// Every line a reader does not understand is kept as a note, never dropped.
// The one exception is curl's progress meter, which carries nothing about
// the session and is cut out of the lines it is mixed into.
package foreign

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"ftpdiag/result"
)

// Format names a kind of log, as --from spells it.
type Format string

const (
	FileZilla Format = "filezilla"
	WinSCP    Format = "winscp"
	Curl      Format = "curl"
	Lftp      Format = "lftp"
	Seed      Format = "seed" // "Cmd:" and "NNN:" lines, as server manuals print them
	JSON      Format = "json" // ftpdiag's own result, or a bare transcript
	// Generic is any other log of commands and replies: its labels are
	// learned from the log itself (see generic.go).
	Generic Format = "generic"
)

// Formats lists every format in the order detection prefers them; a
// packet capture is told by its first bytes (see IsCapture).
var Formats = []Format{JSON, WinSCP, FileZilla, Lftp, Curl, Wget, Ncftp, Seed, Vsftpd, PureFTPd, ProFTPD, ServeDir, Generic, Pcap}

// MaxLog is the most of a log read whole (ftpdiag's JSON result, a server
// log given to Parse); a bound keeps a wrong file (a disk image) from
// eating memory. It is the saved result's cap (result.MaxSize): one cap,
// whichever command reads the file. A client's log is streamed (Scan) and
// has no cap.
const MaxLog = result.MaxSize

// MaxEntries is the most entries a log (in the streaming reading, a
// session) is read into; the rest is left out, with a note that says so. A real log of MaxLog bytes (FileZilla's, about 80
// bytes a line) holds fewer; a log of short lines repeated ("200: ok") would
// otherwise cost some 500 bytes of memory per 8-byte line as it passes
// through the diagnosis and the renderers.
const MaxEntries = 500_000

// Errors that tell why a file cannot be explained; callers classify them
// with errors.Is.
var (
	ErrEmpty      = errors.New("the log is empty")
	ErrBinary     = errors.New("the file is binary, not a text log")
	ErrHTML       = errors.New("the file is an HTML page, not a client log")
	ErrUnknown    = errors.New("no FTP client log format recognised")
	ErrBadFormat  = errors.New("unknown log format name")
	ErrTooLarge   = errors.New("the log is too large")
	ErrNoProtocol = errors.New("the log holds no FTP command, reply or connection attempt")
)

// Target is what the log says about the server it talked to.
type Target struct {
	Host string // as dialled: an address where the log gives one
	Port int
	User string
}

// Log is a client log read into transcript entries.
type Log struct {
	Format  Format
	Entries []result.Entry
	// Secrets are passwords the log held in clear (PASS lines, URLs): the
	// caller hands them to transcript.WithSecrets so that they are masked
	// wherever else they appear.
	Secrets []string
	Started time.Time // the first timestamp of the log; zero when it has none
	Target  Target
	// Session and Line: in the streaming reading (Scan), which session of
	// the log this is (from 1, in the order they began) and the line it
	// begins on; 0 for a log read whole.
	Session, Line int
}

// ParseFormat checks a --from value.
func ParseFormat(name string) (Format, error) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(name) {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w %q (use one of %s)", ErrBadFormat, name, formatList())
}

func formatList() string {
	var names []string
	for _, f := range Formats {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// plausibleText turns away what is plainly not a log before any reader
// tries: nothing at all, binary data, a web page saved instead of its text.
func plausibleText(data []byte) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return ErrEmpty
	}
	head := trimmed[:min(len(trimmed), 4096)]
	if bytes.IndexByte(head, 0) >= 0 || !mostlyUTF8(head) {
		return ErrBinary
	}
	lower := strings.ToLower(string(head[:min(len(head), 512)]))
	if strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") ||
		strings.Contains(lower, "<head>") || strings.Contains(lower, "<body") {
		return ErrHTML
	}
	return nil
}

// mostlyUTF8 accepts text with some stray Latin-1 bytes (Windows logs of
// non-ASCII file names: under 10% of the bytes) but not binary data, where
// about half the bytes are not UTF-8.
func mostlyUTF8(b []byte) bool {
	n, bad := len(b), 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			bad++
		} else if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != 0x1b {
			bad++
		}
		b = b[size:]
	}
	return bad <= 8 || bad*10 < n
}

// hasProtocol tells a log of an FTP session, even one that never got a
// reply (a control connection refused or timed out), from text that only
// happens to match a few patterns.
func hasProtocol(entries []result.Entry) bool {
	for _, e := range entries {
		switch {
		case e.Kind == result.Command, e.Kind == result.Reply:
			return true
		case e.Event != nil && (e.Event.Op == result.OpConnect || e.Event.Op == result.OpResolve):
			return true
		}
	}
	return false
}
