import { expect, test, type Locator, type Page, type Response } from '@playwright/test';
import * as path from 'path';

/** The one message for a wrong username or password, whichever was wrong. */
export const INVALID_CREDENTIALS = 'Invalid username or password';

export interface Account {
  username: string;
  fullName: string;
  email: string;
  password: string;
}

/** Whether the running project has JavaScript on (the `hydrated` project). */
export function jsEnabled(): boolean {
  return test.info().project.use.javaScriptEnabled !== false;
}

/**
 * A username no other test (in either project) uses: the run shares one database.
 * Only a-z, 0-9 (allowed: a-z 0-9 . _), 16 characters (limit 30).
 */
export function uniqueUsername(prefix = 'u'): string {
  const time = Date.now().toString(36);
  const random = Math.random().toString(36).slice(2, 9).padEnd(7, '0');
  return `${prefix}${time}${random}`.slice(0, 30);
}

export function newAccount(fullName = 'Ada Tester'): Account {
  const username = uniqueUsername();
  return {
    username,
    fullName,
    email: `${username}@example.com`,
    password: `pw-${Math.random().toString(36).slice(2, 10)}-secret`,
  };
}

/**
 * In the hydrated project, waits until the WebAssembly has been fetched and run: the
 * hydration script imports /pkg/shutter.<hash>.js, which fetches /pkg/shutter.<hash>.wasm
 * and hydrates.
 * Without JavaScript there is nothing to wait for.
 */
export async function waitForHydration(page: Page): Promise<void> {
  if (!jsEnabled()) return;
  // The app marks <body data-hydrated> once hydration is done; then let requests settle.
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached', timeout: 15_000 });
  await page.waitForLoadState('networkidle');
}

/** `page.goto`, then (with JavaScript) wait for hydration. Returns the main response. */
export async function open(page: Page, url: string): Promise<Response | null> {
  const response = await page.goto(url);
  await waitForHydration(page);
  return response;
}

export async function reload(page: Page): Promise<Response | null> {
  const response = await page.reload();
  await waitForHydration(page);
  return response;
}

export function header(page: Page): Locator {
  return page.locator('header.site-header');
}

/** Saves a full-page screenshot in the test's own output folder (under test-results/). */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${test.info().project.name}-${name}.png`), fullPage: true });
}

/** The form's error (a failed action), `p.form-error` with role=alert. */
export function formError(page: Page): Locator {
  return page.locator('p.form-error');
}

/** The live-validation message under the input labelled `label`. */
export function fieldError(page: Page, label: string): Locator {
  const input = page.getByLabel(label, { exact: true });
  return page.locator('.field').filter({ has: input }).locator('p.field-error');
}

export async function expectSignedIn(page: Page, account: Account): Promise<void> {
  const nav = header(page);
  await expect(nav.getByRole('link', { name: account.username, exact: true })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Sign in', exact: true })).toHaveCount(0);
}

export async function expectSignedOut(page: Page): Promise<void> {
  const nav = header(page);
  await expect(nav.getByRole('link', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Sign up', exact: true })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(0);
}

/** Fills and submits the sign-up form (at /accounts/create/, optionally with ?next=). */
export async function submitSignUp(page: Page, account: Account, next?: string): Promise<void> {
  const url = next ? `/accounts/create/?next=${encodeURIComponent(next)}` : '/accounts/create/';
  await open(page, url);
  await expect(page.getByRole('heading', { level: 1, name: 'Create an account' })).toBeVisible();
  await page.getByLabel('Username', { exact: true }).fill(account.username);
  await page.getByLabel('Full name', { exact: true }).fill(account.fullName);
  await page.getByLabel('Email', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
}

/** Signs up and checks the outcome: home, welcomed by name, signed in. */
export async function signUp(page: Page, account: Account = newAccount()): Promise<Account> {
  await submitSignUp(page, account);
  await expect(page).toHaveURL(/:\d+\/$/);
  // A new account's home is its (empty) feed.
  await expect(page.getByRole('heading', { level: 1, name: 'Your feed is empty' })).toBeVisible();
  await expectSignedIn(page, account);
  return account;
}

/** Fills and submits the sign-in form on the current page (already /accounts/login/…). */
export async function submitSignInForm(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Opens /accounts/login/ and submits the form; the caller checks the outcome. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await open(page, '/accounts/login/');
  await submitSignInForm(page, username, password);
}

/** Signs in and checks the outcome: home, signed in. */
export async function signIn(page: Page, account: Account, password = account.password): Promise<void> {
  await submitSignIn(page, account.username, password);
  await expect(page).toHaveURL(/:\d+\/$/);
  await expectSignedIn(page, account);
}

/** Signs in with a password that must be refused. */
export async function expectSignInRefused(page: Page, username: string, password: string): Promise<void> {
  await submitSignIn(page, username, password);
  await expect(formError(page)).toHaveText(INVALID_CREDENTIALS);
  await expect(page).toHaveURL(/\/accounts\/login\//);
  await expectSignedOut(page);
}

/** Clicks "Sign out" in the nav: back home, signed out. */
export async function signOut(page: Page): Promise<void> {
  await header(page).getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/:\d+\/$/);
  await expectSignedOut(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Share the moments that matter.' })).toBeVisible();
}

// ---------------------------------------------------------------------------------------
// Photo posts

/** The refusal of a file that is not a supported image. */
export const NOT_AN_IMAGE = 'This file is not a JPEG, PNG, WebP or GIF image.';

/** A file of the server's test fixtures (server/tests/fixtures/). */
export function fixture(name: string): string {
  return path.join(__dirname, '../../server/tests/fixtures', name);
}

/** A tag (letters and digits) no other test uses: the run shares one database. */
export function uniqueTag(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

export interface NewPost {
  /** Fixture names (server/tests/fixtures/), in order. */
  files: string[];
  caption?: string;
  /** Alt texts by photo index; missing or empty entries are left blank. */
  alts?: string[];
}

/** The new-post form's file input. */
export function photoInput(page: Page): Locator {
  return page.locator('input[type=file][name=images]');
}

/** The previews of the chosen photos (hydrated only). */
export function previews(page: Page): Locator {
  return page.locator('ul.previews li.preview');
}

/**
 * Opens /posts/new/, chooses the photos and fills caption and alt texts (with JavaScript in
 * the previews, without in the "Alt text for each photo" fallback). Does not submit.
 */
export async function fillNewPost(page: Page, post: NewPost): Promise<void> {
  await open(page, '/posts/new/');
  await expect(page.getByRole('heading', { level: 1, name: 'New post' })).toBeVisible();
  await photoInput(page).setInputFiles(post.files.map(fixture));
  const alts = post.alts ?? [];
  if (jsEnabled()) {
    await expect(previews(page)).toHaveCount(post.files.length);
    for (const [i, alt] of alts.entries()) {
      if (alt) await previews(page).nth(i).getByPlaceholder('Describe this photo (alt text)').fill(alt);
    }
  } else {
    // Without JavaScript nothing previews the files.
    await expect(previews(page)).toHaveCount(0);
  }
  if (!jsEnabled() && alts.some(Boolean)) {
    const details = page.locator('details.alt-fallback');
    await details.locator('summary', { hasText: 'Alt text for each photo (optional)' }).click();
    for (const [i, alt] of alts.entries()) {
      if (alt) await details.getByLabel(`Photo ${i + 1}`, { exact: true }).fill(alt);
    }
  }
  if (post.caption !== undefined) {
    await page.getByLabel('Caption', { exact: true }).fill(post.caption);
  }
}

/** Creates a post through /posts/new/ and returns its id, once its page is shown. */
export async function createPost(page: Page, post: NewPost): Promise<number> {
  await fillNewPost(page, post);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page).toHaveURL(/\/posts\/\d+\/$/, { timeout: 15_000 });
  await expect(page.locator('article.post')).toBeVisible();
  await waitForHydration(page);
  return Number(new URL(page.url()).pathname.split('/')[2]);
}

/** The post-count line of a profile ("1 post", "3 posts"). */
export function postCount(page: Page): Locator {
  return page.locator('.profile p.counts .post-count');
}

// ---------------------------------------------------------------------------------------
// Follows, the feed and likes

import type { Browser } from '@playwright/test';
import * as fs from 'fs';

/**
 * Creates a post without the UI: the upload API (`POST /posts/new/`, JSON answer) with the
 * session cookie of the page's context (page.request shares it). Returns the post's id.
 */
export async function apiCreatePost(page: Page, caption: string, file = 'animated.gif'): Promise<number> {
  const baseURL = test.info().project.use.baseURL ?? 'http://127.0.0.1:3100';
  const response = await page.request.post('/posts/new/', {
    multipart: {
      images: { name: file, mimeType: 'image/gif', buffer: fs.readFileSync(fixture(file)) },
      caption,
    },
    headers: { Accept: 'application/json', Origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(201);
  const body = (await response.json()) as { postid: number; url: string };
  return body.postid;
}

/**
 * A second person in the same project (JavaScript on or off alike): a page in a context of
 * its own, with its own cookies. Close it with `page.context().close()`.
 */
export async function otherPage(browser: Browser): Promise<Page> {
  const use = test.info().project.use;
  const context = await browser.newContext({
    baseURL: use.baseURL,
    javaScriptEnabled: use.javaScriptEnabled,
    viewport: use.viewport,
  });
  return context.newPage();
}

/** The cards of the feed on `/`. */
export function feedCards(page: Page): Locator {
  return page.locator('div.feed article.feed-card');
}

/** The feed card of the post with this id (its time links to the post). */
export function feedCard(page: Page, id: number): Locator {
  return feedCards(page).filter({ has: page.locator(`a.time-link[href="/posts/${id}/"]`) });
}

/** The heart (`button.like`) inside `scope` (a feed card, or the post page). */
export function likeButton(scope: Locator | Page): Locator {
  return scope.locator('div.actions-row button.like');
}

/** "0 likes", "1 like", "N likes" inside `scope`. */
export function likeCount(scope: Locator | Page): Locator {
  return scope.locator('div.actions-row span.like-count');
}

/** The profile's follower count ("0 followers", "1 follower"). */
export function followerCount(page: Page): Locator {
  return page.locator('.profile p.counts .follower-count');
}

/** The Follow / Following button on someone's profile. */
export function followButton(page: Page): Locator {
  return page.locator('.profile form.follow-form button[type=submit]');
}

export function isServerFn(response: Response, endpoint: string): boolean {
  return response.request().method() === 'POST' && new URL(response.url()).pathname === `/api/fn/${endpoint}`;
}

/**
 * Clicks a button that posts to the server function `endpoint` and waits for its answer:
 * hydrated a fetch answered 200, without JavaScript a form post redirected back.
 */
export async function clickAndSettle(page: Page, button: Locator, endpoint: string, javaScriptEnabled: boolean): Promise<void> {
  const [response] = await Promise.all([page.waitForResponse((r) => isServerFn(r, endpoint)), button.click()]);
  if (javaScriptEnabled) {
    expect(response.request().resourceType()).toBe('fetch');
    expect(response.status()).toBe(200);
  } else {
    expect(response.request().resourceType()).toBe('document');
    expect([302, 303]).toContain(response.status());
    await page.waitForLoadState('load');
  }
}

/**
 * Waits until the heart in `scope` has no request in flight (`data-pending="false"` on its
 * form; always so without JavaScript). Then what it shows is what the server confirmed.
 */
export async function likeSettled(scope: Locator | Page): Promise<void> {
  await expect(scope.locator('div.actions-row form.like-form')).toHaveAttribute('data-pending', 'false', {
    timeout: 15_000,
  });
}

export async function expectLiked(scope: Locator, count: string): Promise<void> {
  await expect(likeCount(scope)).toHaveText(count);
  await expect(likeButton(scope)).toHaveAttribute('aria-pressed', 'true');
  await expect(likeButton(scope)).toHaveAttribute('aria-label', 'Unlike');
}

export async function expectNotLiked(scope: Locator, count: string): Promise<void> {
  await expect(likeCount(scope)).toHaveText(count);
  await expect(likeButton(scope)).toHaveAttribute('aria-pressed', 'false');
  await expect(likeButton(scope)).toHaveAttribute('aria-label', 'Like');
}

/** Kept for the social specs: signing up lands on the empty feed. */
export const signUpToFeed = signUp;

// ---------------------------------------------------------------------------------------
// People made without the UI, for scenes that need a crowd

import type { APIRequestContext, PlaywrightWorkerArgs } from '@playwright/test';

/** A signed-up person behind a request context of their own (close it when done). */
export interface ApiPerson {
  account: Account;
  request: APIRequestContext;
}

/** Signs a new person up through the server function, as a script (same-origin POST). */
export async function apiPerson(playwright: PlaywrightWorkerArgs['playwright'], fullName = 'Helper Person'): Promise<ApiPerson> {
  const baseURL = test.info().project.use.baseURL ?? 'http://127.0.0.1:3100';
  const account = newAccount(fullName);
  const request = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  const response = await request.post('/api/fn/sign_up', {
    form: { username: account.username, full_name: account.fullName, email: account.email, password: account.password },
  });
  expect(response.status(), await response.text()).toBe(200);
  return { account, request };
}

/** `person` follows `username`. */
export async function apiFollow(person: ApiPerson, username: string): Promise<void> {
  const response = await person.request.post('/api/fn/follow', { form: { username } });
  expect(response.status(), await response.text()).toBe(200);
}

/** The nav's unread-notifications badge. */
export function unreadBadge(page: Page): Locator {
  return header(page).getByTestId('unread-count');
}
