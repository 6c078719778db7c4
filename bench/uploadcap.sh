#!/usr/bin/env bash
# Uploads past serve's limits on disk (issue 30) with curl, against one or
# more ftpdiag binaries, and prints what each stored. Loopback only; needs
# curl. Writes at most SIZE (default 1024 MiB) a run into a temporary root.
#
#   FTPDIAG_UPLOAD_MAX_FILE=256MiB FTPDIAG_UPLOAD_MAX_SESSION=512MiB \
#     bash bench/uploadcap.sh BINARY[,BINARY...] [SIZE_MIB]
#
# Limits go through the environment, so a build from before them (which
# ignores those variables) is measured the same way.
#
# Each binary gets a fresh `serve --writable`; curl uploads SIZE MiB from
# /dev/zero once, then three files of SIZE/4 MiB in one session. The line
# per binary: curl's exit status, the reply curl saw last, the bytes stored.
set -euo pipefail
bins=${1:?give the ftpdiag binaries, comma-separated}
mib=${2:-1024}
port=$(( 20000 + RANDOM % 20000 ))
for bin in ${bins//,/ }; do
	root=$(mktemp -d)
	"$bin" serve --listen "127.0.0.1:$port" --user john:S3cr3tPW --writable --root "$root" \
		--pasv-ports "$((port + 1))-$((port + 25))" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do curl -s -o /dev/null "ftp://john:S3cr3tPW@127.0.0.1:$port/" && break; sleep 0.1; done
	url="ftp://john:S3cr3tPW@127.0.0.1:$port"
	start=$(date +%s.%N)
	set +e
	head -c "$((mib << 20))" /dev/zero | curl -sS --max-time 120 -T - "$url/one" 2>"$root.err"
	one=$?
	quarter=$((mib / 4))
	head -c "$((quarter << 20))" /dev/zero >"$root.q"
	curl -sS --max-time 120 -T "$root.q" "$url/a" -T "$root.q" "$url/b" -T "$root.q" "$url/c" 2>>"$root.err"
	three=$?
	set -e
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	stored=$(du -sb --exclude='.ftpdiag-upload-*' "$root" | cut -f1)
	printf '%s: one %d MiB upload: curl %d; three of %d MiB: curl %d; stored %d MiB in %.1fs; %s\n' \
		"$bin" "$mib" "$one" "$quarter" "$three" "$((stored >> 20))" "$secs" "$(tr '\n' ' ' <"$root.err" | cut -c1-160)"
	kill "$pid"; wait "$pid" 2>/dev/null || true
	rm -rf "$root" "$root.err" "$root.q"
done
