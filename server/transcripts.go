package server

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// sessionTranscript writes one session's transcript to a file as it
// happens, so a session that hangs or crashes still leaves its record.
type sessionTranscript struct {
	mu   sync.Mutex // entries come from the reader, the writer and transfers
	f    *os.File
	name string
	sess *transcript.Session
	fileCap
}

// openTranscript creates DIR/<time>-<session>-<client>.txt.
func openTranscript(store *transcriptStore, id int, remote, local *net.TCPAddr, maxBytes int64) (*sessionTranscript, error) {
	now := time.Now()
	store.opened(now)
	client := strings.NewReplacer(":", "_", "%", "_").Replace(remote.IP.String())
	name := fmt.Sprintf("%s-%04d-%s.txt", now.UTC().Format("20060102T150405Z"), id, client)
	f, err := os.OpenFile(filepath.Join(store.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	st := &sessionTranscript{f: f, name: name, fileCap: fileCap{max: maxBytes, store: store}}
	// The file is the record: nothing is kept in memory (issue 16).
	log := transcript.New(transcript.Follow(st.write), transcript.FollowOnly(), transcript.WithCommandRedactor(redactCommand))
	st.sess = log.Session(fmt.Sprintf("control connection from %s to %s", remote, local))
	return st, nil
}

func (st *sessionTranscript) write(e result.Entry) {
	st.mu.Lock()
	defer st.mu.Unlock()
	lines := transcript.RenderEntry(e)
	for i, l := range lines {
		lines[i] = transcript.Visible(l, false) + "\n"
	}
	for _, l := range st.admit(e, lines) {
		st.f.WriteString(l)
	}
}

// close records what is left of a half-sent line, then the close itself.
func (st *sessionTranscript) close(c net.Conn, by string) {
	if rc, ok := c.(*transcript.Conn); ok {
		rc.Flush()
	}
	st.sess.Event(result.EventInfo{Op: result.OpClose, Outcome: result.Closed, By: by}, "")
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.store == nil {
		return // kept in memory for the session's diagnosis: no file
	}
	st.f.Close()
	st.store.done(st.name, st.written, st.loggedIn, time.Now())
}

// markLoggedIn takes the file out of the share of sessions not logged in.
func (st *sessionTranscript) markLoggedIn() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.loggedIn {
		st.loggedIn = true
		if st.store != nil { // nil: kept in memory, no file in the budget
			st.store.promote(st.written)
		}
	}
}

// event records a data-connection event when transcripts are on.
func (s *session) event(ev result.EventInfo) {
	if s.tr != nil {
		s.tr.sess.Event(ev, "")
	}
}
