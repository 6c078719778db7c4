package main

import (
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"
)

// statusKey is where the app keeps its status line, so that writeResult can
// clear it before the result is printed.
const statusKey = "ftpdiag.status"

// defaultColumns is the terminal width assumed when COLUMNS does not say:
// a status line longer than the terminal would wrap, and "\r" would then
// rewrite only its last row.
const defaultColumns = 80

// statusReporter returns a function that shows, on an interactive terminal,
// what a long step is waiting for ("waiting for 198.18.1.2:3003 (no answer
// yet, 3s of 5s)"), as one line on stderr rewritten in place. An empty
// message clears the line; so does writeResult. It does nothing when stderr
// is not a TTY, or the terminal cannot erase a line (TERM=dumb).
func statusReporter(c *cli.Context) func(msg string) {
	if !statusTerminal(c.App.ErrWriter) {
		return func(string) {}
	}
	if s, ok := c.App.Metadata[statusKey].(*statusLine); ok {
		return s.show
	}
	s := &statusLine{w: c.App.ErrWriter, width: terminalColumns()}
	if c.App.Metadata == nil {
		c.App.Metadata = map[string]any{}
	}
	c.App.Metadata[statusKey] = s
	return s.show
}

// clearStatus erases a status line left on the terminal, if there is one.
func clearStatus(c *cli.Context) {
	if s, ok := c.App.Metadata[statusKey].(*statusLine); ok {
		s.show("")
	}
}

func statusTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

func terminalColumns() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 10 {
		return n
	}
	return defaultColumns
}

// statusLine is one rewritable line. Checks run side by side, so show is
// called from several goroutines; the latest message wins.
type statusLine struct {
	mu    sync.Mutex
	w     io.Writer
	width int
	shown bool
}

// show replaces the line by msg, cut to the terminal's width; "" erases it.
func (s *statusLine) show(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg = strings.Join(strings.Fields(msg), " ")
	if msg == "" && !s.shown {
		return
	}
	// One column stays free: a line that fills the last column makes some
	// terminals wrap, and "\r" would then rewrite only the second row.
	if room := s.width - 1; utf8.RuneCountInString(msg) > room {
		msg = string([]rune(msg)[:room-1]) + "…"
	}
	// "\r" returns to the start of the line, "\x1b[K" erases to its end. A
	// failed write to stderr is not worth failing a probe for.
	_, _ = io.WriteString(s.w, "\r"+msg+"\x1b[K")
	s.shown = msg != ""
}
