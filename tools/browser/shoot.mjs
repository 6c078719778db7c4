// shoot.mjs takes the screenshots of docs/ (docs/screenshots.sh runs it):
// a report from the top of one element to the bottom of another, in
// Debian's chromium, headless, at a fixed width so that reruns match.
//
//   node shoot.mjs CHROMIUM REPORT.html OUT.png FROM-SELECTOR TO-SELECTOR
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [exe, file, out, from, to] = process.argv.slice(2);
const width = 1000; // a laptop browser window; the README scales it down
const profile = mkdtempSync(join(tmpdir(), 'ftpdiag-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: exe, headless: true, timeout: 30000, viewport: { width, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  // Nothing but the report itself is loaded, as in the browser test.
  const self = pathToFileURL(resolve(file)).href;
  await page.route('**/*', (r) => (r.request().url() === self ? r.continue() : r.abort()));
  await page.goto(self, { waitUntil: 'load' });
  const top = await page.locator(from).first().boundingBox();
  const bottom = await page.locator(to).first().boundingBox();
  const y = Math.max(0, Math.floor(top.y) - 8);
  await page.screenshot({ path: out, fullPage: true,
    clip: { x: 0, y, width, height: Math.ceil(bottom.y + bottom.height) + 12 - y } });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
