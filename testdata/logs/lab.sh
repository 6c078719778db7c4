#!/usr/bin/env bash
# Regenerates the real-tool sample logs (curl -v, lftp debug) in this
# directory by running Debian's vsftpd and the real clients in broken set-ups.
# Everything runs inside a network namespace of its own, holding only a
# loopback interface, so nothing can reach another host whatever a reply says.
# Needs root (ip netns, nft). Usage: bash testdata/logs/lab.sh [OUTDIR]
# (OUTDIR defaults to this directory; the tests pass a temporary one).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$here}" && pwd)
peers=$here/../peers
bash "$peers/fetch.sh"
# shellcheck source=testdata/logs/lab-lib.sh
. "$here/lab-lib.sh"
lab_namespace ftpdiag-explain-lab

mkdir -p "$work/pub" "$work/empty"
echo hello >"$work/pub/hello.txt"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# curl -v, bounded; its exit status is the point, so it is ignored.
# --connect-timeout covers FTP's login too: it must outlast the servers'
# delays on a login (vsftpd 1 s to 3 s on a failure, pure-ftpd 3.5 s and up
# to 10 s when it is busy).
curlv() { inns timeout 30 curl -v --connect-timeout 12 --max-time 25 "$@" 2>&1 >/dev/null || true; }
# lftp with debug output, bounded, without its minutes of retries.
lftpd() {
	inns timeout 25 lftp -c "debug -t 10; set net:timeout 3; set net:max-retries 2; \
set net:reconnect-interval-base 1; set net:reconnect-interval-max 1; $1" 2>&1 || true
}

start_vsftpd ""
firewall none
curlv -u 'john:Tr0ub4dor&3' ftp://127.0.0.1:2121/ >"$out/curl-login-rejected.log"
# What works, for the evidence rule: listings and a download seen to their end.
curlv --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-ok-passive.log"
curlv ftp://127.0.0.1:2121/hello.txt >"$out/curl-ok-epsv-retr.log"
curlv -P 127.0.0.1 ftp://127.0.0.1:2121/ >"$out/curl-ok-active.log"
lftpd 'set ftp:prefer-epsv no; open ftp://anonymous:guest@127.0.0.1:2121; ls; cat hello.txt' >"$out/lftp-ok-passive.log"
lftpd 'set ftp:passive-mode off; open ftp://anonymous:guest@127.0.0.1:2121; ls' >"$out/lftp-ok-active.log"
firewall reject
curlv --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-pasv-refused.log"
lftpd 'set ftp:passive-mode on; set ftp:prefer-epsv no; open ftp://anonymous:guest@127.0.0.1:2121; ls' >"$out/lftp-pasv-refused.log"
firewall drop
curlv --connect-timeout 3 --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-pasv-timeout.log"
lftpd 'set ftp:passive-mode on; set ftp:prefer-epsv no; set net:max-retries 1; open ftp://anonymous:guest@127.0.0.1:2121; ls' >"$out/lftp-pasv-timeout.log"
firewall none
curlv --ftp-port 127.0.0.2 ftp://127.0.0.1:2121/ >"$out/curl-port-illegal.log"
lftpd 'set net:timeout 8; set ftp:passive-mode off; open -u john,Tr0ub4dor\&3 ftp://127.0.0.1:2121; ls' >"$out/lftp-login-rejected.log"
stop_server

# Port 20 taken by another process: vsftpd (connect_from_port_20=YES)
# cannot bind it for active connections and answers LIST with "500 OOPS:
# vsf_sysutil_bind"; passive mode works on the same server.
inns python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 20)); s.listen(1); time.sleep(60)' &
port20=$!
for _ in $(seq 50); do
	inns ss -Hltn 'sport = :20' | grep -q . && break
	sleep 0.1
done
start_vsftpd "connect_from_port_20=YES"
curlv -P 127.0.0.1 ftp://127.0.0.1:2121/ >"$out/curl-active-oops.log"
lftpd 'set ftp:passive-mode off; open ftp://anonymous:guest@127.0.0.1:2121; ls' >"$out/lftp-active-oops.log"
curlv --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-active-oops-passive-ok.log"
stop_server
kill "$port20" 2>/dev/null || true

# vsftpd failing at the greeting: its ftp_username names no user, and it
# answers every connection with "500 OOPS: vsftpd: cannot locate user
# specified in 'ftp_username'" instead of 220 (issue 20).
start_vsftpd "ftp_username=ftpdiag-no-such-user"
curlv ftp://127.0.0.1:2121/ >"$out/curl-greeting-oops.log"
lftpd 'set net:max-retries 1; open ftp://127.0.0.1:2121; ls' >"$out/lftp-greeting-oops.log"
stop_server

# A data connection that opens and then carries nothing: past 20000 bytes
# the server's passive data is dropped (it flows in the reply direction),
# and the download of a large file stalls after the server's 150 (issue 20).
head -c 200000 /dev/zero >"$work/pub/big.bin"
start_vsftpd ""
inns nft add table inet stall
inns nft add chain inet stall out '{ type filter hook output priority 0; }'
inns nft add rule inet stall out meta l4proto tcp ct original proto-dst 3000-3005 ct reply bytes '>' 20000 drop
curlv --speed-time 5 --speed-limit 1 --disable-epsv ftp://127.0.0.1:2121/big.bin >"$out/curl-retr-stalled.log"
lftpd 'set net:timeout 5; set ftp:prefer-epsv no; open ftp://anonymous:guest@127.0.0.1:2121; cat big.bin' >"$out/lftp-retr-stalled.log"
inns nft delete table inet stall
stop_server
rm -f "$work/pub/big.bin"

# lftp below debug level 9 writes no "Connecting data socket" lines: the
# listing and download show only in the replies (issue 20).
start_vsftpd ""
inns timeout 25 lftp -c "debug -t 5; set ftp:prefer-epsv no; open ftp://anonymous:guest@127.0.0.1:2121; ls; cat hello.txt" >"$out/lftp-ok-debug5.log" 2>&1 || true
stop_server

# An SSH server's banner where FTP was expected (a fake: one line, then close).
inns python3 -c 'import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2121)); s.listen(4); s.settimeout(20)
for _ in range(4):
    c, _ = s.accept(); c.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n"); c.close()' &
srv=$!
wait_listen "the SSH banner"
curlv ftp://127.0.0.1:2121/ >"$out/curl-ssh-banner.log"
lftpd 'set net:max-retries 1; open ftp://127.0.0.1:2121; ls' >"$out/lftp-ssh-banner.log"
stop_server

start_vsftpd "ssl_enable=YES
force_local_logins_ssl=YES
force_local_data_ssl=YES
require_ssl_reuse=YES
allow_anon_ssl=YES"
curlv -u 'john:Tr0ub4dor&3' ftp://127.0.0.1:2121/ >"$out/curl-tls-required.log"
lftpd 'set ssl:verify-certificate no; set ftp:ssl-force yes; set ftp:ssl-protect-data yes; open ftp://anonymous:guest@127.0.0.1:2121; ls' >"$out/lftp-tls-ok.log"
curlv --ssl-reqd -k --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-tls-ok-passive.log"
stop_server
# Encrypted data connections required of anonymous users too: a client that
# protects only the login (curl --ftp-ssl-control) meets "522 Data
# connections must be encrypted." (lftp with ftp:ssl-force sends PROT P
# whatever ftp:ssl-protect-data says: measured, so it is not recorded.)
start_vsftpd "ssl_enable=YES
allow_anon_ssl=YES
force_anon_data_ssl=YES"
curlv --ftp-ssl-control -k --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-tls-data-required.log"
stop_server
# pure-ftpd with one virtual user (a puredb compiled by pure-pw, mapped to the system user
# daemon), on the same address and ports; $1 adds options.
start_pureftpd() {
	if [ ! -s "$work/pdb" ]; then
		# A SHA-512 crypt hash, not pure-pw's argon2id: argon2id costs
		# seconds of CPU a login on a loaded machine, enough to push curl
		# past its connect timeout, which covers the FTP login too.
		hash=$(openssl passwd -6 'Tr0ub4dor&3')
		printf 'john:%s:%s:%s::%s/./::::::::::::\n' "$hash" "$(id -u daemon)" "$(id -g daemon)" "$work/pub" >"$work/passwd"
		"$peers/root/usr/bin/pure-pw" mkdb "$work/pdb" -f "$work/passwd"
	fi
	# shellcheck disable=SC2086
	inns "$peers/root/usr/sbin/pure-ftpd" -l "puredb:$work/pdb" -S 127.0.0.1,2121 -p 3000:3005 \
		-H -E -A -u 1 $1 2>/dev/null &
	srv=$!
	wait_listen pure-ftpd
}

start_pureftpd ""
firewall none
curlv -u 'john:Tr0ub4dor&3' --ftp-port 127.0.0.2 ftp://127.0.0.1:2121/ >"$out/curl-port-wont-open.log"
stop_server
# Behind NAT without its public address: the server advertises a private
# one (10.0.0.5, which exists nowhere: curl ignores it and dials the control
# address), and its passive ports are dropped.
start_pureftpd "-P 10.0.0.5"
firewall drop
curlv -u 'john:Tr0ub4dor&3' --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-pasv-private-timeout.log"
# The same NAT case with the passive ports rejected, through lftp, which
# dials the control address instead of 10.0.0.5 (ftp:fix-pasv-address),
# and through curl for the same evidence (issue 20).
firewall reject
curlv -u 'john:Tr0ub4dor&3' --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-pasv-private-refused.log"
lftpd 'set ftp:passive-mode on; set ftp:prefer-epsv no; set net:max-retries 1; open -u john,Tr0ub4dor\&3 ftp://127.0.0.1:2121; ls' >"$out/lftp-pasv-private-refused.log"
firewall none
stop_server
# ftpdiag's own reference server, advertising 127.0.0.9 in its PASV
# replies while it is reached at 127.0.0.1: lftp corrects the address (it
# does so even with ftp:fix-pasv-address off), and the listing works.
if (cd "$here/../.." && go build -o "$work/ftpdiag" .); then
	inns "$work/ftpdiag" serve --listen 127.0.0.1:2121 --pasv-ports 3000-3005 \
		--pasv-address 127.0.0.9 --anonymous >/dev/null 2>&1 &
	srv=$!
	wait_listen "ftpdiag serve"
	lftpd 'set ftp:prefer-epsv no; open ftp://127.0.0.1:2121; ls' >"$out/lftp-pasv-fixed.log"
	stop_server
	inns "$work/ftpdiag" serve --listen 127.0.0.1:2121 --pasv-ports 3000-3005 --anonymous >/dev/null 2>&1 &
	srv=$!
	wait_listen "ftpdiag serve"
	curlv --disable-epsv ftp://127.0.0.1:2121/test >"$out/curl-serve-ok-retr.log"
	curlv -P 127.0.0.1 ftp://127.0.0.1:2121/ >"$out/curl-serve-ok-active.log"
	lftpd 'open ftp://127.0.0.1:2121; ls; cat README.txt' >"$out/lftp-serve-ok.log"
	firewall reject
	curlv --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-serve-pasv-refused.log"
	firewall none
	stop_server
	# The reference server's FTPS: explicit (AUTH TLS) and implicit (port
	# 9990), with a throw-away certificate, then with plain text refused.
	inns "$work/ftpdiag" serve --listen 127.0.0.1:2121 --pasv-ports 3000-3005 --anonymous \
		--tls-self-signed --implicit-tls 127.0.0.1:9990 >/dev/null 2>&1 &
	srv=$!
	wait_listen "ftpdiag serve --tls-self-signed"
	curlv --ssl-reqd -k --disable-epsv ftp://127.0.0.1:2121/test >"$out/curl-serve-tls-ok.log"
	curlv -k ftps://127.0.0.1:9990/ >"$out/curl-serve-implicit-ok.log"
	lftpd 'set ssl:verify-certificate no; set ftp:ssl-force yes; set ftp:ssl-protect-data yes; open ftp://127.0.0.1:2121; ls' >"$out/lftp-serve-tls-ok.log"
	firewall reject
	curlv --ssl-reqd -k --disable-epsv ftp://127.0.0.1:2121/ >"$out/curl-serve-tls-pasv-refused.log"
	lftpd 'set ssl:verify-certificate no; set ftp:ssl-force yes; set ftp:passive-mode on; set ftp:prefer-epsv no; open ftp://127.0.0.1:2121; ls' >"$out/lftp-serve-tls-pasv-refused.log"
	firewall none
	stop_server
	inns "$work/ftpdiag" serve --listen 127.0.0.1:2121 --pasv-ports 3000-3005 --user 'john:Tr0ub4dor&3' \
		--tls-self-signed --require-tls >/dev/null 2>&1 &
	srv=$!
	wait_listen "ftpdiag serve --require-tls"
	curlv -u 'john:Tr0ub4dor&3' ftp://127.0.0.1:2121/ >"$out/curl-serve-tls-required.log"
	lftpd 'set ftp:ssl-allow no; open -u john,Tr0ub4dor\&3 ftp://127.0.0.1:2121; ls' >"$out/lftp-serve-tls-required.log"
	stop_server
else
	echo "lab.sh: ftpdiag does not build; its samples are not made" >&2
fi
echo "lab.sh: logs written to $out"
