#!/usr/bin/env bash
# Runs ftpdiag's whole test suite. On a bare Debian machine it first installs
# the real FTP peers and network tools the tests use (as root, with apt-get).
set -euo pipefail
cd "$(dirname "$0")"

need=()
for pair in curl:curl lftp:lftp wget:wget python3:python3 openssl:openssl nft:nftables ip:iproute2 ss:iproute2; do
	cmd=${pair%%:*} pkg=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || [[ " ${need[*]} " == *" $pkg "* ]] || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	else
		echo "test.sh: missing ${need[*]}; install them (as root: apt-get install ${need[*]})" >&2
	fi
fi

# Third-party servers the probe is tested against, unpacked without
# installing, since Debian's FTP servers conflict with one another as packages.
bash testdata/peers/fetch.sh

go vet ./...
go test -count=1 -timeout 40m "$@" ./...

# Every fuzz target for a short fixed time (issue 16): the parsers of what
# comes from outside (client logs, saved results, URLs, command lines, the
# PASV/EPSV/PORT/EPRT grammar) and the redaction through every format. Plain
# go test above already ran their seed corpora. FUZZTIME=0 skips this.
fuzztime=${FUZZTIME:-4s}
if [ "$fuzztime" != 0 ]; then
	for pair in \
		ftp:FuzzParsePASV ftp:FuzzParseEPSV ftp:FuzzParsePORT ftp:FuzzParseEPRT ftp:FuzzParseCodeLine \
		transcript/foreign:FuzzParseFileZilla transcript/foreign:FuzzParseWinSCP transcript/foreign:FuzzParseCurl \
		transcript/foreign:FuzzParseLftp transcript/foreign:FuzzParseSeed transcript/foreign:FuzzParseJSON \
		transcript/foreign:FuzzParseDetect render:FuzzLoad render:FuzzRenderRedacts probe:FuzzParseTarget \
		server:FuzzParseCommandLines; do
		go test -run '^$' -fuzz "^${pair#*:}\$" -fuzztime "$fuzztime" "./${pair%%:*}"
	done
fi
