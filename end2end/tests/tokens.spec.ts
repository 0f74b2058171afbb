import { expect, test } from '@playwright/test';
import { formError, newAccount, open, reload, signUp } from './helpers';

// Access tokens (/accounts/tokens/): create one (shown once), use it on the REST API,
// see it listed with its last use, revoke it. Runs hydrated and without JavaScript.

test.describe('access tokens', () => {
  test('a token is shown once, works on the API, and stops working when revoked', async ({ page }) => {
    await signUp(page, newAccount('Token Tester'));
    await open(page, '/accounts/edit/');
    const tabs = page.getByRole('navigation', { name: 'Account settings' });
    await expect(tabs.getByRole('link', { name: 'Access tokens', exact: true })).toHaveAttribute(
      'href',
      '/accounts/tokens/',
    );

    await open(page, '/accounts/tokens/');
    await expect(page.getByRole('heading', { level: 1, name: 'Access tokens' })).toBeVisible();
    await expect(page.getByText('You have no tokens.')).toBeVisible();

    // A name is required.
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    await expect(formError(page)).toContainText('Give the token a name');

    await page.getByLabel('Token name', { exact: true }).fill('backup script');
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    const value = page.getByLabel('New access token');
    await expect(value).toHaveValue(/^shutter_pat_[0-9a-f]{64}$/);
    const token = await value.inputValue();
    const row = page.getByRole('row').filter({ hasText: 'backup script' });
    await expect(row).toContainText('never');

    // The API answers to it (an Authorization header is judged alone, cookie or not).
    const api = await page.request.get('/api/v1/posts/', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(api.status()).toBe(200);

    // Shown once: gone after a reload; listed with its last use.
    await reload(page);
    await expect(page.getByLabel('New access token')).toHaveCount(0);
    await open(page, '/accounts/tokens/');
    await expect(page.getByRole('row').filter({ hasText: 'backup script' })).not.toContainText('never');

    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    await expect.soft(page.getByText('Token revoked.', { exact: true })).toBeVisible();
    await expect(page.getByText('You have no tokens.')).toBeVisible();
    const refused = await page.request.get('/api/v1/posts/', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toMatchObject({ status_code: 403 });
  });
});
