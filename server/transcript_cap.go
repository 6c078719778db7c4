package server

import (
	"fmt"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// fileCap bounds one session's transcript file, and through the store the
// directory's total: a client that never logs in and sends 4 KiB lines
// would otherwise write tens of MB a second, and one that reconnects as
// fast as it is closed a new file each time. Past either limit one note
// says which one cut the file, and only the closing line of the session
// follows it, so the file still tells how the session ended.
type fileCap struct {
	max      int64
	written  int64
	cut      bool
	loggedIn bool // the session has logged in: it may use the whole budget
	store    *transcriptStore
}

// admit returns what of an entry's rendered lines may still be written.
func (c *fileCap) admit(e result.Entry, lines []string) []string {
	size := int64(0)
	for _, l := range lines {
		size += int64(len(l))
	}
	closing := e.Kind == result.Event && e.Event != nil && e.Event.Op == result.OpClose
	if closing {
		c.store.grow(c.written, c.written+size, true, c.loggedIn)
	} else if c.cut {
		return nil
	} else if c.written+size > c.max {
		lines = c.cutHere(fmt.Sprintf("transcript cut at %d bytes (--transcript-max-bytes): the rest of this session is not recorded", c.max))
	} else if why := c.store.grow(c.written, c.written+size, false, c.loggedIn); why != growOK {
		lines = c.cutHere(c.budgetNote(why))
	}
	for _, l := range lines {
		c.written += int64(len(l))
	}
	return lines
}

// budgetNote says which part of --transcript-keep cut a file.
func (c *fileCap) budgetNote(why growRefusal) string {
	if why == growShareFull {
		return fmt.Sprintf("transcript cut at %d bytes: sessions that have not logged in may hold %s of the transcripts' budget of %s (--transcript-keep, shared as --max-prelogin shares --max-connections), and they do; the rest of this session is not recorded",
			c.written, sizeText(c.store.preShare), sizeText(c.store.maxBytes))
	}
	return fmt.Sprintf("transcript cut at %d bytes: the transcripts of the sessions still open fill the directory's budget of %s (--transcript-keep); the rest of this session is not recorded",
		c.written, sizeText(c.store.maxBytes))
}

// cutHere is the note that ends what a file records; it is written even
// over the budget, as the closing line is: a few hundred bytes a session.
func (c *fileCap) cutHere(why string) []string {
	c.cut = true
	note := result.Entry{Kind: result.Note, Text: why}
	line := transcript.RenderEntry(note)[0] + "\n"
	c.store.grow(c.written, c.written+int64(len(line)), true, c.loggedIn)
	return []string{line}
}
