package render

import (
	"path/filepath"
	"strings"
)

// emailAttachment tells the reader of the e-mail that the same report,
// with its timeline, was written as a web page they can attach: support
// reads a drawing of the connections faster than the transcript. Nothing
// is said when no HTML file was written.
func emailAttachment(b *strings.Builder, htmlFile string) {
	if htmlFile == "" {
		return
	}
	s := "The same report as a web page, with a timeline of the connections, is in " +
		filepath.Base(htmlFile) + ": attach it to this message. It opens offline in any browser."
	writeLines(b, wrapWords(s, EmailWidth, "", ""))
	b.WriteString("\n")
}
