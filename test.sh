#!/usr/bin/env bash
# Runs ftpdiag's whole test suite. On a bare Debian machine it first installs
# the real FTP peers and network tools the tests use (as root, with apt-get).
set -euo pipefail
cd "$(dirname "$0")"

need=()
for pair in curl:curl lftp:lftp wget:wget python3:python3 openssl:openssl nft:nftables ip:iproute2 ss:iproute2 \
	chromium:chromium node:nodejs npm:npm; do
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

# The HTML report's browser test (report/html_browser_test.go) drives the
# chromium above with playwright-core and checks it with axe-core, both
# pinned in tools/browser/package-lock.json.
if command -v npm >/dev/null 2>&1; then
	npm ci --prefix tools/browser --no-audit --no-fund --loglevel=error
fi

# Third-party servers the probe is tested against, unpacked without
# installing, since Debian's FTP servers conflict with one another as packages.
bash testdata/peers/fetch.sh

go vet ./...
go test -count=1 -timeout 40m "$@" ./...
