package transcript

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ErrWriter prints to W until the first error, which it keeps: a report
// prints many lines and says once, at its end, whether they all went out.
type ErrWriter struct {
	W   io.Writer
	Err error
}

// Printf prints unless an earlier print failed.
func (e *ErrWriter) Printf(format string, args ...any) {
	if e.Err == nil {
		_, e.Err = fmt.Fprintf(e.W, format, args...)
	}
}

// Plural counts what in English: "1 session", "3 sessions", "2 matches".
func Plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "ss") || strings.HasSuffix(what, "ch") {
		return fmt.Sprintf("%d %ses", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// LogStamp prints a time read from a log, in UTC; syslog's lines carry no
// year, and their time is printed as they give it.
func LogStamp(t time.Time) string {
	if t.Year() <= 1 {
		return t.Format("Jan _2 15:04:05")
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// LogSpan is ", FIRST to LAST" for a report's heading, "" where the log
// has no times.
func LogSpan(first, last time.Time) string {
	if first.IsZero() {
		return ""
	}
	return ", " + LogStamp(first) + " to " + LogStamp(last)
}
