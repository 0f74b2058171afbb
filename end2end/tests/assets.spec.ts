import { expect, test, type Page, type Response } from '@playwright/test';
import { open, signUp } from './helpers';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// cargo-leptos names each file after its content: shutter.<22 base64url characters>.<ext>.
const HASHED = /^\/pkg\/shutter\.[A-Za-z0-9_-]{22}\.(css|js|wasm)$/;

/** The paths of the CSS, JS and WASM the page's head names (stylesheet, module, preload). */
async function ownAssets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.head.querySelectorAll<HTMLLinkElement>('link[rel=stylesheet], link[rel=modulepreload], link[rel=preload]')]
      .map((link) => new URL(link.href).pathname)
      .filter((path) => path.startsWith('/pkg/')),
  );
}

test.describe('static assets', () => {
  test("the page's CSS, JS and WASM have hashed names and are kept; the page is revalidated", async ({ page, javaScriptEnabled }) => {
    const fetched: Response[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/pkg/')) fetched.push(response);
    });
    const response = await open(page, '/');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['cache-control']).toBe('no-cache');

    const paths = await ownAssets(page);
    expect(paths.map((p) => p.split('.').pop()).sort()).toEqual(['css', 'js', 'wasm']);
    for (const path of paths) {
      expect(path).toMatch(HASHED);
      const answer = await page.request.get(path, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(answer.status(), path).toBe(200);
      expect(answer.headers()['cache-control'], path).toBe(IMMUTABLE);
      expect(answer.headers()['vary'], path).toMatch(/accept-encoding/i);
    }

    // What the browser itself fetched for the page: the CSS, and once hydrated the JS and WASM.
    const kinds = new Set(fetched.map((r) => new URL(r.url()).pathname.split('.').pop()));
    expect(kinds.has('css')).toBe(true);
    if (javaScriptEnabled) {
      expect(kinds.has('js') && kinds.has('wasm')).toBe(true);
    }
    for (const r of fetched) {
      const path = new URL(r.url()).pathname;
      expect(path).toMatch(HASHED);
      expect((await r.allHeaders())['cache-control'], path).toBe(IMMUTABLE);
    }
  });

  test('a signed-in page is private and revalidated', async ({ page }) => {
    await signUp(page);
    const response = await open(page, '/');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['cache-control']).toBe('private, no-cache');
  });
});
