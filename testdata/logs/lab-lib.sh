# Sourced by lab.sh, clients-lab.sh and filezilla-lab.sh: their network
# namespace, its servers and its firewall, written once. The script sets
# peers (testdata/peers) and calls lab_namespace first; every server
# listens on 127.0.0.1:2121 inside the namespace, its passive range
# 3000-3005.

inns() { ip netns exec "$ns" "$@"; }

# lab_namespace NAME: the network namespace NAME-PID (ns), holding only a
# loopback interface, so that nothing can reach another host whatever a
# reply says, and the scratch directory work; both go when the script ends.
lab_namespace() {
	ns=$1-$$
	work=$(mktemp -d)
	trap lab_cleanup EXIT
	ip netns add "$ns"
	inns ip link set lo up
}

lab_cleanup() {
	ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	sleep 0.3 # the killed processes leave before their namespace goes
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}

# wait_listen NAME waits up to 5 s for a server on 127.0.0.1:2121 in the
# namespace, and gives up on the whole run if it never listens.
wait_listen() {
	for _ in $(seq 50); do
		inns bash -c 'exec 3<>/dev/tcp/127.0.0.1/2121' 2>/dev/null && return
		sleep 0.1
	done
	echo "$(basename "$0"): $1 did not start" >&2
	exit 1
}

# start_vsftpd EXTRA: Debian's vsftpd, anonymous logins into $work/pub,
# every local login refused (a PAM service that does not exist), the
# certificate $work/cert.pem where the script made one; EXTRA adds lines
# to its configuration. srv is its process.
start_vsftpd() {
	local cert=
	if [ -f "$work/cert.pem" ]; then
		cert="rsa_cert_file=$work/cert.pem
rsa_private_key_file=$work/key.pem"
	fi
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
$cert
$1
CONF
	inns "$peers/root/usr/sbin/vsftpd" "$work/vsftpd.conf" 2>/dev/null &
	srv=$!
	wait_listen vsftpd
}

# stop_server stops every process of the namespace (vsftpd and pure-ftpd
# fork one per session) and waits for the port to close.
stop_server() {
	ip netns pids "$ns" | xargs -r kill 2>/dev/null || true
	{ wait "$srv"; } 2>/dev/null || true
	for _ in $(seq 50); do
		inns bash -c 'exec 3<>/dev/tcp/127.0.0.1/2121' 2>/dev/null || return 0
		sleep 0.1
	done
}

# firewall ACTION: nothing (none), the passive range rejected (reject) or
# dropped (drop), or new connections to any other port than the server's
# dropped (callback: the server's connection back to an active-mode client).
firewall() {
	inns nft flush ruleset
	[ "$1" = none ] && return
	inns nft add table inet lab
	inns nft add chain inet lab input '{ type filter hook input priority 0; }'
	case $1 in
	reject) inns nft add rule inet lab input tcp dport 3000-3005 reject with tcp reset ;;
	drop) inns nft add rule inet lab input tcp dport 3000-3005 drop ;;
	callback) inns nft add rule inet lab input ct state new tcp dport != '{ 2121, 3000-3005 }' drop ;;
	*) echo "$(basename "$0"): firewall $1?" >&2 && exit 1 ;;
	esac
}
