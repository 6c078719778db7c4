// check.mjs loads ftpdiag HTML reports in Debian's chromium, headless, and
// prints what it measured as JSON on stdout; the Go test
// (report/html_browser_test.go) decides what passes. It never judges itself.
//
//   node check.mjs JOB.json
//
// JOB.json: {"chromium": "/usr/bin/chromium", "widths": [1280, 390],
//            "pages": [{"file": "/abs/report.html", "screenshot": "/abs/out.png"}]}
// "screenshot" may be empty. Every request the page makes is recorded, and
// anything but the report file itself is aborted, so a page that tries to
// fetch shows up in "requests" without reaching the network.
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Flags that work in this headless, sandbox-less, offline setting: no GPU,
// no QUIC, no background fetches of components, sync or first-run pages.
const chromiumFlags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Bounded in time: a page that hangs fails the job instead of CI.
const pageTimeoutMs = 30000;

// Paper sizes the report must print on, with the page's 12 mm margins
// (its @page rule) taken off: the widths at 96 px to the inch.
const papers = { A4: 210, Letter: 215.9 };
const marginMm = 12;

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const profile = mkdtempSync(join(tmpdir(), 'ftpdiag-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: job.chromium, headless: true, args: chromiumFlags, timeout: pageTimeoutMs,
});
const out = [];
try {
  for (const p of job.pages) {
    out.push(await checkPage(browser, p, job.widths));
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');

async function checkPage(context, p, widths) {
  const self = pathToFileURL(p.file).href;
  const page = await context.newPage();
  page.setDefaultTimeout(pageTimeoutMs);
  const requests = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === self) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on('request', (r) => { if (r.url() !== self && !requests.includes(r.url())) requests.push(r.url()); });
  // Chromium reports what the page's Content-Security-Policy blocked on
  // the console ("Refused to apply inline style ...").
  const csp = [];
  page.on('console', (m) => { if (m.text().includes('Content Security Policy')) csp.push(m.text().slice(0, 200)); });
  const res = { file: p.file, requests, csp, widths: {} };
  for (const w of widths) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.goto(self, { waitUntil: 'load' });
    res.widths[w] = await page.evaluate(measure);
    if (p.screenshot && w === widths[0]) {
      await page.screenshot({ path: p.screenshot, fullPage: true });
    }
  }
  res.dom = await page.evaluate(domFacts);
  res.print = await checkPrint(page);
  // Evaluated, not added as a script tag, which the page's policy refuses.
  await page.evaluate(axeSource);
  const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  res.axe = axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  await page.close();
  return res;
}

// checkPrint lays the page out as print media at each paper's width, and
// prints it to PDF, counting its pages.
async function checkPrint(page) {
  const out = {};
  await page.emulateMedia({ media: 'print' });
  for (const [format, mm] of Object.entries(papers)) {
    await page.setViewportSize({ width: Math.floor(((mm - 2 * marginMm) / 25.4) * 96), height: 1000 });
    const m = await page.evaluate(measure);
    m.timelineShown = await page.evaluate(() => {
      const svg = document.querySelector('svg.timeline');
      return !svg || (getComputedStyle(svg).display !== 'none' && svg.getBoundingClientRect().width > 0);
    });
    const pdf = await page.pdf({ format, printBackground: true });
    m.pdfPages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    out[format] = m;
  }
  await page.emulateMedia({ media: 'screen' });
  return out;
}

// measure finds text that lies outside the viewport's width.
function measure() {
  const width = document.documentElement.clientWidth;
  const outside = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.textContent.trim()) continue;
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && (r.right > width + 1 || r.left < -1)) {
        outside.push({ text: n.textContent.slice(0, 60), left: r.left, right: r.right });
        break;
      }
    }
    if (outside.length >= 10) break;
  }
  return { width, scrollWidth: document.documentElement.scrollWidth, outside };
}

// domFacts counts what the Go test compares with the result it rendered.
function domFacts() {
  const q = (s) => document.querySelectorAll(s);
  return {
    title: document.title,
    lang: document.documentElement.lang,
    findings: [...q('article.finding')].map((a) => a.id),
    lanes: [...q('svg.timeline g.lane')].map((g) => Number(g.dataset.session)),
    bars: q('svg.timeline g.bar').length,
    sweepBands: q('svg.timeline g.sweep-band').length,
    markers: [...q('svg.timeline g.marker')].map((g) => Number(g.dataset.finding)),
    connectionRows: q('#connections tbody tr').length,
    sessions: q('#transcript section.session').length,
    brokenLinks: [...q('a[href^="#"]')].map((a) => a.getAttribute('href').slice(1)).filter((id) => !document.getElementById(id)),
    scripts: q('script').length,
    csp: [...q('meta[http-equiv="Content-Security-Policy"]')].map((m) => m.content),
    sections: [...q('main > section')].map((s) => s.id),
  };
}
