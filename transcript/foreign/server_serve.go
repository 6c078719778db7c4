package foreign

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// ftpdiag serve --transcript-dir writes one file per session, named
// <time>-<session>-<client>.txt, in the transcript's own rendering:
//
//	=== session 1: control connection from 198.18.0.2:51234 to 198.18.1.2:21
//	220: ftpdiag reference server ready
//	Cmd: PASV
//	227: Entering Passive Mode (198,18,1,2,11,184).
//	--> no data connection arrived in 10s
//
// A whole directory reads as the files in name order (the time they began).
var (
	serveSession = regexp.MustCompile(`^=== session \d+: control connection from (\S+) to (\S+)$`)
	serveReply   = regexp.MustCompile(`^(\d{3}): ?(.*)$`)
	serveAccept  = regexp.MustCompile(`^data connection from (\S+): (\w+)(?: in \S+)?(?: \((.*)\))?$`)
	serveNoData  = regexp.MustCompile(`^no data connection arrived in (\S+)$`)
	serveDial    = regexp.MustCompile(`^data connection to (\S+): (?:no answer after (\S+)|(\w+))(?: in \S+)?(?: \(.*\))?(?: \((.*)\))?$`)
	serveDataEnd = regexp.MustCompile(`^data connection closed by the (\w+): (\w+), (\d+) bytes`)
	serveClose   = regexp.MustCompile(`^control connection closed by the (\w+)`)
)

func serveLine(line string) (rec, bool) {
	switch {
	case serveSession.MatchString(line):
		m := serveSession.FindStringSubmatch(line)
		host, _, err := net.SplitHostPort(m[1])
		if err != nil {
			host = m[1]
		}
		return rec{kind: recConnect, key: m[1], client: clientAddr(host), text: line}, true
	case strings.HasPrefix(line, "Cmd: "):
		return rec{kind: recCommand, text: line[5:]}, true
	case strings.HasPrefix(line, "--> "):
		return serveEvent(line[4:]), true
	case strings.HasPrefix(line, transcript.Indent+"^ "):
		return rec{kind: recNote, text: line[len(transcript.Indent)+2:]}, true
	case strings.HasPrefix(line, transcript.Indent):
		return rec{kind: recReplyMore, text: strings.TrimSpace(line)}, true
	case serveReply.MatchString(line):
		m := serveReply.FindStringSubmatch(line)
		return rec{kind: recReply, text: m[1] + " " + m[2]}, true
	}
	return rec{}, false
}

// serveEvent reads back the events the server records; one it does not
// know stays a note.
func serveEvent(text string) rec {
	ev := result.EventInfo{}
	switch {
	case serveNoData.MatchString(text):
		d, _ := time.ParseDuration(serveNoData.FindStringSubmatch(text)[1])
		ev = result.EventInfo{Op: result.OpDataAccept, Outcome: result.Timeout, Dur: d}
	case serveAccept.MatchString(text):
		m := serveAccept.FindStringSubmatch(text)
		ev = result.EventInfo{Op: result.OpDataAccept, Addr: m[1], Outcome: result.Outcome(m[2]), Err: m[3]}
	case serveDial.MatchString(text):
		m := serveDial.FindStringSubmatch(text)
		ev = result.EventInfo{Op: result.OpDataConnect, Addr: m[1], Outcome: result.Outcome(m[3])}
		if m[2] != "" {
			ev.Outcome = result.Timeout
			ev.Dur, _ = time.ParseDuration(m[2])
		}
	case serveDataEnd.MatchString(text):
		m := serveDataEnd.FindStringSubmatch(text)
		n, _ := strconv.ParseInt(m[3], 10, 64)
		ev = result.EventInfo{Op: result.OpDataClose, By: m[1], Outcome: result.Outcome(m[2]), Bytes: n}
	case serveClose.MatchString(text):
		return rec{kind: recClose, text: text}
	default:
		return rec{kind: recNote, text: "--> " + text}
	}
	return rec{kind: recEvent, text: text, ev: &ev}
}

// ReadServeDir reads a --transcript-dir directory: its .txt files, in
// name order, as one log.
func ReadServeDir(dir string) ([]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var all []byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if len(all)+len(b) > MaxLog {
			return nil, ErrTooLarge
		}
		all = append(all, b...)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			all = append(all, '\n')
		}
	}
	return all, nil
}
