#!/usr/bin/env bash
# Times `ftpdiag explain` on a day of FileZilla's log file (issue 27,
# "Speed"): the real recordings of testdata/logs/filezilla-*.log repeated
# by bench/filezilladay (eight engines, two sessions at a time
# interleaved, a minute apart) at 32 MiB, 256 MiB and 1 GiB, for this
# tree's binary and for BASE's (default: where this branch left main), on
# the same files. Prints for each the median wall time, CPU time (user +
# system) and peak RSS of RUNS runs, MB/s by wall and by CPU time, and the
# ratio of the medians. Nothing is dialled.
#
#   bash bench/explain-stream.sh [runs] [base] [MiB ...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
base=${2:-$(git merge-base HEAD main)}
shift 2 || true
sizes=("${@:-32 256 1024}")
tmp=$(mktemp -d)
cleanup() {
	git worktree remove --force "$tmp/base" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/new" .
git worktree add --detach -q "$tmp/base" "$base"
(cd "$tmp/base" && go build -o "$tmp/old" .)
go build -o "$tmp/gen" ./bench/filezilladay

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure BIN LOG: prints the medians "wall cpu rss_MiB status".
measure() {
	: >"$tmp/times"
	for _ in $(seq "$runs"); do
		set +e
		/usr/bin/time -f '%e %U %S %M' -a -o "$tmp/times" "$1" explain "$2" >/dev/null 2>"$tmp/err"
		echo $? >"$tmp/status"
		set -e
	done
	grep -E '^[0-9.]+ ' "$tmp/times" >"$tmp/nums"
	echo "$(awk '{print $1}' "$tmp/nums" | median) $(awk '{print $2+$3}' "$tmp/nums" | median) $(awk '{print int($4/1024)}' "$tmp/nums" | median) $(cat "$tmp/status")"
}

printf '%-8s %-5s %8s %8s %9s %9s %8s %s\n' MiB tree wall_s cpu_s MB/s_wall MB/s_cpu rss_MiB status
for mib in ${sizes[*]}; do
	"$tmp/gen" -size $((mib << 20)) >"$tmp/day.log" 2>/dev/null
	mb=$(awk -v b="$(stat -c %s "$tmp/day.log")" 'BEGIN {printf "%.1f", b/1e6}')
	declare -A wall st
	for tree in old new; do
		read -r w c r s < <(measure "$tmp/$tree" "$tmp/day.log")
		wall[$tree]=$w st[$tree]=$s
		printf '%-8s %-5s %8s %8s %9s %9s %8s %s\n' "$mib" "$tree" "$w" "$c" \
			"$(awk -v m="$mb" -v t="$w" 'BEGIN {printf "%.1f", m/t}')" "$(awk -v m="$mb" -v t="$c" 'BEGIN {printf "%.1f", m/t}')" "$r" "$s"
	done
	if [ "${st[old]}" = 3 ]; then
		echo "$mib MiB: old refused the log (status 3: more than 32 MiB)"
	else
		echo "$mib MiB: old/new wall-time ratio $(awk -v a="${wall[old]}" -v b="${wall[new]}" 'BEGIN {printf "%.1f", a/b}')"
	fi
	rm -f "$tmp/day.log"
done
