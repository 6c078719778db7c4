// Package transcript records what happens during an FTP session, in order:
// commands, replies, connection events with their timing, and notes that
// explain them. It is the single source of truth for ftpdiag: the probe and
// the server write it, the diagnosis and the renderers read it, and foreign
// client logs are read into the same form.
package transcript

import (
	"encoding/json"
	"math"
	"sync"
	"time"
)

// Kind says who produced an entry.
type Kind string

const (
	Command Kind = "command" // sent by the client
	Reply   Kind = "reply"   // sent by the server
	Event   Kind = "event"   // a connection attempt, its outcome and timing
	Note    Kind = "note"    // an explanation attached to the entry before it
)

// Op names what an event is about. The diagnosis reads these, so a reader of
// a foreign log must map what it understands onto the same ops.
type Op string

const (
	OpSession     Op = "session"      // a session starts; Text says what it tests
	OpResolve     Op = "resolve"      // name lookup; Addr is the host
	OpConnect     Op = "connect"      // control connection attempt to Addr
	OpClose       Op = "close"        // control connection closed (By says who)
	OpDataConnect Op = "data-connect" // data connection dialled to Addr (passive mode)
	OpDataListen  Op = "data-listen"  // a listener for an active-mode data connection, at Addr
	OpDataAccept  Op = "data-accept"  // a data connection accepted from Addr (active mode, or server side)
	OpDataClose   Op = "data-close"   // a data connection ended; Bytes moved, By who closed it
	OpTLS         Op = "tls"          // a TLS handshake on the control or data connection
)

// Outcome is how an event ended.
type Outcome string

const (
	Resolved    Outcome = "resolved"
	Connected   Outcome = "connected"
	Refused     Outcome = "refused"     // answered with a TCP reset (RST)
	Timeout     Outcome = "timeout"     // no answer before the deadline
	Unreachable Outcome = "unreachable" // ICMP unreachable: network or host
	Reset       Outcome = "reset"       // an open connection was reset
	Closed      Outcome = "closed"      // closed in order (FIN)
	Complete    Outcome = "complete"    // a transfer ended normally
	Stalled     Outcome = "stalled"     // a transfer stopped moving
	Truncated   Outcome = "truncated"   // a transfer was cut at the byte limit
	Rejected    Outcome = "rejected"    // refused by policy (wrong peer address, bad token)
	Failed      Outcome = "failed"      // any other failure; Err says what
)

// EventInfo is the structured part of an Event entry.
type EventInfo struct {
	Op      Op            `json:"op"`
	Addr    string        `json:"addr,omitempty"`  // remote host:port (or host for OpResolve)
	Local   string        `json:"local,omitempty"` // local host:port where known
	Outcome Outcome       `json:"outcome,omitempty"`
	Dur     time.Duration `json:"-"` // how long the step took
	Bytes   int64         `json:"bytes,omitempty"`
	By      string        `json:"by,omitempty"` // who closed: "server" or "client"
	Err     string        `json:"error,omitempty"`
}

// MarshalJSON writes Dur as dur_ms, in milliseconds with microsecond precision.
func (e EventInfo) MarshalJSON() ([]byte, error) {
	type plain EventInfo
	out := struct {
		plain
		DurMs *float64 `json:"dur_ms,omitempty"`
	}{plain: plain(e)}
	if e.Dur != 0 {
		ms := toMs(e.Dur)
		out.DurMs = &ms
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *EventInfo) UnmarshalJSON(b []byte) error {
	type plain EventInfo
	var in struct {
		plain
		DurMs *float64 `json:"dur_ms,omitempty"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*e = EventInfo(in.plain)
	if in.DurMs != nil {
		e.Dur = fromMs(*in.DurMs)
	}
	return nil
}

// Entry is one line of a transcript.
type Entry struct {
	T       time.Duration `json:"-"` // since the transcript started
	Session int           `json:"session"`
	Kind    Kind          `json:"kind"`
	// Text is the command line, the whole reply (lines joined by "\n"), a
	// human-readable event line, or the note. Always redacted.
	Text  string     `json:"text"`
	Code  int        `json:"code,omitempty"`  // reply code
	Event *EventInfo `json:"event,omitempty"` // set for Kind == Event
}

// MarshalJSON writes T as t_ms (milliseconds, microsecond precision).
func (e Entry) MarshalJSON() ([]byte, error) {
	type plain Entry
	return json.Marshal(struct {
		TMs float64 `json:"t_ms"`
		plain
	}{toMs(e.T), plain(e)})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *Entry) UnmarshalJSON(b []byte) error {
	type plain Entry
	var in struct {
		TMs float64 `json:"t_ms"`
		plain
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*e = Entry(in.plain)
	e.T = fromMs(in.TMs)
	return nil
}

func toMs(d time.Duration) float64 {
	return math.Round(float64(d)/1e3) / 1e3
}

func fromMs(ms float64) time.Duration {
	return time.Duration(math.Round(ms*1e3)) * time.Microsecond
}

// Log is a transcript: entries from one or more numbered sessions, in the
// order they happened. It is safe for concurrent use.
type Log struct {
	mu       sync.Mutex
	start    time.Time
	now      func() time.Time
	entries  []Entry
	sessions int
	red      *Redactor
	redCmd   func(line string) string
	follow   []func(Entry)
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
func Follow(fn func(Entry)) Option {
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
func FromEntries(entries []Entry, opts ...Option) *Log {
	l := New(opts...)
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
func (l *Log) Entries() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.entries...)
}

// Session opens a new numbered session, headed by what it tests.
func (l *Log) Session(purpose string) *Session {
	l.mu.Lock()
	l.sessions++
	id := l.sessions
	l.mu.Unlock()
	s := &Session{log: l, id: id}
	s.Event(EventInfo{Op: OpSession}, purpose)
	return s
}

func (l *Log) add(e Entry) Entry {
	l.mu.Lock()
	e.Text = l.red.Redact(e.Text)
	if e.Kind == Command {
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
	s.log.add(Entry{T: s.log.since(), Session: s.id, Kind: Command, Text: line})
}

// Reply records a whole reply; text holds its lines joined by "\n", each
// with its code prefix as sent ("220-Hello\n220 Ready").
func (s *Session) Reply(code int, text string) {
	s.log.add(Entry{T: s.log.since(), Session: s.id, Kind: Reply, Code: code, Text: text})
}

// Event records a connection event. text may be empty: then a sentence is
// made from the event's fields.
func (s *Session) Event(ev EventInfo, text string) {
	if text == "" {
		text = Describe(ev)
	}
	s.log.add(Entry{T: s.log.since(), Session: s.id, Kind: Event, Text: text, Event: &ev})
}

// Note attaches an explanation to the entry before it.
func (s *Session) Note(text string) {
	s.log.add(Entry{T: s.log.since(), Session: s.id, Kind: Note, Text: text})
}
