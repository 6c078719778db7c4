#!/usr/bin/env bash
# Runs the same session load (bench/loadgen: login, LIST, RETR of a small
# file, QUIT) against vsftpd and against ftpdiag serve, both on 127.0.0.1
# high ports, and prints the medians of several runs side by side.
# Needs root (vsftpd runs as root with its container settings, LAB-NOTES).
# Anonymous logins run as the user "daemon", whose home exists (vsftpd
# changes into it before anon_root; nobody's home /nonexistent fails).
#
#   bash bench/compare-vsftpd.sh [concurrent] [sessions-per-run] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
conc=${1:-200}
sessions=${2:-1000}
runs=${3:-5}
vsftpd=testdata/peers/root/usr/sbin/vsftpd
[ -x "$vsftpd" ] || bash testdata/peers/fetch.sh
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

go build -o "$tmp/loadgen" ./bench/loadgen
go build -o "$tmp/ftpdiag" .
mkdir -p "$tmp/root" "$tmp/empty"
echo "a small file for the session benchmark" > "$tmp/root/small"
chmod 755 "$tmp/root" && chmod 755 "$tmp/empty"

# A free port on 127.0.0.1, and a free passive range above it.
. "$(dirname "$0")/vsftpd-common.sh"
vport=$(freeport); dport=$(freeport)
limit=$((conc * 2))

vsftpd_conf "$vport" "$limit" > "$tmp/vsftpd.conf"
"$vsftpd" "$tmp/vsftpd.conf" &
pids+=($!)
"$tmp/ftpdiag" serve --listen "127.0.0.1:$dport" --anonymous --root "$tmp/root" \
  --max-connections "$limit" --max-per-address "$limit" --pasv-ports 44001-46000 >/dev/null &
pids+=($!)
for p in "$vport" "$dport"; do
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done

echo "session load: $conc concurrent, $sessions sessions per run, median of $runs runs"
"$tmp/loadgen" -target "vsftpd=127.0.0.1:$vport" -target "ftpdiag=127.0.0.1:$dport" -file small -c "$conc" -n "$sessions" -runs "$runs"
