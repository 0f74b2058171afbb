import { expect, test } from '@playwright/test';
import {
  expectSignedIn,
  expectSignedOut,
  expectSignInRefused,
  formError,
  INVALID_CREDENTIALS,
  newAccount,
  open,
  signIn,
  signOut,
  signUp,
  submitSignInForm,
  submitSignUp,
} from './helpers';

test.describe('accounts: sign up, sign out, sign in', () => {
  test('a new account is signed in; signing out and in again works', async ({ page }) => {
    await open(page, '/');
    await expectSignedOut(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Share the moments that matter.' })).toBeVisible();

    const account = await signUp(page, newAccount('Grace Hopper'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your feed is empty');
    await expect(page.locator('header.site-header .avatar-initial')).toHaveText('G');

    await signOut(page);

    await signIn(page, account);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your feed is empty');
    // The session survives a full page load.
    await open(page, '/');
    await expectSignedIn(page, account);
  });

  test('a wrong password is refused with the single agreed message', async ({ page }) => {
    const account = await signUp(page);
    await signOut(page);

    await expectSignInRefused(page, account.username, `${account.password}x`);
    await expect(formError(page)).toHaveText(INVALID_CREDENTIALS);
    await expect(formError(page)).toHaveAttribute('role', 'alert');

    // An unknown user gets exactly the same answer.
    await expectSignInRefused(page, `${account.username}zz`, account.password);
  });

  test('a username that is taken cannot be signed up again', async ({ page }) => {
    const first = await signUp(page);
    await page.context().clearCookies();

    const second = { ...newAccount('Someone Else'), username: first.username };
    await submitSignUp(page, second);
    await expect(formError(page)).toHaveText('This username is taken. Try another one.');
    await expect(page).toHaveURL(/\/accounts\/create\//);
    await expectSignedOut(page);

    // The original owner still signs in with their own password; the intruder's is refused.
    await expectSignInRefused(page, first.username, second.password);
    await signIn(page, first);
  });

  test('a signed-out visit to a private page signs in, then comes back', async ({ page }) => {
    const account = await signUp(page);
    await signOut(page);

    const response = await open(page, '/accounts/edit/');
    expect(response, 'a response to /accounts/edit/').not.toBeNull();
    await expect(page).toHaveURL(/\/accounts\/login\/\?next=%2Faccounts%2Fedit%2F$/);
    expect(page.url()).toContain('next=');

    await submitSignInForm(page, account.username, account.password);
    await expect(page).toHaveURL(/:\d+\/accounts\/edit\/$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Edit profile' })).toBeVisible();
    await expectSignedIn(page, account);
  });
});
