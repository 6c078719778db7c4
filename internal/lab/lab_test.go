package lab

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// labParallel is how many scenarios run at once when -parallel is not given.
// They spend their time waiting for timeouts, not computing, so more of
// them than the machine's cores keeps the lab short without loading it.
const labParallel = "8"

var (
	binDir      string // TestMain's temporary directory for the ftpdiag binary
	buildOnce   sync.Once
	ftpdiagPath string
	buildErr    error
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperMain())
	}
	flag.Parse()
	widenParallel()
	dir, err := os.MkdirTemp("", "ftpdlab-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "lab:", err)
		os.Exit(2)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// widenParallel raises -test.parallel to labParallel unless it was given.
func widenParallel() {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", labParallel)
	}
}

// ftpdiagBinary builds ftpdiag (the module root) once per test run, only
// when a lab test needs it, and fails t when it does not build.
func ftpdiagBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		ftpdiagPath = filepath.Join(binDir, "ftpdiag")
		out, err := exec.Command("go", "build", "-o", ftpdiagPath, "ftpdiag").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ftpdiag: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return ftpdiagPath
}

// pureFTPdBinary is Debian's pure-ftpd from testdata/peers, fetched by the
// project's script when missing. Without it the test skips, unless CI is
// set: there a missing peer fails.
func pureFTPdBinary(t testing.TB) string {
	t.Helper()
	peers := filepath.Join("..", "..", "testdata", "peers")
	bin, err := filepath.Abs(filepath.Join(peers, "root", "usr", "sbin", "pure-ftpd"))
	if err != nil {
		t.Fatal(err)
	}
	fetchOnce.Do(func() {
		if _, err := os.Stat(bin); err != nil {
			fetchOut, fetchErr = exec.Command("bash", filepath.Join(peers, "fetch.sh")).CombinedOutput()
		}
	})
	if _, err := os.Stat(bin); err != nil {
		msg := fmt.Sprintf("pure-ftpd missing after fetch.sh (%v): %v\n%s", fetchErr, err, fetchOut)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

var (
	fetchOnce sync.Once
	fetchOut  []byte
	fetchErr  error
)
