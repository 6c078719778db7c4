#!/usr/bin/env bash
# Times `ftpdiag explain` and `ftpdiag report` on big inputs of the shapes
# issue 16 found quadratic (the same as internal/cli/bigio_test.go: "200: ok" lines, 227
# replies after one connect, a FileZilla session repeated), at 1, 2 and 4 MiB
# and at the input caps, and prints the median wall time, CPU time and peak
# RSS of several runs of the built binary. Loopback only: nothing is dialled.
#
#   bash bench/big.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ftpdiag" .

# gen SHAPE BYTES FILE writes SHAPE repeated to at most BYTES.
gen() {
	python3 - "$1" "$2" "$3" <<'PY'
import sys
shape, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head, body = {
    "seed-200": ("", "200: ok\n"),
    "curl-227": ("* Connected to ftp.example.net (198.18.0.1) port 21 (#0)\n< 220 ready\n",
                 "< 227 Entering Passive Mode (10,0,0,5,11,188)\n"),
    "filezilla": ("", open("testdata/logs/filezilla-pasv-private-timeout.log").read()),
}[shape]
n = (size - len(head)) // len(body)
open(out, "w").write(head + body * n)
PY
}

# measure LABEL CMD... runs CMD $runs times; prints medians of wall s, CPU s, peak RSS MB.
measure() {
	local label=$1
	shift
	for _ in $(seq "$runs"); do
		/usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$@" >/dev/null 2>&1 || true
		cat "$tmp/t"
	done | python3 -c '
import sys, statistics as st
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip() and not l.startswith("Command")]
wall = st.median(r[0] for r in rows); cpu = st.median(r[1] + r[2] for r in rows); rss = st.median(r[3] for r in rows) / 1024
print(f"%-32s wall %6.2f s  cpu %6.2f s  peak RSS %6.0f MB" % (sys.argv[1], wall, cpu, rss))' "$label"
}

for shape in seed-200 curl-227 filezilla; do
	for mib in 1 2 4 32; do
		gen "$shape" $((mib << 20)) "$tmp/$shape-$mib.log"
		measure "explain $shape ${mib}MiB" "$tmp/ftpdiag" explain --format text "$tmp/$shape-$mib.log"
	done
	# report: the JSON explain makes of a log, from 1 MiB up to the largest
	# under the 64 MiB cap.
	for mib in 1 2 4 32; do
		# the largest log whose JSON is under the cap, for the last size
		while :; do
			gen "$shape" $((mib << 20)) "$tmp/in.log"
			"$tmp/ftpdiag" explain --format json "$tmp/in.log" >"$tmp/r.json" || true
			[ "$(stat -c %s "$tmp/r.json")" -le $((64 << 20)) ] && break
			mib=$((mib * 3 / 4))
		done
		size=$(( $(stat -c %s "$tmp/r.json") >> 20 ))
		measure "report $shape (${size}MiB JSON)" "$tmp/ftpdiag" report --format text "$tmp/r.json"
	done
done
