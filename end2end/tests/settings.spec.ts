import { expect, test } from '@playwright/test';
import {
  expectSignedIn,
  expectSignedOut,
  expectSignInRefused,
  formError,
  header,
  newAccount,
  open,
  reload,
  signIn,
  signOut,
  signUp,
} from './helpers';

// Success messages are checked with expect.soft: if one is missing, the rest of the flow
// still runs, so a failure report says what else did or did not work.

test.describe('account settings', () => {
  test('edit profile: full name and bio are saved', async ({ page }) => {
    const account = await signUp(page, newAccount('Ada Tester'));
    await expect(header(page).locator('.avatar-initial')).toHaveText('A');

    await open(page, '/accounts/edit/');
    await expect(page.getByRole('heading', { level: 1, name: 'Edit profile' })).toBeVisible();
    const tabs = page.getByRole('navigation', { name: 'Account settings' });
    await expect(tabs.getByRole('link', { name: 'Profile', exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(tabs.getByRole('link', { name: 'Password', exact: true })).toHaveAttribute('href', '/accounts/password/');
    await expect(tabs.getByRole('link', { name: 'Delete account', exact: true })).toHaveAttribute('href', '/accounts/delete/');

    const fullName = page.getByLabel('Full name', { exact: true });
    const email = page.getByLabel('Email', { exact: true });
    const bio = page.getByLabel('Bio', { exact: true });
    await expect(fullName).toHaveValue(account.fullName);
    await expect(email).toHaveValue(account.email);
    await expect(bio).toHaveValue('');

    const newName = 'Zoe Renamed';
    const newBio = 'Street photographer. Film, rain and neon.';
    await fullName.fill(newName);
    await bio.fill(newBio);
    await page.getByRole('button', { name: 'Save', exact: true }).click();

    await expect.soft(page.getByText('Profile saved.', { exact: true })).toBeVisible();
    await expect(formError(page)).toHaveCount(0);
    // Without JavaScript the form post redirects back here (server_fn leaves a bare "?").
    await expect(page).toHaveURL((url) => url.pathname === '/accounts/edit/' && !url.searchParams.has('__err'));

    await reload(page);
    await expect(page.getByLabel('Full name', { exact: true })).toHaveValue(newName);
    await expect(page.getByLabel('Bio', { exact: true })).toHaveValue(newBio);
    await expect(page.getByLabel('Email', { exact: true })).toHaveValue(account.email);
    // The nav's avatar shows the new initial; the profile shows the new name and bio.
    await expect(header(page).locator('.avatar-initial')).toHaveText('Z');
    await open(page, `/users/${account.username}/`);
    await expect(page.locator('.profile-name')).toHaveText(newName);
    await expect(page.locator('.bio')).toHaveText(newBio);
  });

  test('change password: the current one is checked; then only the new one works', async ({ page }) => {
    const account = await signUp(page);
    const newPassword = `${account.password}-new`;

    await open(page, '/accounts/password/');
    await expect(page.getByRole('heading', { level: 1, name: 'Change password' })).toBeVisible();
    await page.getByLabel('Current password', { exact: true }).fill('not-my-password');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change password', exact: true }).click();
    await expect(formError(page)).toHaveText('Your current password is not correct.');

    await page.getByLabel('Current password', { exact: true }).fill(account.password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change password', exact: true }).click();
    await expect
      .soft(page.getByText('Password changed. Other sessions were signed out.', { exact: true }))
      .toBeVisible();
    await expect(formError(page)).toHaveCount(0);
    await expect(page).toHaveURL((url) => url.pathname === '/accounts/password/' && !url.searchParams.has('__err'));

    // This session stays signed in after its own password change.
    await open(page, '/');
    await expectSignedIn(page, account);

    await signOut(page);
    await expectSignInRefused(page, account.username, account.password);
    await signIn(page, account, newPassword);
  });

  test('delete account: confirmed with the password, then gone for good', async ({ page }) => {
    const account = await signUp(page);

    await open(page, '/accounts/delete/');
    await expect(page.getByRole('heading', { level: 1, name: 'Delete account' })).toBeVisible();
    await page.getByLabel('Confirm with your password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Delete my account', exact: true }).click();

    await expect(page).toHaveURL(/:\d+\/$/);
    await expectSignedOut(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Share the moments that matter.' })).toBeVisible();

    await expectSignInRefused(page, account.username, account.password);
  });
});
