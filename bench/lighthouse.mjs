// Lighthouse (npm, end2end/node_modules) on Shutter's pages, mobile profile (Lighthouse's
// default: a Moto G Power class phone, slow 4G, CPU slowed 4x): a measurement, not a test.
// Pages: the landing page (signed out /), the feed (signed in /), a profile, a post and
// explore; signed-in pages get the session cookie through Lighthouse's extraHeaders.
//
//   ./target/release/server --data-dir /tmp/demo demo        # an instance with the demo
//   ./target/release/server --data-dir /tmp/demo --bind 127.0.0.1:3300 &
//   node bench/lighthouse.mjs http://127.0.0.1:3300 [username]
//
// THROTTLING=simulate (default, as Lighthouse scores) or devtools (real throttling). RUNS=n
// runs per page, median score reported (default 1). OUT=dir keeps the JSON reports.
// Hydration time under throttling: bench/first-load.mjs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD as password, measuredPages, median } from './demo.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const username = process.argv[3] ?? 'ada';
const throttling = process.env.THROTTLING ?? 'simulate';
const runs = Number(process.env.RUNS ?? 1);
const out = process.env.OUT ?? mkdtempSync(join(tmpdir(), 'shutter-lighthouse-'));
mkdirSync(out, { recursive: true });
const lighthouse = new URL('../end2end/node_modules/.bin/lighthouse', import.meta.url).pathname;
const chromeFlags = '--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync';

// The session cookie of `username`.
const signIn = await fetch(`${base}/api/fn/sign_in`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, accept: 'application/json' },
  body: new URLSearchParams({ username, password }),
  redirect: 'manual',
});
const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
if (!cookie) throw new Error(`sign in as ${username}: ${signIn.status}, no cookie`);

// A post of the feed.
const feed = await (await fetch(`${base}/`, { headers: { cookie } })).text();
const post = feed.match(/href="(\/posts\/\d+\/)"/)?.[1];
if (!post) throw new Error('no post on the feed: is this the demo?');

const pages = measuredPages(username, post);

const ms = (v) => (v === undefined ? 'n/a' : `${Math.round(v)} ms`);

const rows = [];
for (const [i, page] of pages.entries()) {
  const reports = [];
  for (let run = 0; run < runs; run += 1) {
    const file = join(out, `${i}-${run}.json`);
    const args = [
      `${base}${page.path}`,
      '--quiet',
      '--only-categories=performance',
      `--throttling-method=${throttling}`,
      `--chrome-flags=${chromeFlags}`,
      '--output=json',
      `--output-path=${file}`,
    ];
    if (page.signedIn) args.push(`--extra-headers=${JSON.stringify({ Cookie: cookie })}`);
    // Lighthouse now and then fails to record a trace on a busy machine (NO_NAVSTART):
    // such a run is tried again, up to three times.
    for (let attempt = 1; ; attempt += 1) {
      try {
        execFileSync(lighthouse, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? '/usr/bin/chromium' } });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        console.error(`lighthouse ${page.path}: attempt ${attempt} failed, again`);
      }
    }
    reports.push(JSON.parse(readFileSync(file, 'utf8')));
  }
  const audit = (r, id) => r.audits[id]?.numericValue;
  rows.push({
    name: page.name,
    score: median(reports.map((r) => Math.round(r.categories.performance.score * 100))),
    fcp: median(reports.map((r) => audit(r, 'first-contentful-paint'))),
    lcp: median(reports.map((r) => audit(r, 'largest-contentful-paint'))),
    tbt: median(reports.map((r) => audit(r, 'total-blocking-time'))),
    cls: median(reports.map((r) => audit(r, 'cumulative-layout-shift'))),
    si: median(reports.map((r) => audit(r, 'speed-index'))),
    version: reports[0].lighthouseVersion,
  });
}

console.log(`Lighthouse ${rows[0].version}, mobile, throttling ${throttling}, ${runs} run(s) per page (median), ${base}; reports in ${out}`);
console.log('page | performance | FCP | LCP | TBT | CLS | Speed Index');
console.log('---|---:|---:|---:|---:|---:|---:');
for (const r of rows) {
  console.log(`${r.name} | **${r.score}** | ${ms(r.fcp)} | ${ms(r.lcp)} | ${ms(r.tbt)} | ${r.cls?.toFixed(3)} | ${ms(r.si)}`);
}
