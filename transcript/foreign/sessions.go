package foreign

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// The sessions of the streaming reading (Scan): where one ends and the
// next begins, a client's retries kept in the session they retry, each
// stream's session swapped in with it, and each handed on as it ends.

// unit is one session of the streaming reading: the lines of one control
// connection (and of the reconnections that retry or fall back from it),
// from its start to the next start after it ended.
type unit struct {
	n, line int
	entries []result.Entry
	target  Target
	cut     int
	last    int  // the last line that used it, to close the one idle longest
	proto   bool // it holds a command, a reply or a connection attempt
}

// retryWindow is how soon after a failed connection ended a new one is
// the client's own retry of it, part of the same session: FileZilla waits
// 5 seconds before it retries, lftp 30 (its reconnect-interval-base).
const retryWindow = time.Minute

// retryWords are the clients' words for a retry to come: lftp's "attempt
// number 2", FileZilla's "Waiting to retry...", curl's "Will retry in".
var retryWords = regexp.MustCompile(`attempt number [2-9]|attempt number \d\d|Waiting to retry|Will retry in`)

// maxStreams is the most control connections the streaming reading keeps
// open at once: FileZilla numbers each engine, and a day's log may hold
// thousands; past this many, the one idle longest is taken as ended.
const maxStreams = 64

// swap makes s the current stream; in the streaming reading its session's
// entries, target and cut come with it.
func (b *builder) swap(s *stream) {
	if b.split {
		if u := b.cur; u != nil && u.u != nil {
			u.u.entries, u.u.target, u.u.cut = b.entries, b.target, b.cut
		}
		b.entries, b.target, b.cut = s.u.entries, s.u.target, s.u.cut
		s.u.touch(b.line)
	}
	b.cur = s
}

// closeIdlest hands on the session of the stream used longest ago and
// forgets the stream.
func (b *builder) closeIdlest() {
	var key string
	var idle *stream
	for k, s := range b.streams {
		if s != b.cur && (idle == nil || s.u.last < idle.u.last) {
			key, idle = k, s
		}
	}
	if idle == nil {
		return
	}
	cur := b.cur
	b.swap(idle)
	b.flushReply()
	b.emitUnit()
	delete(b.streams, key)
	b.swap(cur)
}

// begin starts a new session of the streaming reading on the current
// stream, when its last one ended: a connection attempt, FileZilla's
// "Resolving address", or a greeting. The whole reading keeps one log.
func (b *builder) begin() {
	s := b.cur
	if !b.split || !s.ended {
		return
	}
	since := b.t - s.endT // negative: the log's times went back, another log appended
	if !s.u.proto || s.bad && (s.retry || b.start.IsZero() || since >= 0 && since <= retryWindow) {
		// Notes alone before it (the client's words before it retries)
		// are the new connection's, and a retry is the same session.
		s.ended = false
		return
	}
	b.flushReply()
	b.emitUnit()
	*b.cur = stream{u: b.cur.u, numbered: b.cur.numbered}
	b.cur.u.touch(b.line)
}

// reconnect is begin at a new connection attempt. On a connection
// FileZilla's log file numbers, one made while the last is up ends it,
// though the log does not say so (in other logs, such an attempt may be a
// data connection that a fragment shows only the connect line of).
func (b *builder) reconnect() {
	if s := b.cur; b.split && s.numbered && s.connected && !s.ended {
		s.ended, s.endT = true, s.lastT
	}
	b.begin()
}

// greeting begins a new session of the streaming reading at a server's
// greeting after the last session ended or quit: logs that show no
// connection attempt (ftplib's, a transcript) show the next session so.
func (b *builder) greeting(code int) {
	if code == int(ftp.ServiceReady) && b.cur.verb == "QUIT" && b.cur.lastCode == int(ftp.ServiceClosing) {
		b.end()
	}
	if code == int(ftp.ServiceReady) {
		b.begin()
	}
}

// end marks the current connection ended (see stream.ended).
func (b *builder) end() { b.cur.ended, b.cur.endT = true, b.t }

// emitUnit hands the current stream's session to emit, and starts the
// stream's next one empty.
func (b *builder) emitUnit() {
	u := b.cur.u
	done := *u
	entries, target, cut := b.entries, b.target, b.cut
	b.entries, b.target, b.cut = nil, Target{}, 0
	*u = unit{last: u.last}
	if len(entries) == 0 {
		return
	}
	if !hasProtocol(entries) {
		b.skipped++
		return
	}
	b.emit(b.log(entries, target, cut, &done))
}

// touch notes that line is the session's: its first begins it.
func (u *unit) touch(line int) {
	u.last = line
	if u.line == 0 {
		u.line = line
	}
}

// sessionOf numbers a session of the streaming reading when it gets its
// first entry.
func (b *builder) sessionOf(u *unit) {
	if u.n == 0 {
		b.units++
		u.n = b.units
	}
	if u.line == 0 {
		u.line = b.line
	}
}

// watch keeps what the streaming reading needs to tell a retry from a new
// session.
func (b *builder) watch(e *result.Entry) {
	s := b.cur
	switch {
	case e.Kind == result.Reply && e.Code >= 400 && e.Code < 500:
		s.bad = true // RFC 959's transient failure: what a client retries
	case e.Kind == result.Event && e.Event.Op != result.OpClose && e.Event.Outcome != "" && e.Event.Outcome != result.Connected:
		s.bad = true
	case e.Kind == result.Note && (strings.Contains(e.Text, "etry") || strings.Contains(e.Text, "attempt number")) && retryWords.MatchString(e.Text):
		s.retry = true
	}
	s.lastT = e.T
	if !s.u.proto && e.Kind != result.Note {
		s.u.proto = hasProtocol([]result.Entry{*e})
	}
}

// finishSplit hands on every stream's open session, in the order they
// started.
func (b *builder) finishSplit() {
	var open []*stream
	for _, s := range b.streams {
		open = append(open, s)
	}
	slices.SortFunc(open, func(x, y *stream) int { return cmp.Compare(x.u.n, y.u.n) })
	for _, s := range open {
		b.swap(s)
		b.flushReply()
		b.emitUnit()
	}
}
