// First-load bytes and hydration time of Shutter's pages, as a cold browser gets them: a
// measurement, not a test. For each page, a fresh browser context (empty cache) opens it,
// waits until the app has hydrated (`<body data-hydrated>`) and the network is idle, and
// counts the bytes of every response as transferred (brotli where the server sends it:
// HTML compressed on the fly, /pkg/ files precompressed), by kind: HTML, CSS, JS, each
// WASM file (the main module and each chunk), photos (/uploads/) apart.
//
// Hydration time: from navigation start to the moment <body data-hydrated> appears (a
// MutationObserver installed before the page's own scripts), on localhost unthrottled,
// and with Lighthouse's mobile throttling applied through the DevTools protocol (150 ms
// RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU slowed 4x: Lighthouse's "slow 4G" profile).
//
//   ./target/release/server --data-dir /tmp/demo demo        # an instance with the demo
//   ./target/release/server --data-dir /tmp/demo --bind 127.0.0.1:3300 &
//   node bench/first-load.mjs http://127.0.0.1:3300 [username]
//
// RUNS=n: hydration runs per page and profile (median reported, default 3). JSON=1 adds
// the raw results. Uses Playwright from end2end/node_modules and Debian's Chromium.

import { createRequire } from 'node:module';
import { DEMO_PASSWORD as password, measuredPages, median } from './demo.mjs';

const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const username = process.argv[3] ?? 'ada';
const runs = Number(process.env.RUNS ?? 3);
// MOBILE=0 skips the throttled hydration runs.
const mobile = process.env.MOBILE !== '0';

// Lighthouse 13's mobile profile (constants.throttling.mobileSlow4G).
const MOBILE = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8, cpu: 4 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** A fresh context (cold cache), signed in as `username` when `signedIn`. */
async function context(signedIn, options = {}) {
  const ctx = await browser.newContext({ baseURL: base, ...options });
  if (signedIn) {
    const answer = await ctx.request.post('/api/fn/sign_in', { form: { username, password }, headers: { Origin: base } });
    if (answer.status() !== 200) throw new Error(`sign in as ${username}: ${answer.status()} ${await answer.text()}`);
  }
  await ctx.addInitScript(() => {
    // The time the app marks itself hydrated, from navigation start.
    new MutationObserver((_, observer) => {
      if (document.body?.hasAttribute('data-hydrated')) {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  return ctx;
}

async function hydrated(page) {
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  return page.evaluate(() => window.__hydratedAt);
}

function kindOf(url, resourceType) {
  const path = new URL(url).pathname;
  if (path.startsWith('/uploads/')) return 'photo';
  if (resourceType === 'document') return 'html';
  if (path.endsWith('.css')) return 'css';
  if (path.endsWith('.js')) return 'js';
  if (path.endsWith('.wasm')) return 'wasm';
  return 'other';
}

/** Every response of a cold load of `path`, with its transferred body size. */
async function firstLoad(path, signedIn) {
  const ctx = await context(signedIn);
  const page = await ctx.newPage();
  const requests = [];
  page.on('requestfinished', (request) => requests.push(request));
  await page.goto(path);
  await hydrated(page);
  const files = [];
  for (const request of requests) {
    const response = await request.response();
    if (!response) continue;
    const sizes = await request.sizes();
    const headers = await response.allHeaders();
    files.push({
      path: new URL(request.url()).pathname,
      kind: kindOf(request.url(), request.resourceType()),
      bytes: sizes.responseBodySize,
      encoding: headers['content-encoding'] ?? 'identity',
      status: response.status(),
    });
  }
  await ctx.close();
  return files;
}

/** Milliseconds from navigation start to hydrated, median of `runs` cold loads. */
async function hydrationTime(path, signedIn, throttled) {
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const ctx = await context(signedIn, throttled ? { viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1.75 } : {});
    const page = await ctx.newPage();
    if (throttled) {
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...MOBILE });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: MOBILE.cpu });
    }
    try {
      await page.goto(path, { timeout: 90_000 });
      times.push(await hydrated(page));
    } catch (error) {
      // Reported, not hidden: a page that did not hydrate in time counts as a timeout.
      console.error(`${path} ${throttled ? 'throttled' : 'localhost'}: ${error.message.split('\n')[0]}`);
      times.push(Infinity);
    }
    await ctx.close();
  }
  const middle = median(times);
  return Number.isFinite(middle) ? Math.round(middle) : 'timeout';
}

// A post and the pages to measure.
const probe = await context(true);
const probePage = await probe.newPage();
await probePage.goto('/');
const postHref = await probePage.locator('a[href^="/posts/"]:not([href="/posts/new/"])').first().getAttribute('href');
await probe.close();
const pages = measuredPages(username, postHref);

const kb = (bytes) => (bytes / 1000).toFixed(1);
const results = [];
for (const p of pages) {
  const files = await firstLoad(p.path, p.signedIn);
  const sum = (kind) => files.filter((f) => f.kind === kind).reduce((t, f) => t + f.bytes, 0);
  const code = ['html', 'css', 'js', 'wasm'].reduce((t, k) => t + sum(k), 0);
  const localhostMs = await hydrationTime(p.path, p.signedIn, false);
  const mobileMs = mobile ? await hydrationTime(p.path, p.signedIn, true) : 'not run';
  results.push({ ...p, files, html: sum('html'), css: sum('css'), js: sum('js'), wasm: sum('wasm'), code, photos: sum('photo'), other: sum('other'), localhostMs, mobileMs });
}
await browser.close();

console.log(`first load of ${base}, cold cache, bytes as transferred (KB = 1000 B)`);
console.log('page | HTML | CSS | JS | WASM | HTML+CSS+JS+WASM | photos | hydrated (localhost) | hydrated (mobile throttling)');
console.log('---|---:|---:|---:|---:|---:|---:|---:|---:');
for (const r of results) {
  console.log(`${r.name} | ${kb(r.html)} | ${kb(r.css)} | ${kb(r.js)} | ${kb(r.wasm)} | **${kb(r.code)}** | ${kb(r.photos)} | ${r.localhostMs} ms | ${r.mobileMs}${typeof r.mobileMs === 'number' ? ' ms' : ''}`);
}
console.log('\nJS and WASM files per page (bytes transferred, encoding):');
for (const r of results) {
  const code = r.files.filter((f) => f.kind === 'js' || f.kind === 'wasm' || f.kind === 'css');
  console.log(`  ${r.name}: ${code.map((f) => `${f.path.replace('/pkg/', '')} ${kb(f.bytes)} ${f.encoding}`).join(', ')}`);
}
if (process.env.JSON) console.log(JSON.stringify(results, null, 2));
