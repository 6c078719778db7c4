package foreign

import (
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for the server logs' readers, seeded with the corpus of
// real servers' logs (testdata/serverlogs); Parse reads them as one Log, so
// checkParse's promises hold for them as for the client logs.

func seedServerLogs(f *testing.F, prefix string) {
	f.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "serverlogs", prefix+"*.log"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	if len(paths) == 0 {
		f.Fatalf("no seed log for %q", prefix)
	}
}

func fuzzServer(f *testing.F, prefix string, from Format) {
	seedServerLogs(f, prefix)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data, from)
		sl, err := ParseServer(data, from)
		if err != nil {
			return
		}
		for _, s := range sl.Sessions {
			if len(s.Entries) == 0 || len(s.Entries) > MaxSessionEntries+1 {
				t.Fatalf("session %d: %d entries", s.ID, len(s.Entries))
			}
			if s.End == "" {
				t.Fatalf("session %d handed over without saying how it ended", s.ID)
			}
		}
	})
}

func FuzzParseVsftpd(f *testing.F)   { fuzzServer(f, "vsftpd", Vsftpd) }
func FuzzParseProFTPD(f *testing.F)  { fuzzServer(f, "proftpd", ProFTPD) }
func FuzzParsePureFTPd(f *testing.F) { fuzzServer(f, "pure-ftpd", PureFTPd) }
func FuzzParseServe(f *testing.F)    { fuzzServer(f, "serve", ServeDir) }
