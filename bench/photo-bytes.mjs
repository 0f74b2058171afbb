// Photo bytes on the first screen of the signed-in feed, on a phone and on a desktop: a
// measurement, not a test. Counts the bodies of every /uploads/ response a cold browser
// fetches for `/` before any scroll (Chromium also fetches lazy images a little below the
// screen), and, of those, the images actually on the first screen.
//
//   ./target/release/server --data-dir /tmp/demo demo        # an instance with the demo
//   ./target/release/server --data-dir /tmp/demo --bind 127.0.0.1:3300 &
//   node bench/photo-bytes.mjs http://127.0.0.1:3300 [username]
//
// Uses Playwright from end2end/node_modules (`bash .ci/setup.sh` installs it) and
// Debian's Chromium, as the browser tests do. Signs in as a demo account (default "ada",
// password "shutter-demo").

import { createRequire } from 'node:module';
import { DEMO_PASSWORD as password } from './demo.mjs';

const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const username = process.argv[3] ?? 'ada';

const phone = (width, height, dpr) => ({
  label: `phone ${width}x${height} DPR ${dpr}`,
  viewport: { width, height },
  deviceScaleFactor: dpr,
  isMobile: true,
  hasTouch: true,
});
const desktop = (width, height, dpr) => ({
  label: `desktop ${width}x${height} DPR ${dpr}`,
  viewport: { width, height },
  deviceScaleFactor: dpr,
  isMobile: false,
  hasTouch: false,
});
const screens = [phone(390, 844, 3), phone(390, 844, 2), phone(360, 800, 3), desktop(1280, 720, 1), desktop(1280, 720, 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const results = [];
for (const screen of screens) {
  const { label, ...options } = screen;
  const context = await browser.newContext({ ...options, baseURL: base });
  const signIn = await context.request.post('/api/fn/sign_in', {
    form: { username, password },
    headers: { Origin: base },
  });
  if (signIn.status() !== 200) throw new Error(`sign in as ${username}: ${signIn.status()} ${await signIn.text()}`);

  const page = await context.newPage();
  const bodies = new Map(); // path -> bytes
  page.on('response', async (response) => {
    const path = new URL(response.url()).pathname;
    if (!path.startsWith('/uploads/')) return;
    try {
      bodies.set(path, (await response.body()).length);
    } catch {
      // A response without a body (a redirect, a cancelled load) counts nothing.
    }
  });
  await page.goto('/', { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  if ((await page.locator('div.feed article.feed-card').count()) === 0) throw new Error('no feed: is this the demo?');
  // Every image with its box, once all have settled.
  const images = await page.evaluate(() =>
    [...document.images].map((img) => {
      const r = img.getBoundingClientRect();
      const path = new URL(img.currentSrc || img.src).pathname;
      // The file's own width, from the srcset candidate it is (naturalWidth is in CSS px).
      const candidate = (img.getAttribute('srcset') ?? '')
        .split(',')
        .map((c) => c.trim().split(/\s+/))
        .find(([url]) => url === path);
      return {
        path,
        fileWidth: candidate ? Number(candidate[1].replace('w', '')) : img.naturalWidth,
        photo: img.hasAttribute('srcset'),
        complete: img.complete && img.naturalWidth > 0,
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
      };
    }),
  );
  const sum = (paths) => [...new Set(paths)].reduce((total, path) => total + (bodies.get(path) ?? 0), 0);
  const fetchedPhotos = images.filter((i) => i.photo && bodies.has(i.path));
  const onScreen = images.filter((i) => i.onScreen && i.complete);
  const onScreenPhotos = onScreen.filter((i) => i.photo);
  const result = {
    screen: label,
    uploads_requests: bodies.size,
    uploads_bytes: sum([...bodies.keys()]),
    photo_requests: new Set(fetchedPhotos.map((i) => i.path)).size,
    photo_bytes: sum(fetchedPhotos.map((i) => i.path)),
    on_screen_photos: onScreenPhotos.map((i) => `${i.path.replace(/^\/uploads\/[0-9a-f]{32}/, '…')} (${i.fileWidth} px wide)`),
    on_screen_photo_bytes: sum(onScreenPhotos.map((i) => i.path)),
    on_screen_bytes: sum(onScreen.map((i) => i.path)),
  };
  results.push(result);
  await context.close();
}
await browser.close();

console.log(`photo bytes on the first screen of ${base}/ signed in as ${username} (cold cache, before any scroll)`);
for (const r of results) {
  console.log(`\n${r.screen}`);
  console.log(`  /uploads/ fetched before scroll  ${r.uploads_requests} files, ${kb(r.uploads_bytes)} (avatars included)`);
  console.log(`  post photos fetched              ${r.photo_requests} files, ${kb(r.photo_bytes)}`);
  console.log(`  post photos on the first screen  ${kb(r.on_screen_photo_bytes)}: ${r.on_screen_photos.join(', ')}`);
  console.log(`  everything on the first screen   ${kb(r.on_screen_bytes)} (with avatars)`);
}
if (process.env.JSON) console.log(JSON.stringify(results, null, 2));
