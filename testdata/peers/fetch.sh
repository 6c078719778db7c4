#!/usr/bin/env bash
# Unpacks Debian's pure-ftpd and vsftpd into testdata/peers/root (ignored by
# git) with apt-get download + dpkg -x, so tests can run them as real peers.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p root debs
for pkg in pure-ftpd vsftpd; do
	bin=root/usr/sbin/$pkg
	[ -x "$bin" ] && continue
	if ! ls debs/${pkg}_*.deb >/dev/null 2>&1; then
		(cd debs && apt-get download "$pkg" >/dev/null 2>&1) ||
			{ apt-get update -qq && (cd debs && apt-get download "$pkg" >/dev/null); } ||
			{ echo "fetch.sh: cannot download $pkg" >&2; continue; }
	fi
	dpkg -x debs/${pkg}_*.deb root
done

# ProFTPD: its TLS (mod_tls) is in proftpd-mod-crypto, not proftpd-core;
# both unpack into the same root (ModulePath root/usr/lib/proftpd).
for pkg in proftpd-core proftpd-mod-crypto; do
	[ -x root/usr/sbin/proftpd ] && [ -f root/usr/lib/proftpd/mod_tls.so ] && break
	if ! ls debs/${pkg}_*.deb >/dev/null 2>&1; then
		(cd debs && apt-get download "$pkg" >/dev/null 2>&1) ||
			{ apt-get update -qq && (cd debs && apt-get download "$pkg" >/dev/null); } ||
			{ echo "fetch.sh: cannot download $pkg" >&2; continue; }
	fi
	dpkg -x debs/${pkg}_*.deb root
done

# vsftpd links against libwrap, which a bare machine lacks.
if ldd root/usr/sbin/vsftpd 2>/dev/null | grep -q 'not found'; then
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libwrap0 >/dev/null 2>&1 ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libwrap0 >/dev/null; }
	else
		echo "fetch.sh: vsftpd needs libwrap0 (apt-get install libwrap0)" >&2
	fi
fi
