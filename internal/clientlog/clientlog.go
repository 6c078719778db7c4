// Package clientlog is explain's reading of a client's log: it streams the
// log through transcript/foreign's reader a session at a time, diagnoses
// each session as it ends (on as many cores as there are, while the
// reading goes on), sums them up, and writes the report of a log of
// several sessions. A log of one session is that session's result, as a
// probe makes it.
package clientlog

import (
	"io"
	"runtime"
	"sync"

	"ftpdiag/diagnose"
	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
	"ftpdiag/transcript/foreign"
)

// Options are explain's, for a client log.
type Options struct {
	From foreign.Format // "" detects
	Tool result.Tool
}

// queued is how many sessions read and not yet diagnosed the reading may
// run ahead by: it bounds the memory of a log whose sessions are read
// faster than they are diagnosed.
const queued = 64

// Read streams a client's log from r into a report of its sessions.
func Read(r io.Reader, opt Options) (*diagnose.ClientReport, error) {
	rep := diagnose.NewClientReport(string(opt.From))
	var mu sync.Mutex
	logs := make(chan *foreign.Log, queued)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range logs {
				s := Session(l, opt.Tool)
				mu.Lock()
				rep.Add(s)
				mu.Unlock()
			}
		}()
	}
	info, err := foreign.Scan(r, opt.From, func(l *foreign.Log) { logs <- l })
	close(logs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	rep.Format, rep.Lines, rep.Skipped, rep.Long = string(info.Format), info.Lines, info.Skipped, info.Long
	return rep, nil
}

// Session diagnoses one session of a client's log.
func Session(l *foreign.Log, tool result.Tool) *diagnose.ClientSession {
	return &diagnose.ClientSession{ID: l.Session, Line: l.Line, Started: l.Started, Result: Result(l, tool)}
}

// Result diagnoses a log into the same result a probe makes. FromEntries
// redacts every entry again with the passwords the log showed in clear,
// so they are masked wherever else they appear.
func Result(l *foreign.Log, tool result.Tool) *result.Result {
	entries := transcript.FromEntries(l.Entries, transcript.WithSecrets(l.Secrets...)).Entries()
	rec := result.Record{Target: Target(l.Target), Started: l.Started, Entries: entries}
	return diagnose.NewResult(diagnose.Input{Tool: tool, Record: rec, FromLog: true})
}

// Target names the server the log talked to; the URL never holds a
// password (the log's own may).
func Target(t foreign.Target) result.Target {
	if t.Host == "" {
		return result.Target{URL: "(not in the log)", User: t.User}
	}
	return result.Target{URL: ftp.URL("ftp", t.User, t.Host, t.Port, "/"), Host: t.Host, Port: t.Port, User: t.User}
}
