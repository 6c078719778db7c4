#!/usr/bin/env bash
# Records the command-line clients Debian ships (inetutils ftp, tnftp, ncftp,
# wget -d, lftp at debug levels 3, 5 and 9, Python ftplib with debugging on, and
# the cases of curl -v that lab.sh does not record)
# against Debian's vsftpd in the lab's failure cases, as users paste them
# (issue 27). Everything runs inside a network namespace of its own, holding
# only a loopback interface: nothing can reach another host whatever a reply
# says.
# Needs root (ip netns, nft), expect and the clients (apt-get install
# inetutils-ftp tnftp ncftp lftp curl wget expect); the tests read the
# recordings and need none of them.
# Usage: bash testdata/logs/clients-lab.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$here}" && pwd)
peers=$here/../peers
bash "$peers/fetch.sh"
# shellcheck source=testdata/logs/lab-lib.sh
. "$here/lab-lib.sh"
lab_namespace ftpdiag-clients-lab
# inetutils ftp and tnftp have no connect timeout of their own: three SYN
# retries make a dropped connection fail after about 15 s.
inns sysctl -qw net.ipv4.tcp_syn_retries=3
mkdir -p "$work/pub" "$work/empty" "$work/home" "$work/ncftp"
echo hello >"$work/pub/hello.txt"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# CLIENT MODE USER PASS [PORT]: a session that lists the directory, as a
# script drives it; MODE is -p (passive) or -A (active, PORT). CLIENT is
# inetutils-ftp or tnftp by its own name: /usr/bin/ftp is whichever of the
# two Debian's alternatives rank higher (tnftp, when both are installed).
netkit() {
	# shellcheck disable=SC2086
	printf 'user %s %s\nls\nquit\n' "$3" "$4" | inns timeout 40 "$1" -n -v $2 127.0.0.1 "${5:-2121}" 2>&1 || true
}
netkitd() {
	# shellcheck disable=SC2086
	printf 'user %s %s\nls\nquit\n' "$3" "$4" | inns timeout 40 "$1" -d -n -v $2 127.0.0.1 "${5:-2121}" 2>&1 || true
}
# ftplib PASSIVE USER PASS [PORT]: ftplib at debug level 2, LIST.
ftplib() {
	inns timeout 30 python3 -c 'import ftplib, sys
f = ftplib.FTP()
f.set_debuglevel(2)
f.connect("127.0.0.1", int(sys.argv[4]), timeout=10)
f.set_pasv(sys.argv[1] == "passive")
f.login(sys.argv[2], sys.argv[3])
f.retrlines("LIST")
f.quit()' "$1" "$2" "$3" "${4:-2121}" 2>&1 || true
}
# ncftp PASSIVE USER PASS [PORT]: the interactive ncftp, driven as on a
# terminal, with its debug output on before it connects ("passive on" or
# "passive off"), its settings kept in NCFTPDIR, not in root's home.
cat >"$work/ncftp.exp" <<'EXP'
lassign $argv passive user pass port
set timeout 100
spawn ncftp
expect "ncftp> "
foreach cmd [list "set connect-timeout 8" "set control-timeout 20" "set xfer-timeout 10" "set passive $passive" debug] {
	send "$cmd\r"
	expect "ncftp> "
}
if {$user eq "anonymous"} {
	send "open -P $port 127.0.0.1\r"
} else {
	send "open -u $user -p $pass -P $port 127.0.0.1\r"
}
expect -re {ncftp[^\n]*> $}
send "ls\r"
expect -re {ncftp[^\n]*> $}
send "quit\r"
expect eof
EXP
ncftp() {
	inns env HOME="$work/home" NCFTPDIR="$work/ncftp" TERM=dumb timeout 120 expect -f "$work/ncftp.exp" "$1" "$2" "$3" "${4:-2121}" 2>&1 || true
}
# wget -d MODE URL: wget's debug output (its FTP dialogue), one try.
wgetd() {
	# shellcheck disable=SC2086
	inns env HOME="$work/home" timeout 40 wget -d --tries=1 --timeout=8 --no-hsts $1 -O /dev/null "$2" 2>&1 || true
}
# curl -v, bounded (as lab.sh runs it).
curlv() { inns timeout 40 curl -v --connect-timeout 12 --max-time 30 "$@" 2>&1 >/dev/null || true; }
# lftpd LEVEL COMMANDS: lftp at a debug level, bounded, without its minutes
# of retries.
lftpd() {
	inns timeout 40 lftp -c "debug -t $1; set net:timeout 3; set net:max-retries 2; \
set net:reconnect-interval-base 1; set net:reconnect-interval-max 1; $2" 2>&1 || true
}

start_vsftpd ""
firewall none
netkit inetutils-ftp -p anonymous guest >"$out/inetutils-ok-passive.log"
netkitd inetutils-ftp -p anonymous guest >"$out/inetutils-d-ok-passive.log"
netkit tnftp -p anonymous guest >"$out/tnftp-ok-passive.log"
ftplib passive anonymous guest >"$out/ftplib-ok-passive.log"
ncftp on anonymous guest >"$out/ncftp-ok.log"
wgetd "" ftp://127.0.0.1:2121/hello.txt >"$out/wget-ok.log"
for lvl in 3 5 9; do lftpd "$lvl" 'set ftp:prefer-epsv no; open ftp://anonymous:guest@127.0.0.1:2121; ls; cat hello.txt' >"$out/lftp-debug$lvl-ok.log"; done
netkit inetutils-ftp -p john 'Tr0ub4dor&3' >"$out/inetutils-login-rejected.log"
netkit tnftp -p john 'Tr0ub4dor&3' >"$out/tnftp-login-rejected.log"
ftplib passive john 'Tr0ub4dor&3' >"$out/ftplib-login-rejected.log"
ncftp on john 'Tr0ub4dor&3' >"$out/ncftp-login-rejected.log"
wgetd "" 'ftp://john:Tr0ub4dor&3@127.0.0.1:2121/hello.txt' >"$out/wget-login-rejected.log"
# lftp's net:timeout past vsftpd's delay of a failed login (1 to 3 s).
for lvl in 3 5 9; do lftpd "$lvl" 'set net:timeout 8; set ftp:prefer-epsv no; open -u john,Tr0ub4dor\&3 ftp://127.0.0.1:2121; ls' >"$out/lftp-debug$lvl-login-rejected.log"; done

firewall reject
netkit inetutils-ftp -p anonymous guest >"$out/inetutils-pasv-refused.log"
netkitd inetutils-ftp -p anonymous guest >"$out/inetutils-d-pasv-refused.log"
netkit tnftp -p anonymous guest >"$out/tnftp-pasv-refused.log"
ftplib passive anonymous guest >"$out/ftplib-pasv-refused.log"
ncftp on anonymous guest >"$out/ncftp-pasv-refused.log"
wgetd "" ftp://127.0.0.1:2121/hello.txt >"$out/wget-pasv-refused.log"
for lvl in 3 5 9; do lftpd "$lvl" 'set ftp:passive-mode on; set ftp:prefer-epsv no; set net:max-retries 1; open ftp://anonymous:guest@127.0.0.1:2121; ls' >"$out/lftp-debug$lvl-pasv-refused.log"; done

firewall drop
# lftp's net:timeout above the SYN retries' 15 s, as its default (300 s)
# is: it reports the data socket's own error, not its inactivity timeout.
netkit inetutils-ftp -p anonymous guest >"$out/inetutils-pasv-timeout.log"
netkit tnftp -p anonymous guest >"$out/tnftp-pasv-timeout.log"
ftplib passive anonymous guest >"$out/ftplib-pasv-timeout.log"
ncftp on anonymous guest >"$out/ncftp-pasv-timeout.log"
wgetd "" ftp://127.0.0.1:2121/hello.txt >"$out/wget-pasv-timeout.log"
for lvl in 3 5 9; do lftpd "$lvl" 'set net:timeout 30; set ftp:passive-mode on; set ftp:prefer-epsv no; set net:max-retries 1; open ftp://anonymous:guest@127.0.0.1:2121; ls' >"$out/lftp-debug$lvl-pasv-timeout.log"; done
firewall none
stop_server

# Active mode behind a client-side firewall: vsftpd accepts PORT and its
# connection back is dropped (it gives up after connect_timeout).
start_vsftpd "connect_timeout=5"
firewall callback
netkitd inetutils-ftp -A anonymous guest >"$out/inetutils-d-active-no-callback.log"
ftplib active anonymous guest >"$out/ftplib-active-no-callback.log"
ncftp off anonymous guest >"$out/ncftp-active-no-callback.log"
wgetd --no-passive-ftp ftp://127.0.0.1:2121/hello.txt >"$out/wget-active-no-callback.log"
curlv -P 127.0.0.1 ftp://127.0.0.1:2121/ >"$out/curl-active-no-callback.log"
firewall none
stop_server

# Active mode turned off on the server (port_enable=NO): PORT refused.
start_vsftpd "port_enable=NO"
netkitd inetutils-ftp -A anonymous guest >"$out/inetutils-d-port-refused.log"
netkitd tnftp -A anonymous guest >"$out/tnftp-d-port-refused.log"
ftplib active anonymous guest >"$out/ftplib-port-refused.log"
ncftp off anonymous guest >"$out/ncftp-port-refused.log"
wgetd --no-passive-ftp ftp://127.0.0.1:2121/hello.txt >"$out/wget-port-refused.log"
stop_server

# Plain-text logins refused: the user must log in over TLS.
start_vsftpd "ssl_enable=YES
force_local_logins_ssl=YES
force_local_data_ssl=YES"
netkit inetutils-ftp -p john 'Tr0ub4dor&3' >"$out/inetutils-tls-required.log"
ftplib passive john 'Tr0ub4dor&3' >"$out/ftplib-tls-required.log"
ncftp on john 'Tr0ub4dor&3' >"$out/ncftp-tls-required.log"
wgetd "" 'ftp://john:Tr0ub4dor&3@127.0.0.1:2121/hello.txt' >"$out/wget-tls-required.log"
stop_server

# An SSH server's banner where FTP was expected (a fake: one line, then close).
inns python3 -c 'import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2121)); s.listen(8); s.settimeout(60)
while True:
    c, _ = s.accept(); c.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n"); c.close()' &
srv=$!
wait_listen "the SSH banner"
netkit inetutils-ftp -p anonymous guest >"$out/inetutils-ssh-banner.log"
ncftp on anonymous guest >"$out/ncftp-ssh-banner.log"
wgetd "" ftp://127.0.0.1:2121/hello.txt >"$out/wget-ssh-banner.log"
stop_server

# Nothing listens on port 21: the connection is refused.
netkit inetutils-ftp -p anonymous guest 21 >"$out/inetutils-conn-refused.log"
netkit tnftp -p anonymous guest 21 >"$out/tnftp-conn-refused.log"
ncftp on anonymous guest 21 >"$out/ncftp-conn-refused.log"
wgetd "" ftp://127.0.0.1/hello.txt >"$out/wget-conn-refused.log"
curlv ftp://127.0.0.1/ >"$out/curl-conn-refused.log"
for lvl in 3 5 9; do lftpd "$lvl" 'set net:max-retries 1; open ftp://anonymous:guest@127.0.0.1; ls' >"$out/lftp-debug$lvl-conn-refused.log"; done
echo "clients-lab.sh: logs written to $out"
