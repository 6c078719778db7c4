// web.mjs drives ftpdiag's check page (ftpdiag web) as a visitor would, in
// Debian's chromium, headless: it fills the form, submits it, watches the
// progress, reads the verdict, runs axe-core on each page, and measures the
// layout at each width. It prints what it saw as JSON; the Go test
// (web/browser_test.go) decides what passes.
//
//   node web.mjs JOB.json
//
// JOB.json: {"chromium": "/usr/bin/chromium", "base": "http://127.0.0.1:PORT",
//            "target": "ftp://127.0.0.1:PORT/", "widths": [390, 1280], "screenshot": "/abs/out.png"}
// Requests to anything but the service itself are aborted and recorded.
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const chromiumFlags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const stepTimeoutMs = 60000;

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const profile = mkdtempSync(join(tmpdir(), 'ftpdiag-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: job.chromium, headless: true, args: chromiumFlags, timeout: stepTimeoutMs,
});
const out = { runs: [] };
try {
  for (const w of job.widths) out.runs.push(await visit(w, w === job.widths[0] ? job.screenshot : ''));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');

async function visit(width, screenshot) {
  const page = await context.newPage();
  page.setDefaultTimeout(stepTimeoutMs);
  await page.setViewportSize({ width, height: 900 });
  const res = { width, foreign: [], console: [], progress: [] };
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(job.base)) return route.continue();
    res.foreign.push(url);
    return route.abort();
  });
  page.on('console', (m) => { if (m.type() === 'error') res.console.push(m.text()); });
  await page.goto(job.base + '/', { waitUntil: 'load' });
  res.form = { layout: await page.evaluate(measure), axe: await axe(page) };
  await page.fill('#url', job.target);
  await page.selectOption('#tls', 'off');
  await Promise.all([page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/), page.click('button[type=submit]')]);
  res.reportURL = page.url();
  // While the probe runs, the page says what it waits for, as the
  // terminal's status line does; the finished page replaces it.
  const seen = new Set();
  for (;;) {
    let state;
    try {
      state = await page.evaluate(() => ({
        verdict: document.querySelector('#h-verdict .verdict')?.textContent ?? '',
        now: document.querySelector('#now')?.textContent ?? '',
        events: document.querySelectorAll('#events li').length,
      }));
    } catch (e) {
      // The page reloads itself once the probe is done.
      await page.waitForLoadState('load');
      continue;
    }
    if (state.verdict) { res.verdict = state.verdict; break; }
    if (state.now && !seen.has(state.now)) { seen.add(state.now); res.progress.push({ now: state.now, events: state.events }); }
    await page.waitForTimeout(100);
  }
  await page.waitForLoadState('load');
  res.done = {
    layout: await page.evaluate(measure),
    axe: await axe(page),
    links: await page.evaluate(() => [...document.querySelectorAll('.downloads a')].map((a) => a.getAttribute('href'))),
    frame: await page.evaluate(() => document.querySelector('iframe')?.getAttribute('src') ?? ''),
  };
  const frame = page.frames().find((f) => f.url().endsWith('/report.html'));
  res.done.reportTitle = frame ? await frame.title() : '';
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return res;
}

async function axe(page) {
  // axe-core goes in through the test's own channel (evaluate), not a
  // script tag, which the page's CSP would rightly refuse.
  await page.evaluate(axeSource);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

function measure() {
  const width = document.documentElement.clientWidth;
  return { width, scrollWidth: document.documentElement.scrollWidth };
}
