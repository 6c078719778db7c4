package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"ftpdiag/transcript"
)

// defaultColumns is the terminal width assumed when neither the terminal
// nor COLUMNS says: a status line longer than the terminal would wrap, and
// "\r" would then rewrite only its last row.
const defaultColumns = 80

// newStatus returns the status line of one run on stderr: it shows, on an
// interactive terminal, what a long step is waiting for and how long it will
// wait at most ("connecting to the data port 198.18.1.2:3003 (no answer yet,
// 3s of 5s)"), as one line rewritten in place, its elapsed time counted once
// a second. It is nil, and shows nothing, when stderr is not a TTY or the
// terminal cannot erase a line (TERM=dumb): logs and CI output stay clean.
// The commands that probe hand its show to the probe; writeResult clears it.
func newStatus(stderr io.Writer) *statusLine {
	f, ok := stderr.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" || !isTerminal(f) {
		return nil
	}
	return newStatusLine(f, terminalColumns(f), time.Now)
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// terminalColumns is the width of the terminal f: as the terminal reports
// it, else $COLUMNS (which bash sets but does not export), else 80.
func terminalColumns(f *os.File) int {
	if n, _, err := term.GetSize(int(f.Fd())); err == nil && n > 10 {
		return n
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 10 {
		return n
	}
	return defaultColumns
}

// verboseFlag is -v, as curl's: say on stderr what is being done, a line
// for each step.
func verboseFlag() cli.Flag {
	return &cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "say on standard error what is being done and waited for, a line for each step"}
}

// reporter is the function a probe calls with what it waits for; limit 0
// shows the elapsed time alone, an empty message clears the line.
func (s *statusLine) reporter() func(msg string, limit time.Duration) {
	if s == nil {
		return func(string, time.Duration) {}
	}
	return s.show
}

// clear erases the line, if one is shown.
func (s *statusLine) clear() {
	if s != nil {
		s.show("", 0)
	}
}

// statusTick is how often the line's elapsed time is redrawn: once a
// second is what a person reads, and no more writes than that are needed.
const statusTick = time.Second

// statusLine is one rewritable line, with the time spent on its message.
// Checks run side by side, so show is called from several goroutines; the
// latest message wins.
type statusLine struct {
	mu    sync.Mutex
	w     io.Writer
	width int
	now   func() time.Time
	msg   string
	limit time.Duration // the wait's deadline, 0 when unknown
	since time.Time
	stop  chan struct{} // closed to end the ticking goroutine; nil when idle
	// verbose (-v) writes each message on a line of its own with the time
	// since start, on a terminal or not, and erases nothing.
	verbose bool
	start   time.Time
}

// newVerbose is the status line of -v, on w (stderr).
func newVerbose(w io.Writer, now func() time.Time) *statusLine {
	return &statusLine{w: w, now: now, verbose: true, start: now()}
}

// log writes msg as "ftpdiag: 0.012s connecting to ... (up to 5s)" unless
// it repeats the last one. Control characters are shown as "?": a message
// may carry what a server said.
func (s *statusLine) log(msg string, limit time.Duration) {
	if msg == "" || msg == s.msg {
		s.msg = msg
		return
	}
	s.msg = msg
	line := fmt.Sprintf("ftpdiag: %.3fs %s", s.now().Sub(s.start).Seconds(), strings.Map(printable, msg))
	if limit > 0 {
		line += " (up to " + transcript.Human(limit) + ")"
	}
	_, _ = io.WriteString(s.w, line+"\n")
}

func printable(r rune) rune {
	if unicode.IsControl(r) {
		return '?'
	}
	return r
}

func newStatusLine(w io.Writer, width int, now func() time.Time) *statusLine {
	return &statusLine{w: w, width: width, now: now}
}

// show replaces the line by msg ("waiting for the greeting (no answer yet,
// 3s of 20s)" once a second has passed); "" erases it and stops the ticking.
func (s *statusLine) show(msg string, limit time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg = strings.Join(strings.Fields(msg), " ")
	if s.verbose {
		s.log(msg, limit)
		return
	}
	if msg == "" {
		if s.stop != nil {
			close(s.stop)
			s.stop, s.msg = nil, ""
			s.write("")
		}
		return
	}
	s.msg, s.limit, s.since = msg, limit, s.now()
	s.draw()
	if s.stop == nil {
		s.stop = make(chan struct{})
		go s.tick(s.stop)
	}
}

func (s *statusLine) tick(stop chan struct{}) {
	t := time.NewTicker(statusTick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.refresh()
		}
	}
}

// refresh redraws the current message with its elapsed time.
func (s *statusLine) refresh() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.msg != "" {
		s.draw()
	}
}

func (s *statusLine) draw() {
	line := s.msg
	switch d := s.now().Sub(s.since); {
	case d >= time.Second && s.limit > 0:
		line += fmt.Sprintf(" (no answer yet, %ds of %s)", int(d/time.Second), transcript.Human(s.limit))
	case d >= time.Second:
		line += fmt.Sprintf(" (%ds)", int(d/time.Second))
	}
	// One column stays free: a line that fills the last column makes some
	// terminals wrap, and "\r" would then rewrite only the second row.
	if room := s.width - 1; utf8.RuneCountInString(line) > room {
		line = string([]rune(line)[:room-1]) + "…"
	}
	s.write(line)
}

// write puts line on the terminal: "\r" returns to the start of the line,
// "\x1b[K" erases what an older, longer line left. A failed write to stderr
// is not worth failing a probe for.
func (s *statusLine) write(line string) {
	_, _ = io.WriteString(s.w, "\r"+line+"\x1b[K")
}
