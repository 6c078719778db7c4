package diagnose

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdiag/transcript/foreign"
)

// TestStalledAfter150 (issue 20): a data connection that opened (the
// server's 150 came, and vsftpd sends it only once the data connection is
// up) and then carried nothing until the client gave up is
// transfer.stalled, not data.rejected. Real logs: testdata/logs/lab.sh,
// vsftpd whose passive data past 20000 bytes is dropped, big.bin (200000
// bytes). No other transfer passed in them, so no hint names a path-MTU
// black hole (TestProbeStallVsftpd shows the hint where a listing passed).
func TestStalledAfter150(t *testing.T) {
	for _, name := range []string{"curl-retr-stalled.log", "lftp-retr-stalled.log"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "testdata", "logs", name))
			if err != nil {
				t.Fatal(err)
			}
			log, err := foreign.Parse(data, "")
			if err != nil {
				t.Fatal(err)
			}
			fs := Diagnose(log.Entries)
			got := codesOf(fs)
			if !slices.Contains(got, CodeTransferStalled) || slices.Contains(got, CodeDataRejected) {
				t.Fatalf("codes %v, want %s and not %s", got, CodeTransferStalled, CodeDataRejected)
			}
			for _, f := range fs {
				if f.Code == CodeTransferStalled && strings.Contains(strings.Join(f.Hints, " "), "path-MTU") {
					t.Errorf("no transfer passed, yet a hint names a path-MTU black hole: %q", f.Hints)
				}
			}
		})
	}
}
