package cli

import (
	"regexp"
	"runtime/debug"
	"strings"
)

// baseVersion is the version of the source tree, used where the build says
// nothing better (go test, go build -buildvcs=false, go run).
const baseVersion = "0.1.0"

// revisionLen is how much of a commit hash a development version names:
// git's own abbreviation length for a repository this size, and unique.
const revisionLen = 12

// pseudoVersion matches a module pseudo-version (v0.0.0-20261201213000-abcdef123456),
// which the go command stamps on untagged builds: the commit says more.
var pseudoVersion = regexp.MustCompile(`-(0\.)?\d{14}-[0-9a-f]{12}(\+dirty)?$`)

func init() {
	bi, _ := debug.ReadBuildInfo()
	version = resolveVersion(version, bi)
}

// resolveVersion picks, in order: the version given with -ldflags, the
// module's tagged version, the base version with the commit the binary was
// built from ("0.1.0-dev+3bcb5d1ab2c4", ".dirty" with uncommitted changes),
// and the base version alone.
func resolveVersion(ldflags string, bi *debug.BuildInfo) string {
	if ldflags != "" {
		return ldflags
	}
	if bi == nil {
		return baseVersion
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" && !pseudoVersion.MatchString(v) {
		return strings.TrimPrefix(v, "v")
	}
	var rev string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return baseVersion
	}
	v := baseVersion + "-dev+" + rev[:min(revisionLen, len(rev))]
	if dirty {
		v += ".dirty"
	}
	return v
}
