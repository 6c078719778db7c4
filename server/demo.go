package server

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// DemoTestSize is the size of the demo tree's "test" file: the file the
// seed's sample session downloads ("150 Opening connection (43182 bytes)").
const DemoTestSize = 43182

// demoTime is the modification time of every demo file, fixed so that
// listings and MDTM replies are the same on every run.
var demoTime = time.Date(2026, 11, 23, 21, 54, 0, 0, time.UTC)

// demoFiles is the built-in tree served without --root.
var demoFiles = map[string][]byte{
	"README.txt": []byte("This is ftpdiag's reference FTP server, serving its built-in demo tree.\n" +
		"Download 'test' (43182 bytes) to check that data connections work.\n" +
		"Start it with --root DIR to serve a directory of your own.\n"),
	"test":          demoTestContent(),
	"pub/hello.txt": []byte("hello from ftpdiag\n"),
	"pub/empty":     {},
}

// demoTestContent is DemoTestSize bytes of numbered text lines, so a
// truncated or corrupted download is easy to see by eye.
func demoTestContent() []byte {
	var b bytes.Buffer
	for i := 1; b.Len() < DemoTestSize; i++ {
		fmt.Fprintf(&b, "ftpdiag test file line %05d: the quick brown fox jumps over the lazy dog\r\n", i)
	}
	return b.Bytes()[:DemoTestSize]
}

// writeDemoTree writes demoFiles to a new temporary directory.
func writeDemoTree() (string, error) {
	dir, err := os.MkdirTemp("", "ftpdiag-demo-")
	if err != nil {
		return "", fmt.Errorf("demo tree: %w", err)
	}
	for name, data := range demoFiles {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("demo tree: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("demo tree: %w", err)
		}
		os.Chtimes(p, demoTime, demoTime)
	}
	os.Chtimes(filepath.Join(dir, "pub"), demoTime, demoTime)
	return dir, nil
}
