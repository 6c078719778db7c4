#!/bin/bash
# filezilla-fallback.sh: how FileZilla falls back from IPv6 to IPv4 when the
# IPv6 control port is dropped or rejected, for the contract's "Address
# families" section. As root, with filezilla, Xvfb, xdotool, nft and a built
# ftpdiag (first argument). Builds its own namespaces (fzf-c, fzf-r, fzf-s;
# 2001:db8::/32 and 198.18.0.0/15 inside them), prints FileZilla's log for
# each case and removes everything it made.
#
#   go build -o /tmp/ftpdiag . && sudo internal/lab/testdata/filezilla-fallback.sh /tmp/ftpdiag
set -eu
ftpdiag=${1:?usage: $0 PATH-TO-FTPDIAG}
C=fzf-c R=fzf-r S=fzf-s
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for n in $C $R $S; do ip netns del $n 2>/dev/null || true; done
	rm -rf "/etc/netns/$C" "$work"
}
trap cleanup EXIT

for n in $C $R $S; do ip netns add $n; done
ip -n $C link add eth0 type veth peer name rc netns $R
ip -n $S link add eth0 type veth peer name rs netns $R
ip -n $C addr add 198.18.0.2/24 dev eth0
ip -n $S addr add 198.18.1.2/24 dev eth0
ip -n $R addr add 198.18.0.1/24 dev rc
ip -n $R addr add 198.18.1.1/24 dev rs
ip -n $C -6 addr add 2001:db8::2/64 dev eth0 nodad
ip -n $S -6 addr add 2001:db8:1::2/64 dev eth0 nodad
ip -n $R -6 addr add 2001:db8::1/64 dev rc nodad
ip -n $R -6 addr add 2001:db8:1::1/64 dev rs nodad
for n in $C $R $S; do ip -n $n link set lo up; done
ip -n $C link set eth0 up; ip -n $S link set eth0 up
ip -n $R link set rc up; ip -n $R link set rs up
ip -n $C route add default via 198.18.0.1
ip -n $S route add default via 198.18.1.1
ip -n $C -6 route add default via 2001:db8::1
ip -n $S -6 route add default via 2001:db8:1::1
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
mkdir -p "/etc/netns/$C"
printf '127.0.0.1 localhost\n198.18.1.2 ftp.lab.test\n2001:db8:1::2 ftp.lab.test\n' >"/etc/netns/$C/hosts"

ip netns exec $S "$ftpdiag" serve --listen :21 --pasv-ports 3000-3009 --user john:secret >"$work/serve.log" 2>&1 &
pids+=($!)
mkdir -p "$work/home/.config/filezilla"
cat >"$work/home/.config/filezilla/filezilla.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.63.0" platform="*nix">
  <Settings>
    <Setting name="Logging file">$work/fz.log</Setting>
    <Setting name="Update Check">0</Setting>
    <Setting name="Greeting version">3.63.0</Setting>
  </Settings>
</FileZilla3>
XML
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1024x768x24 >/dev/null 2>&1 &
pids+=($!)
sleep 1

# run CASE VERDICT: FileZilla against the name while the router answers
# IPv6 port 21 with VERDICT, for at most 50 s (two 20 s attempts and the
# 5 s retry delay), pressing Return for its dialogs.
run() {
	printf 'table ip6 t {\n chain f {\n  type filter hook forward priority filter; policy accept;\n  iifname "rc" tcp dport 21 %s\n }\n}\n' "$2" |
		ip netns exec $R nft -f -
	rm -f "$work/fz.log"
	ip netns exec $C env HOME="$work/home" DISPLAY="$display" filezilla ftp://john:secret@ftp.lab.test/ >/dev/null 2>&1 &
	local fz=$!
	pids+=($fz)
	for _ in $(seq 10); do
		sleep 5
		DISPLAY=$display xdotool key Return 2>/dev/null || true
	done
	kill "$fz" 2>/dev/null || true
	echo "== IPv6 control port: $1"
	grep -E 'Connecting|Connection|connect|Logged in|listing' "$work/fz.log" || true
	ip netns exec $R nft flush ruleset
}
run dropped drop
run rejected "reject with tcp reset"
