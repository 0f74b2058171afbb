import { expect, test, type Locator, type Page } from '@playwright/test';
import * as fs from 'fs';
import { feedCards, fixture, newAccount, open } from './helpers';

// Photos sized to the screen: the browser picks from `srcset` by the slot `sizes` names
// (600 CSS px, or the whole screen up to 640 px) and the screen's pixel density. A 12 MP
// upload is stored at 320, 640, 1,080 and 1,440 px wide.

/** Signs a new person up in the page's own context (so the page is signed in too). */
async function signUpHere(page: Page): Promise<void> {
  const baseURL = test.info().project.use.baseURL ?? 'http://127.0.0.1:3100';
  const account = newAccount('Screen Tester');
  const response = await page.request.post('/api/fn/sign_up', {
    form: { username: account.username, full_name: account.fullName, email: account.email, password: account.password },
    headers: { Origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** Posts the 12 MP fixture (4,000 × 3,000) through the upload API; answers the post's id. */
async function postLargePhoto(page: Page, caption: string): Promise<number> {
  const baseURL = test.info().project.use.baseURL ?? 'http://127.0.0.1:3100';
  const response = await page.request.post('/posts/new/', {
    multipart: {
      images: { name: 'photo_12mp.jpg', mimeType: 'image/jpeg', buffer: fs.readFileSync(fixture('photo_12mp.jpg')) },
      caption,
    },
    headers: { Accept: 'application/json', Origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { postid: number }).postid;
}

interface Loaded {
  /** The file the browser chose (`img.currentSrc`), as a path. */
  file: string;
  /** That file's width in pixels (its `srcset` descriptor). */
  fileWidth: number;
  /** Every width `srcset` offers. */
  offered: number[];
  /** The device pixels of the slot `sizes` names (the screen up to 640 px, else 600). */
  needed: number;
}

/** Waits until `img` has loaded (state, not time), then answers what it loaded. */
async function loaded(img: Locator): Promise<Loaded> {
  await expect(img).toHaveJSProperty('complete', true);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0);
  return img.evaluate((el: HTMLImageElement) => {
    const file = new URL(el.currentSrc).pathname;
    const candidates = (el.getAttribute('srcset') ?? '').split(',').map((c) => {
      const [url, width] = c.trim().split(/\s+/);
      return { url, width: Number(width.replace('w', '')) };
    });
    return {
      file,
      fileWidth: candidates.find((c) => c.url === file)?.width ?? -1,
      offered: candidates.map((c) => c.width),
      needed: Math.floor((window.innerWidth <= 640 ? window.innerWidth : 600) * window.devicePixelRatio),
    };
  });
}

const MIDDLE = /^\/uploads\/[0-9a-f]{32}_(640|1080)\.jpg$/;
const FULL = /^\/uploads\/[0-9a-f]{32}\.jpg$/;

const screens = [
  // Phones: the photo spans the screen. 390 CSS px at DPR 2 cover 780 device pixels: the
  // 1,080 px file; 360 at DPR 3, 1,080: the same file.
  { label: 'a phone (390 × 844, DPR 2)', viewport: { width: 390, height: 844 }, dpr: 2, expected: MIDDLE },
  { label: 'a phone (360 × 780, DPR 3)', viewport: { width: 360, height: 780 }, dpr: 3, expected: MIDDLE },
  // 390 at DPR 3 cover 1,170 device pixels: only the 1,440 px file is that wide.
  { label: 'a phone (390 × 844, DPR 3)', viewport: { width: 390, height: 844 }, dpr: 3, expected: FULL },
  // A desktop: the photo's slot is 600 CSS px, so the 640 px file at DPR 1, and at DPR 2
  // (1,200 device pixels) the 1,440 px one.
  { label: 'a desktop (1280 × 720, DPR 1)', viewport: { width: 1280, height: 720 }, dpr: 1, expected: MIDDLE },
  { label: 'a desktop (1280 × 720, DPR 2)', viewport: { width: 1280, height: 720 }, dpr: 2, expected: FULL },
];

for (const screen of screens) {
  test.describe(`photos on ${screen.label}`, () => {
    test.use({ viewport: screen.viewport, deviceScaleFactor: screen.dpr });

    test('the feed and the post page load the smallest sharp file, the first photo first', async ({ page }) => {
      await signUpHere(page);
      const id = await postLargePhoto(page, 'sized to the screen');

      for (const path of ['/', `/posts/${id}/`]) {
        await open(page, path);
        const scope = path === '/' ? feedCards(page).first() : page.locator('article.post');
        const img = scope.locator('img[srcset]').first();
        await expect(img).toHaveAttribute('loading', 'eager');
        await expect(img).toHaveAttribute('fetchpriority', 'high');
        await expect(img).toHaveAttribute('sizes', '(max-width: 640px) 100vw, 600px');
        const got = await loaded(img);
        expect(got.offered, path).toEqual([320, 640, 1080, 1440]);
        expect(got.file, path).toMatch(screen.expected);
        // Sharp (at least the device pixels it covers), and not bigger than it must be: the
        // smallest file offered that is that wide.
        expect(got.fileWidth, path).toBeGreaterThanOrEqual(got.needed);
        expect(got.fileWidth, path).toBe(Math.min(...got.offered.filter((w) => w >= got.needed)));
        if (screen.dpr >= 2 && screen.viewport.width > 640) expect(got.fileWidth, path).toBeGreaterThanOrEqual(1080);
      }
    });
  });
}
