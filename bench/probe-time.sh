#!/usr/bin/env bash
# How long `ftpdiag probe`, with its default timeouts, takes against the
# hostile servers of bench/hostileftp (issue 30, "Bounded in time"), on
# 127.0.0.1 only.
#
#     bash bench/probe-time.sh [FTPDIAG_BINARY] [CAP_SECONDS] [MODES...]
#
# Prints one line per mode: the seconds the probe ran (or "cap" when it was
# still running at CAP_SECONDS, default 330, and was stopped) and its verdict
# line. Modes: greet120 dripbyte dripline (all by default).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-}
cap=${2:-330}
shift 2 2>/dev/null || shift $#
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(greet120 dripbyte dripline)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
	bin=$work/ftpdiag
	(cd "$here/.." && go build -o "$bin" .)
fi
for mode in "${modes[@]}"; do
	rm -f "$work/port"
	python3 "$here/hostileftp/hostileftp.py" "$work/port" "$mode" &
	server=$!
	for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
	start=$(date +%s.%N)
	set +e
	NO_COLOR=1 timeout "$cap" "$bin" probe "ftp://127.0.0.1:$(cat "$work/port")/" >"$work/out" 2>&1
	status=$?
	set -e
	took=$(echo "$(date +%s.%N) - $start" | bc)
	[ $status -eq 124 ] && took="cap ($cap)"
	printf '%-9s %8s s  exit %d  %s\n' "$mode" "$took" "$status" "$(grep -m1 '^Verdict' "$work/out" || echo '(no verdict)')"
	kill $server 2>/dev/null || true
	wait $server 2>/dev/null || true
done
