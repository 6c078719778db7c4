package selftest

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestMakePlanMovesOffABusyPassivePort(t *testing.T) {
	ln, err := net.Listen("tcp", ":3007")
	if err != nil {
		t.Skipf("port 3007 is not free here: %v", err)
	}
	defer ln.Close()
	pl := MakePlan(24)
	if pl.PasvMin == PasvBase || pl.PasvMax-pl.PasvMin != 24 {
		t.Errorf("passive range %d-%d, want a 25-port range off 3000", pl.PasvMin, pl.PasvMax)
	}
	joined := strings.Join(pl.Notes, "\n")
	if !strings.Contains(joined, "3007 is in use by") || !strings.Contains(joined, "pid "+itoa(os.Getpid())) {
		t.Errorf("notes do not name the holder of 3007:\n%s", joined)
	}
	if os.Geteuid() == 0 && (pl.ControlPort != ControlPort && !strings.Contains(joined, "port 21")) {
		t.Errorf("control port moved without a note: %+v", pl)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
