#!/usr/bin/env bash
# Times `ftpdiag explain` on big vsftpd logs (issue 23): the real sessions
# of testdata/serverlogs/vsftpd-*.log repeated (bench/serverlog writes
# them: own process ids, one second per group of 4 interleaved sessions,
# 5000 client addresses), at 20,000 and 100,000 sessions and at about
# 1 GiB, and prints for each the median wall time, CPU time and peak RSS
# of several runs. Memory should stay flat: explain holds the sessions
# still open (at most 10 minutes of log time) and one tally per client
# address and code, not the sessions it has read. Nothing is dialled.
#
#   bash bench/serverlog.sh [runs] [sessions ...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
sizes=("${@:-20000 100000 690000}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ftpdiag" .
go build -o "$tmp/gen" ./bench/serverlog

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-10s %-10s %-10s %-10s %-10s %-12s\n' sessions MiB wall_s cpu_s maxrss_MiB MiB/s
for n in ${sizes[*]}; do
	"$tmp/gen" -sessions "$n" >"$tmp/big.log"
	mib=$(($(stat -c %s "$tmp/big.log") >> 20))
	: >"$tmp/times"
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%e %U %S %M' -a -o "$tmp/times" "$tmp/ftpdiag" explain "$tmp/big.log" >/dev/null || true
	done
	# time -a also writes "Command exited with non-zero status 2" (explain's
	# critical verdict): only the lines of numbers count.
	grep -E '^[0-9.]+ ' "$tmp/times" >"$tmp/nums"
	wall=$(awk '{print $1}' "$tmp/nums" | median)
	cpu=$(awk '{print $2+$3}' "$tmp/nums" | median)
	rss=$(awk '{print int($4/1024)}' "$tmp/nums" | median)
	printf '%-10s %-10s %-10s %-10s %-10s %-12s\n' "$n" "$mib" "$wall" "$cpu" "$rss" "$(awk -v m="$mib" -v w="$wall" 'BEGIN {printf "%.1f", m/w}')"
	rm -f "$tmp/big.log"
done
