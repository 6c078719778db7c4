#!/usr/bin/env bash
# Probes Debian's vsftpd whose passive data stops after 20000 bytes (a
# conntrack byte counter drops the rest), inside a network namespace with
# only a loopback interface, and prints the probe's JSON result. Issue 14:
# transfer.stalled is known at the stall timeout, and the verdict must come
# then, not after another session's reply timeout. Needs root, nft.
# Usage: bash testdata/peers/stall-vsftpd.sh FTPDIAG-BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
bash "$here/fetch.sh"
ns=ftpdiag-stall-$$
work=$(mktemp -d)
cleanup() {
	ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	sleep 0.3
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
inns() { ip netns exec "$ns" "$@"; }
inns ip link set lo up
mkdir -p "$work/pub" "$work/empty"
head -c 200000 /dev/zero >"$work/pub/big.bin"
cat >"$work/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=2121
anonymous_enable=YES
no_anon_password=YES
anon_root=$work/pub
ftp_username=daemon
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
background=NO
secure_chroot_dir=$work/empty
pasv_min_port=3000
pasv_max_port=3024
CONF
# Passive data flows in the reply direction of the client's connection.
inns nft add table inet lab
inns nft add chain inet lab out '{ type filter hook output priority 0; }'
inns nft add rule inet lab out meta l4proto tcp ct original proto-dst 3000-3024 ct reply bytes '>' 20000 drop
inns "$here/root/usr/sbin/vsftpd" "$work/vsftpd.conf" 2>/dev/null &
for _ in $(seq 50); do
	inns bash -c 'exec 3<>/dev/tcp/127.0.0.1/2121' 2>/dev/null && break
	sleep 0.1
done
inns timeout 90 "$bin" probe -f json --file big.bin ftp://127.0.0.1:2121/ || true
