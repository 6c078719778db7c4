package exporter

import (
	"ftpdiag/result"
	"net"
	"os"
	"testing"
)

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o600) }

func testTool() result.Tool { return result.Tool{Name: "ftpdiag", Version: "test"} }

// closedPort is a loopback port nothing listens on a moment later: a
// connection to it is refused at once.
func closedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
