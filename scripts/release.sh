#!/usr/bin/env bash
# Builds ftpdiag's release binaries for the platforms its users run, with
# the version stamped in, into dist/, and writes dist/SHA256SUMS.
#
#   scripts/release.sh 0.2.0
#
# The binaries are static (CGO_ENABLED=0) and reproducible: -trimpath drops
# the build machine's paths, and the version comes from the argument.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ] || [[ ! "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
	echo "usage: scripts/release.sh VERSION (such as 0.2.0)" >&2
	exit 2
fi
version=$1
platforms="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"

# dist/ also holds the systemd units and the Dockerfile, kept in git: only
# the release files (named with the version, which starts with a digit) go.
mkdir -p dist
rm -f dist/ftpdiag-[0-9]* dist/SHA256SUMS
for p in $platforms; do
	goos=${p%/*} goarch=${p#*/}
	name=ftpdiag-$version-$goos-$goarch
	[ "$goos" = windows ] && name=$name.exe
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath \
		-ldflags "-s -w -X ftpdiag/internal/cli.version=$version" -o "dist/$name" .
	echo "built dist/$name"
done
(cd dist && sha256sum ftpdiag-"$version"-* >SHA256SUMS)
echo "wrote dist/SHA256SUMS"
