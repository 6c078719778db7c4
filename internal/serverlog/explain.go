package serverlog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
	"ftpdiag/transcript/foreign"
)

// DefaultKeep is how many of the worst sessions a report prints whole.
const DefaultKeep = 3

// sniff is how much of a log detection reads before streaming the rest.
const Sniff = 64 << 10

// Options are explain's, for a server log.
type Options struct {
	From   foreign.Format // "" detects
	Client string         // only this client's sessions ("" all)
	Keep   int            // the worst sessions printed whole; 0: DefaultKeep
	Tool   result.Tool
}

// ErrNotServer: the input is no server log (explain then reads it as a
// client's).
var ErrNotServer = errors.New("not a server log")

// Read streams a server log (a file, or ftpdiag serve's transcript
// directory) from path, or from stdin for "-", into a report. It returns
// ErrNotServer, having read nothing but the head, where the format is not
// given and the head is no server log.
func Read(path string, stdin io.Reader, opt Options) (*diagnose.ServerReport, error) {
	r, closeFn, err := open(path, stdin)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	br := bufio.NewReaderSize(r, Sniff)
	head, _ := br.Peek(Sniff)
	from := opt.From
	if from == "" {
		f, ok := foreign.DetectServer(head)
		if !ok {
			return nil, ErrNotServer
		}
		from = f
	}
	if !from.IsServer() {
		return nil, ErrNotServer
	}
	return Scan(br, from, opt)
}

// Scan reads a server log of a known format from r into a report, one
// session at a time.
func Scan(r io.Reader, from foreign.Format, opt Options) (*diagnose.ServerReport, error) {
	keep := opt.Keep
	if keep == 0 {
		keep = DefaultKeep
	}
	rep := diagnose.NewServerReport(string(from), keep)
	lines, err := foreign.ScanServer(r, from, func(s *foreign.ServerSession) {
		if opt.Client != "" && s.Client != opt.Client {
			return
		}
		rep.Add(Session(s, opt.Tool))
	})
	rep.Lines = lines
	if err != nil {
		return nil, err
	}
	if rep.Sessions == 0 {
		if opt.Client != "" {
			return nil, fmt.Errorf("no session from %s in the log", opt.Client)
		}
		return nil, fmt.Errorf("%w (read as %s)", foreign.ErrNoProtocol, from)
	}
	return rep, nil
}

// Session diagnoses one session of a server's log from the server's side.
// Passwords the log held in clear are masked in every entry first.
func Session(s *foreign.ServerSession, tool result.Tool) *diagnose.ServerSession {
	entries := transcript.FromEntries(s.Entries, transcript.WithSecrets(s.Secrets...)).Entries()
	target := result.Target{URL: "(a client of this server)", Host: s.Client, User: s.User}
	res := diagnose.NewServerResult(diagnose.ServerInput{Tool: tool, Target: target, Client: s.Client, Unlogged: s.Unlogged,
		Record: result.Record{Target: target, Started: s.Started, Entries: entries}})
	return &diagnose.ServerSession{ID: s.ID, Client: s.Client, User: s.User, Line: s.Line, Started: s.Started, End: s.End, Result: res}
}

// open gives the log's reader: stdin, a file, or a transcript directory's
// files one after another.
func open(path string, stdin io.Reader) (io.Reader, func(), error) {
	if path == "-" {
		return stdin, func() {}, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if st.IsDir() {
		data, err := foreign.ReadServeDir(path)
		if err != nil {
			return nil, nil, err
		}
		return bytes.NewReader(data), func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
