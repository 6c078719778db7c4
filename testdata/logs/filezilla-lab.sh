#!/usr/bin/env bash
# Records real FileZilla logs (Debian's filezilla 3.63, headless under Xvfb)
# against ftpdiag's reference server and Debian's vsftpd, in broken set-ups,
# inside a network namespace holding only a loopback interface: nothing can
# reach another host whatever a reply says. FileZilla writes its log file in
# the timestamped format ("Logging file" in its settings); its dialogs
# ("Insecure FTP connection", "Unknown certificate") are answered with
# xdotool's Return. Needs root, filezilla, Xvfb, xdotool and locales-all.
# Usage: bash testdata/logs/filezilla-lab.sh [OUTDIR [LANGUAGE...]]
# OUTDIR defaults to this directory. With no LANGUAGE it records its whole
# set: the English logs against ftpdiag serve, vsftpd and an SSH banner, then
# FileZilla in English, German, French and Spanish against vsftpd
# (filezilla-LANGUAGE-CASE.log); with LANGUAGEs (en, de, fr, es) only
# those languages' logs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$here}" && pwd)
shift || true
langs=("$@")
peers=$here/../peers
bash "$peers/fetch.sh"
# shellcheck source=testdata/logs/lab-lib.sh
. "$here/lab-lib.sh"
lab_namespace ftpdiag-fz-lab
(cd "$here/../.." && go build -o "$work/ftpdiag" .)

# FileZilla's settings: its log file, no update check or welcome dialog,
# and its shortest inactivity timeout (10 s) so a dropped port costs less.
mkdir -p "$work/home/.config/filezilla" "$work/pub" "$work/empty"
echo hello >"$work/pub/hello.txt"
settings() {
	# A fresh home each run: FileZilla killed at its time limit leaves
	# state that makes the next one ask questions first.
	rm -rf "$work/home"
	mkdir -p "$work/home/.config/filezilla"
	cat >"$work/home/.config/filezilla/filezilla.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.63.0" platform="*nix">
  <Settings>
    <Setting name="Logging file">$work/fz.log</Setting>
    <Setting name="Update Check">0</Setting>
    <Setting name="Greeting version">3.63.0</Setting>
    <Setting name="Timeout">10</Setting>
  </Settings>
</FileZilla3>
EOF
}
display=76
# FileZilla's language: the environment picks its translation
# (/usr/share/locale/LANGUAGE/LC_MESSAGES/filezilla.mo) and its log's labels
# and sentences come out in it.
lang=en
locale_env() {
	case $lang in
	en) echo LANGUAGE=en LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 ;;
	de) echo LANGUAGE=de LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8 ;;
	fr) echo LANGUAGE=fr LANG=fr_FR.UTF-8 LC_ALL=fr_FR.UTF-8 ;;
	es) echo LANGUAGE=es LANG=es_ES.UTF-8 LC_ALL=es_ES.UTF-8 ;;
	esac
}

# The dialogs' titles, and the sentences that end a session's log, in
# English, German, French and Spanish (from FileZilla's translations).
dialogs='Insecure FTP connection|Unknown certificate|Unsichere FTP-Verbindung|Unbekanntes Zertifikat|Connexion FTP non sécurisée|Certificat inconnu|Conexión FTP insegura|Certificado desconocido'
ends='Directory listing of .* successful|Failed to retrieve directory listing|Could not connect to server'
ends+='|Anzeigen des Verzeichnisinhalts für .* abgeschlossen|Verzeichnisinhalt konnte nicht empfangen werden|Herstellen der Verbindung zum Server fehlgeschlagen'
ends+='|Contenu du dossier .* affiché avec succès|Impossible de récupérer le contenu du dossier|Impossible d’établir une connexion au serveur'
ends+='|Directorio .* listado correctamente|Error al recuperar el listado del directorio|No se pudo conectar al servidor'

# answer_dialogs accepts FileZilla's questions: the dialog gets the focus
# first, since a second window open at the time would take the key.
answer_dialogs() {
	local w
	for w in $(DISPLAY=$DISPLAY inns xdotool search --onlyvisible --name "$dialogs" 2>/dev/null); do
		DISPLAY=$DISPLAY inns xdotool windowactivate --sync "$w" key Return 2>/dev/null || true
	done
	DISPLAY=$DISPLAY inns xdotool key Return 2>/dev/null || true
}

# filezilla_run NAME URL SECONDS: one FileZilla session, its dialogs
# answered, until its log shows the listing's end (done or failed) or
# SECONDS pass; the log is kept as NAME.log.
filezilla_run() {
	# A display of its own: a FileZilla killed before leaves windows behind
	# that would take the next one's keys.
	display=$((display + 1))
	export DISPLAY=:$display
	ip netns exec "$ns" Xvfb "$DISPLAY" -nolisten tcp >/dev/null 2>&1 &
	local xvfb=$!
	sleep 1
	settings
	rm -f "$work/fz.log"
	# shellcheck disable=SC2046
	inns env HOME="$work/home" DISPLAY="$DISPLAY" $(locale_env) timeout "$3" filezilla "$2" >/dev/null 2>&1 &
	local fz=$!
	for _ in $(seq "$3"); do
		sleep 1
		answer_dialogs
		if grep -qE "$ends" "$work/fz.log" 2>/dev/null; then
			sleep 1 # the lines that follow the end
			break
		fi
	done
	kill "$fz" 2>/dev/null || true
	wait "$fz" 2>/dev/null || true
	kill "$xvfb" 2>/dev/null || true
	wait "$xvfb" 2>/dev/null || true
	if [ ! -s "$work/fz.log" ]; then
		echo "filezilla-lab.sh: FileZilla wrote no log for $1" >&2
		exit 1
	fi
	cp "$work/fz.log" "$out/$1.log"
}

serve() {
	# shellcheck disable=SC2086
	inns "$work/ftpdiag" serve --listen 127.0.0.1:2121 --pasv-ports 3000-3005 --anonymous $1 >/dev/null 2>&1 &
	srv=$!
	wait_listen "ftpdiag serve"
}
# english_set: FileZilla in English against the reference server, vsftpd
# with TLS and an SSH banner.
english_set() {
url=ftp://anonymous:guest@127.0.0.1:2121/
serve ""
filezilla_run filezilla-serve-ok "$url" 40
firewall reject
filezilla_run filezilla-serve-pasv-refused "$url" 40
firewall drop
filezilla_run filezilla-serve-pasv-timeout "$url" 40
firewall none
stop_server
serve "--pasv-address 10.0.0.5"
filezilla_run filezilla-serve-pasv-private "$url" 40
stop_server
# The reference server's explicit FTPS with a throw-away certificate:
# FileZilla asks whether to trust it (Return accepts).
serve "--tls-self-signed"
filezilla_run filezilla-serve-tls-ok "$url" 40
firewall reject
filezilla_run filezilla-serve-tls-pasv-refused "$url" 40
firewall none
stop_server

# vsftpd with explicit TLS and a self-signed certificate: FileZilla asks
# whether to trust it (Return accepts).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
start_vsftpd "ssl_enable=YES
allow_anon_ssl=YES"
filezilla_run filezilla-tls-ok "$url" 40
stop_server

# An SSH banner where FTP was expected.
inns python3 -c 'import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2121)); s.listen(4); s.settimeout(60)
for _ in range(4):
    c, _ = s.accept(); c.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n"); c.close()' &
srv=$!
wait_listen "the SSH banner"
filezilla_run filezilla-ssh-banner "$url" 40
stop_server
}

# language_set LANGUAGE: FileZilla in LANGUAGE against vsftpd in plain FTP
# (its "Insecure FTP connection" dialog accepted): a listing that works, the
# passive range rejected, then dropped, and a wrong password (vsftpd
# refuses every local login here: its PAM service does not exist).
language_set() {
	lang=$1
	start_vsftpd ""
	filezilla_run "filezilla-$lang-ok" ftp://anonymous:guest@127.0.0.1:2121/ 40
	firewall reject
	filezilla_run "filezilla-$lang-pasv-refused" ftp://anonymous:guest@127.0.0.1:2121/ 40
	firewall drop
	filezilla_run "filezilla-$lang-pasv-timeout" ftp://anonymous:guest@127.0.0.1:2121/ 40
	firewall none
	filezilla_run "filezilla-$lang-login-rejected" ftp://john:Tr0ub4dor3@127.0.0.1:2121/ 40
	stop_server
	lang=en
}

if [ ${#langs[@]} -eq 0 ]; then
	english_set
	langs=(en de fr es)
fi
for l in "${langs[@]}"; do
	language_set "$l"
done
echo "filezilla-lab.sh: logs written to $out"
