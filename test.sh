#!/usr/bin/env bash
# Runs ftpdiag's whole test suite. On a bare Debian machine it first installs
# the real FTP peers and network tools the tests use (as root, with apt-get).
set -euo pipefail
cd "$(dirname "$0")"

need=()
for pair in curl:curl lftp:lftp wget:wget python3:python3 openssl:openssl nft:nftables ip:iproute2 ss:iproute2 \
	chromium:chromium node:nodejs npm:npm prometheus:prometheus promtool:prometheus systemd-analyze:systemd \
	zsh:zsh fish:fish tnftp:tnftp ping:iputils-ping; do
	cmd=${pair%%:*} pkg=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || [[ " ${need[*]} " == *" $pkg "* ]] || need+=("$pkg")
done
/usr/bin/python3 -c 'import pyftpdlib, twisted' 2>/dev/null || need+=(python3-pyftpdlib python3-twisted) # probe/peers_python_test.go
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	else
		echo "test.sh: missing ${need[*]}; install them (as root: apt-get install ${need[*]})" >&2
	fi
fi

# FTP servers of Debian's own packages the probe is tested against in the
# lab (internal/lab/pypeers_test.go): pyftpdlib, Twisted, inetutils ftpd.
if [ "$(id -u)" = 0 ] && ! dpkg -s python3-pyftpdlib python3-twisted inetutils-ftpd >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pyftpdlib python3-twisted inetutils-ftpd >/dev/null
fi

# Libraries Debian's ProFTPD links against, which dpkg -x does not bring.
if [ "$(id -u)" = 0 ] && ! dpkg -s libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3 >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3 >/dev/null
fi

# The HTML report's browser test (render/html_browser_test.go) drives the
# chromium above with playwright-core and checks it with axe-core, both
# pinned in tools/browser/package-lock.json.
if command -v npm >/dev/null 2>&1; then
	npm ci --prefix tools/browser --no-audit --no-fund --loglevel=error
fi

# Third-party servers the probe is tested against, unpacked without
# installing, since Debian's FTP servers conflict with one another as packages.
bash testdata/peers/fetch.sh

go vet ./...

# Every platform users run ftpdiag on builds, and vet passes for each
# system's own files (socket options, firewall reading).
for goos in linux darwin windows; do
	for goarch in amd64 arm64; do
		GOOS=$goos GOARCH=$goarch go build -o /dev/null ./...
	done
	GOOS=$goos GOARCH=amd64 go vet ./...
done
go test -count=1 -timeout 40m "$@" ./...

# Every fuzz target for a short fixed time (issue 16): the parsers of what
# comes from outside (client logs, saved results, URLs, command lines, the
# PASV/EPSV/PORT/EPRT grammar) and the redaction through every format. Plain
# go test above already ran their seed corpora. FUZZTIME=0 skips this.
fuzztime=${FUZZTIME:-4s}
# fuzz runs one target. Go's fuzzer at times ends a timed run with a bare
# "context deadline exceeded" when its deadline falls mid-exchange with a
# worker: no input failed then, so that one outcome is tried once more; a
# failing input ("Failing input written to ...") fails at once.
fuzz() {
	local out
	if out=$(go test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" "./$1" 2>&1); then
		printf '%s\n' "$out" | tail -n 1
		return 0
	fi
	if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input' <<<"$out"; then
		echo "test.sh: $2 stopped at its deadline without a failing input; once more"
		go test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" "./$1"
		return
	fi
	printf '%s\n' "$out"
	return 1
}
if [ "$fuzztime" != 0 ]; then
	for pair in \
		ftp:FuzzParsePASV ftp:FuzzParseEPSV ftp:FuzzParsePORT ftp:FuzzParseEPRT ftp:FuzzParseCodeLine ftp:FuzzReplyReader \
		transcript/foreign:FuzzParseFileZilla transcript/foreign:FuzzParseWinSCP transcript/foreign:FuzzParseCurl \
		transcript/foreign:FuzzParseLftp transcript/foreign:FuzzParseSeed transcript/foreign:FuzzParseJSON \
		transcript/foreign:FuzzParseDetect transcript/foreign:FuzzParseVsftpd transcript/foreign:FuzzParseProFTPD \
		transcript/foreign:FuzzParsePureFTPd transcript/foreign:FuzzParseServe transcript/foreign:FuzzParseGeneric \
		transcript/foreign:FuzzParseCapture transcript/foreign:FuzzDefrag render:FuzzLoad render:FuzzRenderRedacts probe:FuzzParseTarget \
		server:FuzzParseCommandLines; do
		fuzz "${pair%%:*}" "${pair#*:}"
	done
fi
