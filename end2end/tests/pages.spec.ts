import { expect, test } from '@playwright/test';
import { expectSignedOut, fieldError, header, newAccount, open, signUp } from './helpers';

const BAD_USERNAME_MESSAGE = "A username may only use letters a–z, digits, '.' and '_'.";

test.describe('pages', () => {
  test('an unknown address answers 404 with "Page not found"', async ({ page }) => {
    const response = await open(page, '/no/such/page/');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await expect(page.getByRole('link', { name: 'Go home' })).toHaveAttribute('href', '/');
    await expectSignedOut(page);
  });

  test('the landing page and the sign-up page render for visitors', async ({ page }) => {
    const response = await open(page, '/');
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle('Shutter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Share the moments that matter.');
    await expect(page.locator('main').getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/accounts/create/');

    await header(page).getByRole('link', { name: 'Sign up', exact: true }).click();
    await expect(page).toHaveURL(/\/accounts\/create\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create an account');
    await expect(page).toHaveTitle('Create an account · Shutter');
    for (const label of ['Username', 'Full name', 'Email', 'Password']) {
      await expect(page.getByLabel(label, { exact: true })).toBeVisible();
    }
  });
});

test.describe('hydration', () => {
  test('live validation runs in the browser once hydrated', async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'needs JavaScript');
    await open(page, '/accounts/create/');
    const username = page.getByLabel('Username', { exact: true });
    const message = fieldError(page, 'Username');
    await expect(message).toHaveText('');

    // Blur without submitting: only the hydrated page can show this.
    await expect(async () => {
      await username.fill('Bad Name!');
      await username.press('Tab');
      await expect(message).toHaveText(BAD_USERNAME_MESSAGE, { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(username).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/\/accounts\/create\/$/);

    // Fixing the value clears the message as you type.
    await username.fill('good.name_1');
    await expect(message).toHaveText('');
    await expect(username).toHaveAttribute('aria-invalid', 'false');
  });

  test('without JavaScript, nothing validates on blur', async ({ page, javaScriptEnabled }) => {
    test.skip(javaScriptEnabled, 'checks the JavaScript-less page');
    await open(page, '/accounts/create/');
    const username = page.getByLabel('Username', { exact: true });
    await username.fill('Bad Name!');
    await username.press('Tab');
    // No script runs in this project (so no wait for one could ever end): the page was
    // never hydrated, and the server-rendered form shows no message.
    await expect(page.locator('body[data-hydrated]')).toHaveCount(0);
    await expect(fieldError(page, 'Username')).toHaveText('');
    await expect(page.getByText(BAD_USERNAME_MESSAGE)).toHaveCount(0);
    await expect(page).toHaveURL(/\/accounts\/create\/$/);
  });
});

test.describe('content security policy', () => {
  for (const path of ['/', '/accounts/create/', '/accounts/login/', '/no/such/page/']) {
    test(`${path} has a nonce-based CSP without 'unsafe-inline' in script-src`, async ({ page }) => {
      const response = await page.goto(path);
      expect(response).not.toBeNull();
      const csp = response!.headers()['content-security-policy'];
      expect(csp, 'Content-Security-Policy header').toBeTruthy();

      const directives = new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .filter((parts) => parts[0])
          .map(([name, ...values]) => [name.toLowerCase(), values] as const),
      );
      const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
      expect(scriptSrc, 'script-src (or default-src)').toBeDefined();
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      const nonces = scriptSrc!.filter((v) => v.startsWith("'nonce-"));
      expect(nonces, 'exactly one nonce in script-src').toHaveLength(1);
      const nonce = nonces[0].slice("'nonce-".length, -1);
      expect(nonce.length).toBeGreaterThanOrEqual(16);

      // Every inline script in the page carries this request's nonce.
      const html = await response!.text();
      const inline = [...html.matchAll(/<script\b([^>]*)>/gi)].filter(([, attrs]) => !/\bsrc\s*=/.test(attrs));
      expect(inline.length, 'the page has its hydration script').toBeGreaterThan(0);
      for (const [tag, attrs] of inline) {
        const found = /\bnonce\s*=\s*"([^"]*)"/.exec(attrs)?.[1];
        expect(found, `nonce of ${tag}`).toBe(nonce);
      }

      // A second request gets a fresh nonce.
      const again = await page.request.get(path);
      expect(again.headers()['content-security-policy']).not.toContain(`'nonce-${nonce}'`);
    });
  }

  test('signing up causes no CSP violation, console error or page error', async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'needs JavaScript');
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
      });
    });

    const account = await signUp(page, newAccount('Csp Checker'));
    await open(page, '/accounts/edit/');
    await expect(page.getByLabel('Full name', { exact: true })).toHaveValue(account.fullName);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });
});

test.describe('screenshots', () => {
  const viewports = [
    { label: 'desktop', size: { width: 1280, height: 720 } },
    { label: 'phone', size: { width: 390, height: 844 } },
  ];
  for (const { label, size } of viewports) {
    test(`landing and sign-up pages fit a ${label} screen`, async ({ page }, testInfo) => {
      await page.setViewportSize(size);
      const project = testInfo.project.name;

      await open(page, '/');
      const h1 = page.getByRole('heading', { level: 1, name: 'Share the moments that matter.' });
      await expect(h1).toBeVisible();
      const box = await h1.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
      await page.screenshot({ path: testInfo.outputPath(`${project}-landing-${label}.png`), fullPage: true });

      await open(page, '/accounts/create/');
      await expect(page.getByRole('heading', { level: 1, name: 'Create an account' })).toBeVisible();
      const button = page.getByRole('button', { name: 'Sign up', exact: true });
      await expect(button).toBeVisible();
      const buttonBox = await button.boundingBox();
      expect(buttonBox!.x + buttonBox!.width).toBeLessThanOrEqual(size.width);
      await page.screenshot({ path: testInfo.outputPath(`${project}-signup-${label}.png`), fullPage: true });
    });
  }
});
