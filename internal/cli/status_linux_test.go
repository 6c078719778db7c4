package cli

import (
	"bytes"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/urfave/cli/v2"
)

// openPTY opens a pseudo-terminal pair with the standard library only:
// the status line must show on a real terminal, which a buffer is not.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlocking the pty: %v", e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("naming the pty: %v", e)
	}
	tty, err = os.OpenFile("/dev/pts/"+itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

func itoa(n uint32) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

func TestStatusShowsOnATerminal(t *testing.T) {
	t.Setenv("TERM", "xterm")
	t.Setenv("COLUMNS", "")
	master, tty := openPTY(t)
	app := newApp(strings.NewReader(""), &bytes.Buffer{}, tty)
	c := cli.NewContext(app, nil, nil)
	status := statusReporter(c)
	status("waiting for 198.18.1.2:3003", 5*time.Second)
	clearStatus(c)
	want := "\rwaiting for 198.18.1.2:3003\x1b[K\r\x1b[K"
	if got := readPTY(t, master, len(want)); got != want {
		t.Errorf("terminal got %q, want %q", got, want)
	}
}

// readPTY reads n bytes from the master side, bounded by a deadline so a
// missing write fails the test instead of hanging it.
func readPTY(t *testing.T, master *os.File, n int) string {
	t.Helper()
	if err := master.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Skipf("pty without deadlines: %v", err)
	}
	buf := make([]byte, 0, n)
	tmp := make([]byte, 256)
	for len(buf) < n {
		k, err := master.Read(tmp)
		buf = append(buf, tmp[:k]...)
		if err != nil {
			break
		}
	}
	return string(buf)
}
