#!/usr/bin/env bash
# Records the command-line clients Debian ships (inetutils ftp, tnftp, Python
# ftplib with debugging on) against Debian's vsftpd in the lab's failure
# cases, as users paste them (issue 27). Everything runs inside a network
# namespace of its own, holding only a loopback interface.
# Needs root (ip netns, nft). Usage: bash testdata/logs/clients-lab.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$here}" && pwd)
peers=$here/../peers
bash "$peers/fetch.sh"
ns=ftpdiag-clients-lab-$$
work=$(mktemp -d)
cleanup() {
	ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
inns() { ip netns exec "$ns" "$@"; }
inns ip link set lo up
mkdir -p "$work/pub" "$work/empty"
echo hello >"$work/pub/hello.txt"

cat >"$work/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=2121
anonymous_enable=YES
no_anon_password=YES
anon_root=$work/pub
ftp_username=daemon
local_enable=YES
pam_service_name=ftpdiag-lab-none
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
background=NO
secure_chroot_dir=$work/empty
pasv_min_port=3000
pasv_max_port=3005
CONF
inns "$peers/root/usr/sbin/vsftpd" "$work/vsftpd.conf" 2>/dev/null &
for _ in $(seq 50); do
	inns bash -c 'exec 3<>/dev/tcp/127.0.0.1/2121' 2>/dev/null && break
	sleep 0.1
done

# firewall ACTION: reject the passive range inside the namespace, or not.
firewall() {
	inns nft flush ruleset
	[ "$1" = none ] && return
	inns nft add table inet lab
	inns nft add chain inet lab input '{ type filter hook input priority 0; }'
	inns nft add rule inet lab input tcp dport 3000-3005 reject with tcp reset
}

# CLIENT USER PASS: a session that lists the directory, as a script drives it.
netkit() { printf 'user %s %s\nls\nquit\n' "$2" "$3" | inns timeout 20 "$1" -n -v -p 127.0.0.1 2121 2>&1 || true; }
netkitd() { printf 'user %s %s\nls\nquit\n' "$2" "$3" | inns timeout 20 "$1" -d -n -v -p 127.0.0.1 2121 2>&1 || true; }
ftplib() {
	inns timeout 20 python3 -c 'import ftplib, sys
f = ftplib.FTP()
f.set_debuglevel(2)
f.connect("127.0.0.1", 2121, timeout=5)
f.login(sys.argv[1], sys.argv[2])
f.retrlines("LIST")
f.quit()' "$1" "$2" 2>&1 || true
}

firewall none
netkit ftp anonymous guest >"$out/inetutils-ok-passive.log"
netkitd ftp anonymous guest >"$out/inetutils-d-ok-passive.log"
netkit tnftp anonymous guest >"$out/tnftp-ok-passive.log"
ftplib anonymous guest >"$out/ftplib-ok-passive.log"
netkit ftp john 'Tr0ub4dor&3' >"$out/inetutils-login-rejected.log"
ftplib john 'Tr0ub4dor&3' >"$out/ftplib-login-rejected.log"
firewall reject
netkit ftp anonymous guest >"$out/inetutils-pasv-refused.log"
netkitd ftp anonymous guest >"$out/inetutils-d-pasv-refused.log"
netkit tnftp anonymous guest >"$out/tnftp-pasv-refused.log"
ftplib anonymous guest >"$out/ftplib-pasv-refused.log"
firewall none
