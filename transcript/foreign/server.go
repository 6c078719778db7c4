package foreign

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// Server logs: what an FTP server writes about many clients at once. Each
// is read into sessions, one per control connection as far as the log can
// tell them apart, and each session into transcript entries seen from the
// server: commands are what the client sent, replies what the server
// answered, events the server's own connections.
const (
	Vsftpd   Format = "vsftpd"    // vsftpd.log with log_ftp_protocol=YES
	ProFTPD  Format = "proftpd"   // ExtendedLog, the default LogFormat or "%m %r %s"
	PureFTPd Format = "pure-ftpd" // syslog lines of pure-ftpd -d (-d -d: with its replies)
	ServeDir Format = "serve"     // ftpdiag serve --transcript-dir: a directory or one file of it
)

// ServerFormats lists the server logs, in the order detection prefers them.
var ServerFormats = []Format{Vsftpd, PureFTPd, ProFTPD, ServeDir}

// IsServer tells a server log's format from a client log's.
func (f Format) IsServer() bool {
	for _, s := range ServerFormats {
		if f == s {
			return true
		}
	}
	return false
}

// ErrNotServerLog: the text is no server log explain knows.
var ErrNotServerLog = errors.New("no FTP server log format recognised")

// SilentEnd is how long a session may stay silent while the log goes on
// before it is taken to be over: longer than the servers' default idle
// timeouts (vsftpd 300 s, pure-ftpd 15 min is longer: its own "Logout."
// line ends those), so a session still running is not cut in two.
const SilentEnd = 10 * time.Minute

// MaxSessionEntries bounds one session's entries; a longer session keeps
// its first entries and a note of how many lines were left out.
const MaxSessionEntries = 20_000

// How a session ended, as far as the log shows.
const (
	EndQuit    = "quit"      // the client said QUIT and the server answered
	EndClosed  = "closed"    // the log records the connection's close
	EndNext    = "next"      // the same client's next session began after its last line
	EndSilent  = "silent"    // the log went on for SilentEnd without another line of it
	EndReused  = "reused"    // its process id started another session
	EndLogCut  = "log-ended" // the log ends while it may still be running
	EndTooLong = "too-long"  // cut at MaxSessionEntries
)

// ServerSession is one client's control connection, read from a server log.
type ServerSession struct {
	ID      int    // in the order the sessions started in the log
	Client  string // the client's address as the server saw it ("" when the log has none)
	User    string
	Key     string    // what the log names it by (a process id), for the reader
	Started time.Time // the time of its first line; zero when the log has no times
	Line    int       // the log line it starts on, from 1
	// Entries are its commands, replies and events, Session 1, T since
	// Started.
	Entries []result.Entry
	End     string // one of the End constants
	Secrets []string
	// Unlogged: the log records no connections (ProFTPD's ExtendedLog),
	// and the session's first line is a command that opens one (USER,
	// AUTH, FEAT ...), so it is read as whole from there.
	Unlogged bool

	last     time.Time
	lastSeq  int // the log line of its last entry
	code     int // an open multi-line reply's code
	reply    []string
	verb     string
	awaiting bool // a login was accepted in another process: the next process of this client continues it
	loggedIn bool
	left     int // lines left out past MaxSessionEntries
}

// ServerLog is a whole server log read into sessions.
type ServerLog struct {
	Format   Format
	Sessions []*ServerSession
	Lines    int
}

// rec is what a server log's line says, before it is put in a session.
type rec struct {
	t      time.Time
	key    string // process id, or "" where the log has none
	client string
	user   string
	kind   recKind
	text   string
	code   int // replies logged by code alone (ProFTPD)
	ev     *result.EventInfo
}

type recKind int

const (
	recNote      recKind = iota
	recConnect           // a new control connection
	recCommand           // a command line the client sent
	recReply             // one line of a reply
	recReplyMore         // a line of the last reply, without its code (ftpdiag's rendering)
	recLoginOK           // the server accepted a login (vsftpd: in its privileged process)
	recClose             // the server logged the end of the session
	recEvent             // an entry already made (ftpdiag's own transcripts)
	recSkip              // a line that says nothing about any session
)

// lineParser reads one line of a server log; ok false means the line is not
// of the format (it becomes a note of the session it names, if any).
type lineParser func(line string) (r rec, ok bool)

// keyed tells how a format names sessions: by process id (vsftpd before and
// after login, pure-ftpd through rsyslog), or by the client's address only.
type splitter struct {
	format  Format
	open    map[string]*ServerSession // by key
	byAddr  map[string][]*ServerSession
	order   []*ServerSession // open sessions, oldest first, for eviction
	ids     int
	seq     int
	clock   time.Time
	swept   time.Time
	emit    func(*ServerSession)
	closedK map[string]time.Time // keys whose session just ended: echoes of its end are dropped
	cur     *ServerSession       // the last session started
}

func newSplitter(format Format, emit func(*ServerSession)) *splitter {
	return &splitter{format: format, open: map[string]*ServerSession{}, byAddr: map[string][]*ServerSession{},
		emit: emit, closedK: map[string]time.Time{}}
}

// ScanServer reads a server log from r in one pass and hands each session
// to fn once it is over (or the log ends). Only sessions still open are
// held in memory. from must be a server format.
func ScanServer(r io.Reader, from Format, fn func(*ServerSession)) (lines int, err error) {
	parse := serverParsers[from]
	if parse == nil {
		return 0, fmt.Errorf("%w %q (server logs: %s)", ErrBadFormat, from, serverFormatList())
	}
	sp := newSplitter(from, fn)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		sp.seq++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		r, ok := parse(line)
		sp.take(r, ok, line)
	}
	sp.finish()
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return sp.seq, fmt.Errorf("%w: line %d is longer than 1 MiB", ErrTooLarge, sp.seq+1)
	} else if err != nil {
		return sp.seq, fmt.Errorf("reading the log: %w", err)
	}
	return sp.seq, nil
}

// ParseServer reads a whole server log held in memory; from "" detects it.
func ParseServer(data []byte, from Format) (*ServerLog, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := plausibleText(data); err != nil {
		return nil, err
	}
	if from == "" {
		f, ok := DetectServer(data)
		if !ok {
			return nil, ErrNotServerLog
		}
		from = f
	}
	l := &ServerLog{Format: from}
	n, err := ScanServer(bytes.NewReader(data), from, func(s *ServerSession) { l.Sessions = append(l.Sessions, s) })
	l.Lines = n
	if err != nil {
		return nil, err
	}
	if len(l.Sessions) == 0 {
		return nil, fmt.Errorf("%w (read as %s)", ErrNoProtocol, from)
	}
	return l, nil
}

// ParseServerFormat checks a --from value naming a server log.
func ParseServerFormat(name string) (Format, bool) {
	for _, f := range ServerFormats {
		if string(f) == strings.ToLower(name) {
			return f, true
		}
	}
	return "", false
}

func serverFormatList() string {
	var names []string
	for _, f := range ServerFormats {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// DetectServer names a server log's format from its first lines: the one
// most of them parse as, and at least half of those that parse as any.
func DetectServer(data []byte) (Format, bool) {
	score := map[Format]int{}
	n, header := 0, false
	for line := range strings.Lines(string(data)) {
		if n++; n > detectLines {
			break
		}
		line = strings.TrimRight(line, "\r\n")
		// ftpdiag's transcripts share their lines with server manuals'
		// samples (the seed format): only the session heading tells them.
		header = header || serveSession.MatchString(line)
		for _, f := range ServerFormats {
			if _, ok := serverParsers[f](line); ok && strings.TrimSpace(line) != "" {
				score[f]++
			}
		}
	}
	if !header {
		score[ServeDir] = 0
	}
	best, most := Format(""), 0
	for _, f := range ServerFormats {
		if score[f] > most {
			best, most = f, score[f]
		}
	}
	return best, most > 0 && most*2 >= n-1
}

var serverParsers = map[Format]lineParser{
	Vsftpd:   vsftpdLine,
	ProFTPD:  proftpdLine,
	PureFTPd: pureLine,
	ServeDir: serveLine,
}

// take puts one line's record into its session.
func (sp *splitter) take(r rec, ok bool, line string) {
	if !r.t.IsZero() {
		sp.tick(r.t)
	}
	if !ok {
		r = rec{kind: recNote, text: line}
	}
	if r.kind == recSkip {
		return
	}
	s := sp.sessionFor(&r)
	if s == nil {
		return
	}
	sp.add(s, r)
}

// sessionFor finds (or starts) the session a record belongs to.
func (sp *splitter) sessionFor(r *rec) *ServerSession {
	if r.kind == recConnect {
		if old := sp.open[r.key]; old != nil && r.key == old.Client {
			sp.end(old, EndNext) // a log that names sessions by address only
		} else if old != nil {
			sp.end(old, EndReused)
		}
		delete(sp.closedK, r.key)
		return sp.start(r)
	}
	s := sp.open[r.key]
	if r.key == "" && r.client == "" && s == nil && sp.cur != nil && sp.open[sp.cur.Key] == sp.cur {
		s = sp.cur // a log of one session after another (ftpdiag's transcripts)
	}
	if s != nil && sp.format == ProFTPD && r.kind == recCommand && s.loggedIn && newLogin(r) {
		// A log without connections (ProFTPD's): a command before login
		// after a session logged in begins the next session.
		s.End = EndNext
		sp.end(s, EndNext)
		return sp.start(r)
	}
	if s != nil {
		return s
	}
	if r.kind == recClose && r.key == "" && sp.cur != nil {
		return nil // the close after QUIT of a log that names no sessions
	}
	if r.kind == recNote && r.key == "" && r.client == "" {
		return nil // a line of no session: nothing to attach it to
	}
	if s := sp.continued(r); s != nil {
		return s
	}
	if _, ok := sp.closedK[r.key]; ok && (r.kind == recReply || r.kind == recClose) {
		return nil // pure-ftpd's "Logout." after QUIT, and its echo of the last reply
	}
	return sp.start(r)
}

// continued finds the session a line from a new process continues: vsftpd
// serves a session in one process until login and in another after it.
func (sp *splitter) continued(r *rec) *ServerSession {
	for _, s := range sp.byAddr[r.client] {
		if s.awaiting && r.user != "" {
			s.awaiting = false
			delete(sp.open, s.Key)
			s.Key = r.key
			sp.open[r.key] = s
			return s
		}
	}
	if r.kind == recLoginOK {
		// The privileged process logs the login: it belongs to the
		// session of this client still logging in.
		for _, s := range sp.byAddr[r.client] {
			if s.verb == "PASS" || s.verb == "USER" {
				return s
			}
		}
	}
	return nil
}

func (sp *splitter) start(r *rec) *ServerSession {
	sp.ids++
	s := &ServerSession{ID: sp.ids, Client: r.client, Key: r.key, Started: r.t, Line: sp.seq}
	// Other open sessions of this client that have said nothing since are
	// over once it connects again (curl and lftp reconnect after a failed
	// data connection), unless a line of theirs follows.
	for _, o := range sp.byAddr[r.client] {
		if o.End == "" {
			o.End = EndNext
		}
	}
	sp.open[r.key] = s
	if r.client != "" {
		sp.byAddr[r.client] = append(sp.byAddr[r.client], s)
	}
	sp.order = append(sp.order, s)
	sp.cur = s
	return s
}

// add writes a record into its session.
func (sp *splitter) add(s *ServerSession, r rec) {
	s.End = "" // a line of its own: whatever ended it did not
	s.lastSeq = sp.seq
	if !r.t.IsZero() {
		if s.Started.IsZero() {
			s.Started = r.t
		}
		s.last = r.t
	}
	if r.user != "" && r.user != "?" {
		s.User = r.user
	}
	if s.Client == "" && r.client != "" {
		s.Client = r.client
		sp.byAddr[r.client] = append(sp.byAddr[r.client], s)
	}
	switch r.kind {
	case recConnect:
		ev := result.EventInfo{Op: result.OpConnect, Local: r.client, Outcome: result.Connected}
		s.entry(result.Entry{Kind: result.Event, Event: &ev, Text: "control connection from " + r.client}, r.t)
	case recCommand:
		s.command(r)
	case recReply:
		s.replyLine(r)
	case recReplyMore:
		s.replyMore(r)
	case recLoginOK:
		s.awaiting = sp.format == Vsftpd
		s.note(r.text, r.t)
	case recClose:
		s.flush(r.t)
		ev := result.EventInfo{Op: result.OpClose, By: "client", Outcome: result.Closed}
		s.entry(result.Entry{Kind: result.Event, Event: &ev, Text: r.text}, r.t)
		sp.closed(s.Key)
		sp.end(s, EndClosed)
	case recEvent:
		s.flush(r.t)
		s.entry(result.Entry{Kind: result.Event, Event: r.ev, Text: r.text}, r.t)
	default:
		s.note(r.text, r.t)
	}
	if s.verb == "QUIT" && s.code == 0 && lastCode(s) == int(ftp.ServiceClosing) && sp.open[s.Key] == s {
		sp.closed(s.Key)
		sp.end(s, EndQuit)
	}
}

func lastCode(s *ServerSession) int {
	if n := len(s.Entries); n > 0 && s.Entries[n-1].Kind == result.Reply {
		return s.Entries[n-1].Code
	}
	return 0
}

func (s *ServerSession) command(r rec) {
	s.flush(r.t)
	verb, arg, _ := strings.Cut(strings.TrimSpace(r.text), " ")
	s.verb = strings.ToUpper(verb)
	if len(s.Entries) == 0 && r.code != 0 {
		s.Unlogged = opensSession[s.verb]
	}
	if s.verb == "PASS" {
		if a := strings.TrimSpace(arg); a != "" && !strings.HasPrefix(a, "<") && a != "(hidden)" && strings.Trim(a, "*x") != "" {
			s.Secrets = append(s.Secrets, a)
		}
		r.text = "PASS xxxxxxxx"
	}
	if s.verb == "USER" && s.User == "" {
		s.User = strings.TrimSpace(arg)
	}
	s.entry(result.Entry{Kind: result.Command, Text: r.text}, r.t)
	if r.code != 0 { // ProFTPD: the command's final reply code, without its text
		s.loggedIn = s.loggedIn || r.code == int(ftp.LoggedIn)
		s.entry(result.Entry{Kind: result.Reply, Code: r.code, Text: fmt.Sprintf("%d", r.code)}, r.t)
	}
}

// newLogin tells a command sent before login: ProFTPD's default format
// names no user for it ("-"); "%m %r %s" names none at all, so there only
// the commands a client opens a session with tell.
func newLogin(r *rec) bool {
	if r.client != "" {
		return r.user == ""
	}
	verb, _, _ := strings.Cut(strings.TrimSpace(r.text), " ")
	return beginsLogin[strings.ToUpper(verb)]
}

// beginsLogin are commands no client sends once logged in.
var beginsLogin = map[string]bool{"USER": true, "AUTH": true, "HOST": true, "CLNT": true}

// opensSession are the commands a client starts a session with, before
// it logs in.
var opensSession = map[string]bool{"USER": true, "AUTH": true, "FEAT": true, "SYST": true, "OPTS": true, "HOST": true, "CLNT": true}

// replyLine follows ftp's one reply rule, as the client logs do.
func (s *ServerSession) replyLine(r rec) {
	kind, code := ftp.NextLine(s.code, r.text)
	switch kind {
	case ftp.NoReply:
		s.note(r.text, r.t)
		return
	case ftp.Continues, ftp.Ends:
		s.reply = append(s.reply, r.text)
	default:
		s.code, s.reply = code, []string{r.text}
	}
	if kind == ftp.Whole || kind == ftp.Ends {
		s.flush(r.t)
	}
}

// replyMore adds a line to the reply just recorded, or keeps it as a
// note where none was.
func (s *ServerSession) replyMore(r rec) {
	if n := len(s.Entries); n > 0 && s.Entries[n-1].Kind == result.Reply && s.left == 0 {
		s.Entries[n-1].Text += "\n" + r.text
		return
	}
	s.note(r.text, r.t)
}

// flush records the open multi-line reply, whole or not.
func (s *ServerSession) flush(t time.Time) {
	if s.code == 0 {
		return
	}
	code, text := s.code, strings.Join(s.reply, "\n")
	s.code, s.reply = 0, nil
	s.loggedIn = s.loggedIn || code == int(ftp.LoggedIn)
	s.entry(result.Entry{Kind: result.Reply, Code: code, Text: text}, t)
}

func (s *ServerSession) note(text string, t time.Time) {
	s.flush(t)
	s.entry(result.Entry{Kind: result.Note, Text: strings.TrimSpace(text)}, t)
}

func (s *ServerSession) entry(e result.Entry, t time.Time) {
	if len(s.Entries) >= MaxSessionEntries {
		s.left++
		return
	}
	e.Session = 1
	if !t.IsZero() && !s.Started.IsZero() {
		e.T = t.Sub(s.Started)
	} else if n := len(s.Entries); n > 0 {
		e.T = s.Entries[n-1].T
	}
	s.Entries = append(s.Entries, e)
}

// closedKeys bounds the keys remembered for their echoes, in a log without
// times (where they are not swept by age).
const closedKeys = 4096

// closed remembers a key whose session just ended, for a minute of log
// time: pure-ftpd's "Logout." and its last reply's echo come right after.
func (sp *splitter) closed(key string) {
	if len(sp.closedK) >= closedKeys {
		clear(sp.closedK)
	}
	sp.closedK[key] = sp.clock
}

// tick moves the log's clock; sessions silent for SilentEnd are over. The
// open sessions are swept once a minute of log time, not at every line.
func (sp *splitter) tick(t time.Time) {
	if t.After(sp.clock) {
		sp.clock = t
	}
	if sp.clock.Sub(sp.swept) < time.Minute {
		return
	}
	sp.swept = sp.clock
	for k, at := range sp.closedK {
		if sp.clock.Sub(at) > time.Minute {
			delete(sp.closedK, k)
		}
	}
	keep := sp.order[:0]
	for _, s := range sp.order {
		if sp.open[s.Key] != s {
			continue // ended already
		}
		if !s.last.IsZero() && sp.clock.Sub(s.last) >= SilentEnd {
			sp.end(s, EndSilent)
			continue
		}
		keep = append(keep, s)
	}
	clear(sp.order[len(keep):])
	sp.order = keep
}

// end hands a session over and forgets it. A session already marked as
// followed by its client's next one keeps that reason.
func (sp *splitter) end(s *ServerSession, why string) {
	if sp.open[s.Key] == s {
		delete(sp.open, s.Key)
	}
	if list := sp.byAddr[s.Client]; len(list) > 0 {
		out := list[:0]
		for _, o := range list {
			if o != s {
				out = append(out, o)
			}
		}
		if len(out) == 0 {
			delete(sp.byAddr, s.Client)
		} else {
			sp.byAddr[s.Client] = out
		}
	}
	if s.End == "" || why == EndQuit || why == EndClosed {
		s.End = why
	}
	s.finish()
	sp.emit(s)
}

// finish closes what the log left open and says how the session ended
// where no line of the log does.
func (s *ServerSession) finish() {
	s.flush(s.last)
	if s.left > 0 {
		s.End = EndTooLong
		s.Entries = append(s.Entries, result.Entry{Session: 1, Kind: result.Note, T: s.lastT(),
			Text: fmt.Sprintf("the session goes on for %d more lines, not read: explain reads its first %d entries", s.left, MaxSessionEntries)})
		return
	}
	var why string
	switch s.End {
	case EndNext:
		why = "not in the log: the client's next session began, and this one has no line after it"
	case EndSilent:
		why = fmt.Sprintf("not in the log: the session has no line for the %s after this while the log goes on", transcript.Human(SilentEnd))
	case EndReused:
		why = "not in the log: the server's process for this session started another one"
	default:
		return
	}
	ev := result.EventInfo{Op: result.OpClose, By: "client", Outcome: result.Closed}
	s.Entries = append(s.Entries, result.Entry{Session: 1, Kind: result.Event, Event: &ev, T: s.lastT(),
		Text: "control connection ended (" + why + ")"})
}

func (s *ServerSession) lastT() time.Duration {
	if n := len(s.Entries); n > 0 {
		return s.Entries[n-1].T
	}
	return 0
}

// finish ends every session still open at the end of the log, in the
// order they started.
func (sp *splitter) finish() {
	for _, s := range sp.order {
		if sp.open[s.Key] != s {
			continue
		}
		if s.End == "" {
			s.End = EndLogCut
		}
		sp.end(s, s.End)
	}
	sp.order = nil
}

// readServerLog reads a server log into one Log, its sessions numbered in
// the order they began (for callers that want every entry at once).
func readServerLog(data []byte, from Format) (*Log, error) {
	sl, err := ParseServer(data, from)
	if err != nil {
		return nil, err
	}
	l := &Log{}
	for _, s := range sl.Sessions {
		for _, e := range s.Entries {
			e.Session = s.ID
			l.Entries = append(l.Entries, e)
		}
		l.Secrets = append(l.Secrets, s.Secrets...)
		if l.Started.IsZero() {
			l.Started = s.Started
		}
	}
	return l, nil
}
