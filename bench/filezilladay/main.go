// Command filezilladay writes a big FileZilla log file for explain's
// benchmark (bench/explain-stream.sh) out of the real recordings under
// testdata/logs (see internal/daylog).
//
//	go run ./bench/filezilladay -size 268435456 > day.log
package main

import (
	"flag"
	"fmt"
	"os"

	"ftpdiag/internal/daylog"
)

func main() {
	size := flag.Int64("size", 32<<20, "the most bytes to write")
	dir := flag.String("corpus", "testdata/logs", "where the FileZilla recordings are")
	lang := flag.String("lang", "en", "the language of the day: en, or de, fr, es (FileZilla's translated recordings)")
	flag.Parse()
	recs, err := daylog.Recordings(*dir, *lang)
	if err == nil {
		var n int
		n, err = daylog.FileZilla(os.Stdout, recs, *size)
		fmt.Fprintf(os.Stderr, "filezilladay: %d sessions\n", n)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "filezilladay:", err)
		os.Exit(1)
	}
}
