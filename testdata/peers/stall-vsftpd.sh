#!/usr/bin/env bash
# Probes Debian's vsftpd whose passive data stops after 20000 bytes (a
# conntrack byte counter drops the rest), inside a network namespace with
# only a loopback interface, and prints the probe's JSON result. Issue 14:
# transfer.stalled is known at the stall timeout, and the verdict must come
# then, not after another session's reply timeout. Needs root, nft.
# Usage: bash testdata/peers/stall-vsftpd.sh FTPDIAG-BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers=$here
bin=$1
bash "$here/fetch.sh"
# shellcheck source=testdata/logs/lab-lib.sh
. "$here/../logs/lab-lib.sh"
lab_namespace ftpdiag-stall
mkdir -p "$work/pub" "$work/empty"
head -c 200000 /dev/zero >"$work/pub/big.bin"
# Passive data flows in the reply direction of the client's connection.
inns nft add table inet lab
inns nft add chain inet lab out '{ type filter hook output priority 0; }'
inns nft add rule inet lab out meta l4proto tcp ct original proto-dst 3000-3005 ct reply bytes '>' 20000 drop
start_vsftpd ""
inns timeout 90 "$bin" probe -f json --file big.bin ftp://127.0.0.1:2121/ || true
