#!/usr/bin/env bash
# Builds ftpdiag's release archives for the platforms its users run, with
# the version stamped in, into dist/, and writes dist/SHA256SUMS. Each
# archive holds the binary with README.md, LICENSE, the man page and the
# bash, zsh and fish completions beside it; the script checks that every
# archive does before it writes the checksums.
#
#   scripts/release.sh 0.2.0
#
# The binaries are static (CGO_ENABLED=0) and reproducible: -trimpath drops
# the build machine's paths, and the version comes from the argument. The
# man page and completions are printed by the binary itself (ftpdiag man,
# ftpdiag completion SHELL), from the commands' definitions.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ] || [[ ! "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
	echo "usage: scripts/release.sh VERSION (such as 0.2.0)" >&2
	exit 2
fi
version=$1
platforms="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
ldflags="-s -w -X ftpdiag/internal/cli.version=$version"

# What every archive carries beside the binary.
extras="README.md LICENSE ftpdiag.1 completions/ftpdiag.bash completions/_ftpdiag completions/ftpdiag.fish"

# dist/ also holds the systemd units and the Dockerfile, kept in git: only
# the release files (named with the version, which starts with a digit) go.
rm -rf dist/ftpdiag-[0-9]* dist/SHA256SUMS dist/.docs
mkdir -p dist/.docs/completions
# The documents, printed by a binary for this machine.
go build -trimpath -ldflags "$ldflags" -o dist/.docs/ftpdiag .
dist/.docs/ftpdiag man >dist/.docs/ftpdiag.1
dist/.docs/ftpdiag completion bash >dist/.docs/completions/ftpdiag.bash
dist/.docs/ftpdiag completion zsh >dist/.docs/completions/_ftpdiag
dist/.docs/ftpdiag completion fish >dist/.docs/completions/ftpdiag.fish
cp README.md LICENSE dist/.docs/

for p in $platforms; do
	goos=${p%/*} goarch=${p#*/}
	name=ftpdiag-$version-$goos-$goarch
	bin=ftpdiag
	[ "$goos" = windows ] && bin=ftpdiag.exe
	mkdir -p "dist/$name"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -ldflags "$ldflags" -o "dist/$name/$bin" .
	(cd dist/.docs && cp --parents $extras "../$name/")
	if [ "$goos" = windows ]; then
		(cd dist && zip -qr "$name.zip" "$name")
		archive=$name.zip
		listing=$(cd dist && unzip -Z1 "$archive")
	else
		tar -C dist --owner=0 --group=0 --sort=name -czf "dist/$name.tar.gz" "$name"
		archive=$name.tar.gz
		listing=$(tar -tzf "dist/$archive")
	fi
	for f in $bin $extras; do
		if ! grep -qx "$name/$f" <<<"$listing"; then
			echo "release.sh: dist/$archive lacks $f" >&2
			exit 1
		fi
	done
	rm -rf "dist/$name"
	echo "built dist/$archive"
done
rm -rf dist/.docs
(cd dist && sha256sum ftpdiag-"$version"-* >SHA256SUMS)
echo "wrote dist/SHA256SUMS"
