package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"ftpdiag/transcript/foreign"
)

// Big inputs of the shapes issue 16 found quadratic: each is one short
// pattern repeated up to a size, so that time and memory can be compared
// across sizes and with the input caps (foreign.MaxLog, result.MaxSize).

// bigShape is a log made of head once, then body repeated.
type bigShape struct {
	name string
	head string
	body string
}

var bigShapes = []bigShape{
	// Replies with no command before them: every reply's "command before"
	// was a scan back to the start of the log.
	{name: "seed-200", body: "200: ok\n"},
	// 227 replies after one connect: every one looked back for the
	// session's connect and forward for what was dialled.
	{name: "curl-227",
		head: "* Connected to ftp.example.net (198.18.0.1) port 21 (#0)\n< 220 ready\n",
		body: "< 227 Entering Passive Mode (10,0,0,5,11,188)\n"},
	// A real FileZilla session over and over: one session per connection,
	// and the layout walked every entry once per session.
	{name: "filezilla", body: fileZillaSession},
}

var fileZillaSession = mustRead(filepath.Join("..", "..", "testdata", "logs", "filezilla-pasv-private-timeout.log"))

func mustRead(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// bigLog is shape s repeated to about size bytes (never more).
func bigLog(s bigShape, size int) []byte {
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(s.head)
	for b.Len()+len(s.body) <= size {
		b.WriteString(s.body)
	}
	return b.Bytes()
}

// bigResult is the JSON result explain makes of shape s, its transcript
// cut or repeated so the document is about size bytes: what `report` reads.
func bigResult(tb testing.TB, s bigShape, size int) []byte {
	tb.Helper()
	// A JSON entry is about four times the log line it came from.
	log, err := foreign.Parse(bigLog(s, size/4), "")
	if err != nil {
		tb.Fatalf("%s: %v", s.name, err)
	}
	res := explainResult(log)
	for {
		data, err := json.Marshal(res)
		if err != nil {
			tb.Fatal(err)
		}
		if len(data) <= size || len(res.Transcript) < 2 {
			return data
		}
		over := float64(len(data)-size) / float64(len(data))
		res.Transcript = res.Transcript[:len(res.Transcript)-int(over*float64(len(res.Transcript)))-1]
	}
}

func mib(n int) string { return fmt.Sprintf("%dMiB", n>>20) }
