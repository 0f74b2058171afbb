// Client-side navigation time from the signed-in feed, on localhost: a measurement, not a
// test. For each target, a fresh context opens `/`, waits until it has hydrated, then
// (a) points at the nav link first (what a mouse does before a click) or (b) not, and
// times from the link's click to the page's <h1> being shown.
//
//   node bench/navigation.mjs http://127.0.0.1:3300    # a `server demo` instance; as ada
import { createRequire } from 'node:module';
import { DEMO_PASSWORD } from './demo.mjs';

const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
const targets = [['/explore/', 'People to follow'], ['/users/ada/', 'ada'], ['/notifications/', 'Notifications']];
const out = [];
for (const [target, heading] of targets) {
  for (const hover of [true, false]) {
    const ctx = await browser.newContext({ baseURL: base });
    await ctx.request.post('/api/fn/sign_in', {
      form: { username: 'ada', password: DEMO_PASSWORD },
      headers: { Origin: base },
    });
    const page = await ctx.newPage();
    await page.goto('/');
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await page.waitForLoadState('networkidle');
    const link = page.locator(`header a[href="${target}"]`).first();
    if (hover) {
      await link.hover();
      await page.waitForLoadState('networkidle');
    }
    const ms = await page.evaluate(async ([target, heading]) => {
      const t0 = performance.now();
      document.querySelector(`header a[href="${target}"]`).click();
      while (![...document.querySelectorAll('main h1')].some((h) => h.textContent.includes(heading))) {
        await new Promise((r) => requestAnimationFrame(r));
      }
      return performance.now() - t0;
    }, [target, heading]);
    out.push(`${target} ${hover ? 'pointed at first' : 'clicked directly'}: ${Math.round(ms)} ms`);
    await ctx.close();
  }
}
console.log(out.join('\n'));
await browser.close();
