package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestResolveVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "3bcb5d1ab2c4e5f60718293a4b5c6d7e8f901234"
	cases := []struct {
		name    string
		ldflags string
		bi      *debug.BuildInfo
		want    string
	}{
		{"no build info", "", nil, baseVersion},
		{"go test or -buildvcs=false", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, baseVersion},
		{"ldflags win", "1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v0.9.0"}}, "1.2.3"},
		{"tagged module", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}, "0.2.0"},
		{"clean checkout", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")}, baseVersion + "-dev+3bcb5d1ab2c4"},
		{"modified checkout", "", &debug.BuildInfo{Settings: vcs(rev, "true")}, baseVersion + "-dev+3bcb5d1ab2c4.dirty"},
		{"pseudo-version stamped", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201213000-3bcb5d1ab2c4+dirty"}, Settings: vcs(rev, "true")},
			baseVersion + "-dev+3bcb5d1ab2c4.dirty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveVersion(tc.ldflags, tc.bi); got != tc.want {
				t.Errorf("resolveVersion = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVersionLdflags builds the binary as the release script does and
// runs --version: the -X flag must reach the variable main prints.
func TestVersionLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "ftpdiag")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X ftpdiag/internal/cli.version=9.8.7-test", "ftpdiag")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "ftpdiag version 9.8.7-test" {
		t.Errorf("--version = %q", got)
	}
}
