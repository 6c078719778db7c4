package diagnose

import (
	"strings"
	"testing"
)

// TestTooLongGreetingSaysWhatWasSeen: a greeting that runs past the
// reader's limit is not evidence of another protocol; the title says what
// was seen.
func TestTooLongGreetingSaysWhatWasSeen(t *testing.T) {
	entries := readEntries(t, "testdata/diagnose/control-not-ftp-too-long.json")
	fs := Diagnose(entries)
	if len(fs) != 1 || fs[0].Code != CodeControlNotFTP {
		t.Fatalf("findings %+v, want one %s", fs, CodeControlNotFTP)
	}
	if title := fs[0].Title; strings.Contains(strings.ToLower(title), "another protocol") || !strings.Contains(title, "64 KiB") {
		t.Errorf("title %q: want what was seen (a reply past 64 KiB), not another protocol", title)
	}
}
