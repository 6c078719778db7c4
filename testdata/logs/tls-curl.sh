#!/usr/bin/env bash
# Records the curl -v FTPS sample logs (curl-tls-*.log) in this directory:
# real curl against ftpdiag's reference server with a throw-away
# certificate, on 127.0.0.1 only. Usage: bash testdata/logs/tls-curl.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$here}" && pwd)
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
(cd "$here/../.." && go build -o "$work/ftpdiag" .)

# serve the reference server with TLS on 127.0.0.1:2121 (implicit on 2990).
serve() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	"$work/ftpdiag" serve --listen 127.0.0.1:2121 --pasv-ports 3000-3005 --user john:secret \
		--tls-self-signed --implicit-tls 127.0.0.1:2990 "$@" >"$work/serve.log" 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		bash -c 'exec 3<>/dev/tcp/127.0.0.1/2121' 2>/dev/null && return
		sleep 0.1
	done
	echo "tls-curl.sh: ftpdiag serve did not start" >&2
	exit 1
}

# record NAME URL CURL-FLAGS...: curl's stderr is the log.
record() {
	local name=$1 url=$2
	shift 2
	curl -v -sS --max-time 20 -o /dev/null "$@" "$url" 2>"$out/$name.log" || true
}

serve
record curl-tls-healthy ftp://john:secret@127.0.0.1:2121/ --ssl-reqd -k
record curl-tls-untrusted ftp://john:secret@127.0.0.1:2121/ --ssl-reqd
record curl-tls-no-session-reuse ftp://john:secret@127.0.0.1:2121/ --ssl-reqd -k --no-sessionid
record curl-tls-implicit ftps://john:secret@127.0.0.1:2990/ -k
record curl-tls-1.2 ftp://john:secret@127.0.0.1:2121/ --ssl-reqd -k --tls-max 1.2
