// Package transcript records what happens during an FTP session, in order:
// commands, replies, connection events with their timing, and notes that
// explain them. It is the single source of truth for ftpdiag: the probe and
// the server write it, the diagnosis and the renderers read it, and foreign
// client logs are read into the same form.
package transcript

import (
	"sync"
	"time"

	"ftpdiag/result"
)

// SlowReply is how long a reply may take before it is worth noting (a note
// in the annotated transcript, a reply.slow finding): well above any
// network's round trip, and below pure-ftpd's deliberate 3.5 s login delay,
// which users do notice.
const SlowReply = 2 * time.Second

// Log is a transcript: entries from one or more numbered sessions, in the
// order they happened. It is safe for concurrent use.
type Log struct {
	mu       sync.Mutex
	start    time.Time
	now      func() time.Time
	entries  []result.Entry
	sessions int
	red      *Redactor
	redCmd   func(line string) string
	follow   []func(result.Entry)
	discard  bool // entries go to follow only
}

// Option configures a Log.
type Option func(*Log)

// WithClock pins the clock, for tests that print times.
func WithClock(now func() time.Time) Option {
	return func(l *Log) { l.now = now }
}

// WithSecrets names strings (passwords) that must never be kept: every
// occurrence in any entry is replaced by xxxxxxxx before it is stored.
func WithSecrets(secrets ...string) Option {
	return func(l *Log) { l.red.Add(secrets...) }
}

// WithCommandRedactor replaces RedactCommand for command lines: the server
// masks a PASS line as its own parser reads it, Telnet bytes and all.
func WithCommandRedactor(fn func(line string) string) Option {
	return func(l *Log) { l.redCmd = fn }
}

// FollowOnly hands entries to the Follow functions without keeping them, so
// a transcript written to a file costs no memory however long the peer
// talks; Entries then returns none.
func FollowOnly() Option {
	return func(l *Log) { l.discard = true }
}

// Follow calls fn with every entry as it is added (after redaction), for
// transcripts written to a file as they happen.
func Follow(fn func(result.Entry)) Option {
	return func(l *Log) { l.follow = append(l.follow, fn) }
}

// New starts an empty transcript.
func New(opts ...Option) *Log {
	l := &Log{now: time.Now, red: NewRedactor(), redCmd: RedactCommand}
	for _, o := range opts {
		o(l)
	}
	l.start = l.now()
	return l
}

// FromEntries wraps entries read back from JSON or a foreign log. They are
// redacted again, since a foreign log may hold a password in clear.
func FromEntries(entries []result.Entry, opts ...Option) *Log {
	l := New(opts...)
	l.entries = make([]result.Entry, 0, len(entries))
	for _, e := range entries {
		l.add(e)
		if e.Session > l.sessions {
			l.sessions = e.Session
		}
	}
	return l
}

// AddSecret registers one more string that must never be kept.
func (l *Log) AddSecret(s string) { l.red.Add(s) }

// Start is when the transcript began.
func (l *Log) Start() time.Time { return l.start }

// Entries returns a copy of the entries so far.
func (l *Log) Entries() []result.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]result.Entry(nil), l.entries...)
}

// Session opens a new numbered session, headed by what it tests.
func (l *Log) Session(purpose string) *Session {
	l.mu.Lock()
	l.sessions++
	id := l.sessions
	l.mu.Unlock()
	s := &Session{log: l, id: id}
	s.Event(result.EventInfo{Op: result.OpSession}, purpose)
	return s
}

func (l *Log) add(e result.Entry) result.Entry {
	l.mu.Lock()
	e.Text = l.red.Redact(e.Text)
	if e.Kind == result.Command {
		e.Text = l.redCmd(e.Text)
	}
	if e.Event != nil {
		ev := *e.Event
		ev.Err = l.red.Redact(ev.Err)
		e.Event = &ev
	}
	if !l.discard {
		l.entries = append(l.entries, e)
	}
	follow := l.follow
	l.mu.Unlock()
	for _, fn := range follow {
		fn(e)
	}
	return e
}

func (l *Log) since() time.Duration {
	return l.now().Sub(l.start).Truncate(time.Microsecond)
}

// Session is one control connection's part of a Log.
type Session struct {
	log *Log
	id  int
}

// ID is the session's number, starting at 1.
func (s *Session) ID() int { return s.id }

// Log is the transcript the session writes to.
func (s *Session) Log() *Log { return s.log }

// Command records a command line sent by the client.
func (s *Session) Command(line string) {
	s.log.add(result.Entry{T: s.log.since(), Session: s.id, Kind: result.Command, Text: line})
}

// Reply records a whole reply; text holds its lines joined by "\n", each
// with its code prefix as sent ("220-Hello\n220 Ready").
func (s *Session) Reply(code int, text string) {
	s.log.add(result.Entry{T: s.log.since(), Session: s.id, Kind: result.Reply, Code: code, Text: text})
}

// Event records a connection event. text may be empty: then a sentence is
// made from the event's fields.
func (s *Session) Event(ev result.EventInfo, text string) {
	if text == "" {
		text = Describe(ev)
	}
	s.log.add(result.Entry{T: s.log.since(), Session: s.id, Kind: result.Event, Text: text, Event: &ev})
}

// Note attaches an explanation to the entry before it.
func (s *Session) Note(text string) {
	s.log.add(result.Entry{T: s.log.since(), Session: s.id, Kind: result.Note, Text: text})
}
