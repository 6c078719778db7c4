# Shared by the comparison scripts: a free port on 127.0.0.1, and vsftpd's
# configuration for an anonymous, read-only benchmark server on loopback.
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# vsftpd_conf PORT LIMIT writes the common lines; a caller appends its own.
vsftpd_conf() {
	local vport=$1 limit=$2
	cat <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$vport
background=NO
anonymous_enable=YES
anon_root=$tmp/root
ftp_username=daemon
local_enable=NO
write_enable=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=$tmp/empty
pasv_enable=YES
pasv_min_port=42000
pasv_max_port=44000
max_clients=$limit
max_per_ip=$limit
xferlog_enable=NO
vsftpd_log_file=$tmp/vsftpd.log
CONF
}
