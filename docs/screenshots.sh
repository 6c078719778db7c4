#!/usr/bin/env bash
# Regenerates the screenshots of the HTML report that docs/README-report.md shows, from
# the HTML goldens (render/testdata/html, rewritten first so they are
# current), in Debian's chromium, headless. Needs chromium and node; the
# npm packages come from tools/browser/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
chromium=$(command -v chromium) || { echo "screenshots.sh: apt-get install chromium" >&2; exit 1; }
[ -d tools/browser/node_modules/playwright-core ] || npm ci --prefix tools/browser --no-audit --no-fund --loglevel=error
go test -count=1 -run TestHTMLGolden ./render -update >/dev/null
shoot() { (cd tools/browser && node shoot.mjs "$chromium" "../../$1" "../../$2" "$3" "$4"); }
# The FileZilla log docs/README-report.md explains: verdict, findings, timeline.
shoot render/testdata/html/filezilla-explained.html docs/html-report.png body '#timeline'
# A sweep of a 100-port range with 23 ports blocked: the timeline alone.
shoot render/testdata/html/sweep-partial.html docs/html-sweep.png '#timeline' '#timeline'
echo "docs/html-report.png docs/html-sweep.png written"
