package foreign

import (
	"bufio"
	"strings"
	"testing"

	"ftpdiag/ftp/replytest"
	"ftpdiag/result"
)

// TestBuilderReadsReplies runs the one table of reply streams (issue 27)
// through the builder that every log reader hands reply lines to; a line
// it does not take as a reply becomes a note here, so the order shows.
func TestBuilderReadsReplies(t *testing.T) {
	for _, tc := range replytest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			b := newBuilder()
			sc := bufio.NewScanner(strings.NewReader(tc.In))
			for sc.Scan() {
				if !b.replyLine(sc.Text()) {
					b.add(result.Entry{Kind: result.Note, Text: sc.Text()})
				}
			}
			b.flushReply()
			var got []replytest.Reply
			for _, e := range b.entries {
				switch e.Kind {
				case result.Reply:
					got = append(got, replytest.Reply{Code: e.Code, Lines: strings.Split(e.Text, "\n")})
				case result.Note:
					got = append(got, replytest.Reply{Lines: []string{e.Text}})
				}
			}
			replytest.Compare(t, "foreign builder", tc, got, tc.Recorded())
		})
	}
}
