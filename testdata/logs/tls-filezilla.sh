#!/usr/bin/env bash
# Records real FileZilla FTPS logs (filezilla-tls-*.log) against ftpdiag's
# reference server with a throw-away certificate on 127.0.0.1: FileZilla
# 3.63 under Xvfb, its log file in the timestamped format, its certificate
# dialog answered with xdotool (LAB-NOTES). Usage:
# bash testdata/logs/tls-filezilla.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$here}" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
(cd "$here/../.." && go build -o "$work/ftpdiag" .)
display=:$((90 + RANDOM % 9))
Xvfb "$display" >/dev/null 2>&1 &
pids+=($!)
sleep 1

# record NAME SERVE-FLAGS...: one FileZilla session listing the root.
record() {
	local name=$1
	shift
	"$work/ftpdiag" serve --listen 127.0.0.1:2122 --pasv-ports 3010-3015 --user john:secret --tls-self-signed "$@" >/dev/null 2>&1 &
	local srv=$!
	pids+=($srv)
	sleep 0.5
	local home=$work/home-$name
	mkdir -p "$home/.config/filezilla"
	cat >"$home/.config/filezilla/filezilla.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.63.0">
  <Settings>
    <Setting name="Logging file">$work/$name.log</Setting>
    <Setting name="Update Check">0</Setting>
    <Setting name="Greeting version">3.63.0</Setting>
    <Setting name="Logging Debug Level">0</Setting>
  </Settings>
</FileZilla3>
XML
	HOME=$home DISPLAY=$display filezilla "ftp://john:secret@127.0.0.1:2122/" >/dev/null 2>&1 &
	local fz=$!
	pids+=($fz)
	for _ in 1 2 3 4 5 6; do
		sleep 2
		DISPLAY=$display xdotool key Return 2>/dev/null || true # the certificate dialog
	done
	kill "$fz" "$srv" 2>/dev/null || true
	wait "$fz" "$srv" 2>/dev/null || true
	# FileZilla writes the password of the URL into its log: keep it, as
	# users paste such logs; explain masks it.
	cp "$work/$name.log" "$out/$name.log"
}

# Only set-ups whose every address is 127.0.0.1: FileZilla follows a PASV
# address from a loopback server (no NAT to work around), so a scenario with
# another advertised address would dial it from the host.
record filezilla-tls-healthy
