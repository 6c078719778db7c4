#!/usr/bin/env bash
# FTPS side by side: ftpdiag serve, vsftpd and pure-ftpd (Debian's, from
# testdata/peers/fetch.sh), all with TLS on 127.0.0.1 high ports and the same
# ECDSA P-256 certificate, loaded by the same client (bench/loadgen), runs
# taking turns so the machine's load falls on all three alike.
#
#   1. sessions per second: AUTH TLS, login, PBSZ 0, PROT P, LIST, RETR of
#      the 43 KB demo-sized file, QUIT; every data connection a TLS handshake
#      resuming the control connection's session; [concurrent] at once;
#   2. RETR of a 1 GiB file over a protected data connection, in MB/s.
#
# vsftpd and ftpdiag take anonymous logins; pure-ftpd a virtual user (its
# anonymous login needs a system user "ftp"), and it delays every password
# check by seconds on purpose (LAB-NOTES), which caps its sessions/s.
# Each server refuses a data connection that does not resume the session
# (vsftpd require_ssl_reuse=YES, its default; ftpdiag's default).
# Needs root (vsftpd runs as root with its container settings).
#
#   bash bench/compare-ftps.sh [concurrent] [sessions-per-run] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
conc=${1:-200}
sessions=${2:-1000}
runs=${3:-5}
peers=testdata/peers/root/usr/sbin
[ -x "$peers/vsftpd" ] && [ -x "$peers/pure-ftpd" ] || bash testdata/peers/fetch.sh
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

go build -o "$tmp/loadgen" ./bench/loadgen
go build -o "$tmp/ftpdiag" .
mkdir -p "$tmp/root" "$tmp/empty"
head -c 43182 /dev/urandom > "$tmp/root/small"
truncate -s 1G "$tmp/root/big"
chmod 755 "$tmp/root" "$tmp/empty"
chmod 644 "$tmp/root/small" "$tmp/root/big"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
cat "$tmp/key.pem" "$tmp/cert.pem" > "$tmp/pure-ftpd.pem"

. "$(dirname "$0")/vsftpd-common.sh"
vport=$(freeport); pport=$(freeport); dport=$(freeport)
limit=$((conc * 2))

{
	vsftpd_conf "$vport" "$limit"
	cat <<CONF
tcp_wrappers=NO
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=YES
ssl_request_cert=NO
ssl_ciphers=HIGH
rsa_cert_file=$tmp/cert.pem
rsa_private_key_file=$tmp/key.pem
CONF
} > "$tmp/vsftpd.conf"
"$peers/vsftpd" "$tmp/vsftpd.conf" &
pids+=($!)

# pure-ftpd: one virtual user, hashed with SHA-512 crypt (pure-pw's default
# argon2id costs seconds of CPU per login); -Y 1: TLS accepted, not required.
hash=$(openssl passwd -6 -salt ftpdiagb secret)
echo "john:$hash:65534:65534::$tmp/root/./::::::::::::" > "$tmp/passwd"
testdata/peers/root/usr/bin/pure-pw mkdb "$tmp/pdb" -f "$tmp/passwd"
"$peers/pure-ftpd" -S "127.0.0.1,$pport" -H -E -A -l "puredb:$tmp/pdb" -p 44001:46000 \
  -c "$limit" -C "$limit" -Y 1 -2 "$tmp/pure-ftpd.pem" > "$tmp/pure-ftpd.log" 2>&1 &
pids+=($!)

"$tmp/ftpdiag" serve --listen "127.0.0.1:$dport" --anonymous --root "$tmp/root" \
  --max-connections "$limit" --max-per-address "$limit" --pasv-ports 46001-48000 \
  --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" >/dev/null &
pids+=($!)
for p in "$vport" "$pport" "$dport"; do
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done

targets=(-target "vsftpd=127.0.0.1:$vport" -target "pure-ftpd=john:secret@127.0.0.1:$pport" -target "ftpdiag=127.0.0.1:$dport")
echo "== FTPS sessions: $conc concurrent, $sessions sessions per run, median of $runs runs (turns taken)"
"$tmp/loadgen" -tls "${targets[@]}" -file small -c "$conc" -n "$sessions" -runs "$runs"
echo
echo "== FTPS RETR of 1 GiB over a protected data connection, median of $runs runs (turns taken)"
"$tmp/loadgen" -tls "${targets[@]}" -retr big -runs "$runs"
