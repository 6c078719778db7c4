#!/usr/bin/env bash
# Replays the attacks of issue 16 against a fresh build of `ftpdiag serve`
# on 127.0.0.1 and prints what curl got during each (bench/attackload).
# Nine attacks of DURATION each (default 10s, at most 1m): about ten times
# DURATION in all. Loopback only; needs curl.
#
#   bash bench/attackload.sh [duration] [only-attacks-matching]
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s}
only=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ftpdiag" .
go build -o "$tmp/attackload" ./bench/attackload
"$tmp/attackload" -bin "$tmp/ftpdiag" -duration "$dur" -only "$only"
