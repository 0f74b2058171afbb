import { expect, test, type Page } from '@playwright/test';
import {
  createPost,
  fillNewPost,
  fixture,
  formError,
  header,
  newAccount,
  NOT_AN_IMAGE,
  open,
  photoInput,
  postCount,
  previews,
  shoot,
  signOut,
  signUp,
  uniqueTag,
  type Account,
} from './helpers';

// Every test signs up its own account and makes its own posts: the run shares one
// database, in parallel, across both projects. Tags whose absence a test checks are made
// unique for that reason (a shared "#travel" would be listed by the other tests' posts).

const ROTATED = 'gps_orientation6.jpg'; // 1200x800 stored, EXIF orientation 6 (rotate 90°)
const WEBP = 'photo.webp';
const ALT = 'Green hills under a grey sky';

function caption(me: Account, tag = 'Travel'): string {
  return `Hills with @${me.username} #${tag}`;
}

function editTools(page: Page) {
  return {
    edit: page.locator('details', { has: page.locator('summary', { hasText: 'Edit post' }) }),
    del: page.locator('details', { has: page.locator('summary', { hasText: 'Delete post…' }) }),
  };
}

async function expectNoOwnerTools(page: Page): Promise<void> {
  await expect(page.locator('article.post')).toBeVisible();
  await expect(page.locator('summary', { hasText: 'Edit post' })).toHaveCount(0);
  await expect(page.locator('summary', { hasText: 'Delete post…' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete this post' })).toHaveCount(0);
}

/** Waits until every (eager) image of the page has loaded, for screenshots. */
async function imagesLoaded(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() =>
        Array.from(document.images)
          .filter((img) => img.loading !== 'lazy')
          .every((img) => img.complete && img.naturalWidth > 0),
      ),
    )
    .toBe(true);
}

test.describe('photo posts', () => {
  test('visitors are sent to sign in; members get the form from the nav', async ({ page }) => {
    const response = await open(page, '/posts/new/');
    expect(response?.ok()).toBe(true);
    await expect(page).toHaveURL((url) => url.pathname === '/accounts/login/' && url.search === '?next=%2Fposts%2Fnew%2F');

    const me = await signUp(page);
    const nav = header(page);
    await expect(nav.getByRole('link', { name: 'New post', exact: true })).toHaveAttribute('href', '/posts/new/');
    await expect(nav.getByRole('link', { name: me.username, exact: true })).toHaveAttribute('href', `/users/${me.username}/`);
    await nav.getByRole('link', { name: 'New post', exact: true }).click();
    await expect(page).toHaveURL(/\/posts\/new\/$/);
    await expect(page.getByRole('heading', { level: 1, name: 'New post' })).toBeVisible();
    const form = page.locator('form[action="/posts/new/"]');
    await expect(form).toHaveAttribute('enctype', 'multipart/form-data');
    await expect(photoInput(page)).toHaveAttribute('multiple', '');
    await expect(form.getByLabel('Caption', { exact: true })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Share', exact: true })).toBeVisible();
  });

  test('create a post with two photos, a caption and alt text', async ({ page, javaScriptEnabled }) => {
    const me = await signUp(page);
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/posts/new/');
    const id = await createPost(page, { files: [ROTATED, WEBP], caption: caption(me), alts: [ALT] });
    expect(id).toBeGreaterThan(0);
    // Hydrated, the page uploads with XHR (201 + JSON) and navigates itself; without
    // JavaScript the form posts natively and is redirected (303).
    const request = await posted;
    const answer = await request.response();
    if (javaScriptEnabled) {
      expect(request.resourceType()).toBe('xhr');
      expect(answer?.status()).toBe(201);
      expect(await answer?.json()).toEqual({ postid: id, url: `/posts/${id}/` });
    } else {
      expect(request.resourceType()).toBe('document');
      expect(answer?.status()).toBe(303);
      expect(answer?.headers()['location']).toBe(`/posts/${id}/`);
    }

    const post = page.locator('article.post');
    await expect(post.locator('header a.author')).toHaveAttribute('href', `/users/${me.username}/`);
    await expect(post.locator('header a.author')).toContainText(me.username);
    await expect(post.locator('header time')).toHaveText('a few seconds ago');

    const slides = post.locator('div.carousel figure.slide');
    await expect(slides).toHaveCount(2);
    await expect(post.locator('div.single')).toHaveCount(0);
    const first = slides.nth(0).locator('img');
    const second = slides.nth(1).locator('img');
    await expect(first).toHaveAttribute('alt', ALT);
    await expect(second).toHaveAttribute('alt', '');
    await expect(first).toHaveAttribute('srcset', /\S+ \d+w, \S+ \d+w/);

    // The EXIF rotation is applied: the 1200x800 landscape file becomes an 800x1200 portrait.
    const width = Number(await first.getAttribute('width'));
    const height = Number(await first.getAttribute('height'));
    expect(height, 'height attribute > width attribute').toBeGreaterThan(width);
    // page.evaluate runs even with JavaScript off (Playwright's own world).
    await expect
      .poll(() => first.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    const natural = await first.evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
    expect(natural.h, `natural size ${natural.w}x${natural.h}`).toBeGreaterThan(natural.w);

    // The caption: username, then the text with #tag and @mention as links.
    const text = post.locator('p.caption');
    await expect(text).toHaveText(`${me.username} ${caption(me)}`);
    await expect(text.locator('a.author-name')).toHaveAttribute('href', `/users/${me.username}/`);
    await expect(text.locator('a.tag')).toHaveText('#Travel');
    await expect(text.locator('a.tag')).toHaveAttribute('href', '/tags/travel/');
    await expect(text.locator('a.mention')).toHaveText(`@${me.username}`);
    await expect(text.locator('a.mention')).toHaveAttribute('href', `/users/${me.username}/`);

    // The owner's tools are there (closed).
    const { edit, del } = editTools(page);
    await expect(edit).toHaveCount(1);
    await expect(del).toHaveCount(1);
  });

  test('the post is on the profile grid, newest first, and on its tag page', async ({ page }) => {
    const me = await signUp(page, newAccount('Hana Hills'));
    const older = await createPost(page, { files: [WEBP], caption: 'An older one' });
    const id = await createPost(page, { files: [ROTATED, WEBP], caption: caption(me), alts: [ALT] });
    await imagesLoaded(page);
    await shoot(page, 'post-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await imagesLoaded(page);
    await shoot(page, 'post-phone');
    await page.setViewportSize({ width: 1280, height: 720 });

    await open(page, `/users/${me.username}/`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(me.username);
    await expect(page.locator('.profile .profile-name')).toHaveText('Hana Hills');
    await expect(postCount(page)).toHaveText('2 posts');
    const items = page.locator('ul.grid a.grid-item');
    await expect(items).toHaveCount(2);
    await expect(items.nth(0)).toHaveAttribute('href', `/posts/${id}/`);
    await expect(items.nth(1)).toHaveAttribute('href', `/posts/${older}/`);
    await expect(items.nth(0).locator('img')).toHaveAttribute('alt', ALT);
    await imagesLoaded(page);
    await shoot(page, 'profile-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await imagesLoaded(page);
    await shoot(page, 'profile-phone');
    await page.setViewportSize({ width: 1280, height: 720 });

    // A grid item leads to the post.
    await items.nth(0).click();
    await expect(page).toHaveURL(new RegExp(`/posts/${id}/$`));
    await expect(page.locator('article.post p.caption')).toContainText(caption(me));

    // Other tests post "#Travel" too, so only check that this post is listed.
    const response = await open(page, '/tags/travel/');
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('#travel');
    await expect(page.locator(`ul.grid a.grid-item[href="/posts/${id}/"]`)).toHaveCount(1);
    await expect(page.locator(`ul.grid a.grid-item[href="/posts/${older}/"]`)).toHaveCount(0);

    const unknown = await open(page, `/users/${me.username}x/`);
    expect(unknown?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  });

  test('the owner edits the caption: the tags follow', async ({ page }) => {
    const me = await signUp(page);
    const before = uniqueTag('Travel');
    const after = uniqueTag('later');
    const id = await createPost(page, { files: [ROTATED, WEBP], caption: caption(me, before), alts: [ALT] });

    const { edit } = editTools(page);
    await edit.locator('summary').click();
    const captionField = edit.getByLabel('Caption', { exact: true });
    await expect(captionField).toHaveValue(caption(me, before));
    await expect(edit.getByLabel('Alt text, photo 1', { exact: true })).toHaveValue(ALT);
    await expect(edit.getByLabel('Alt text, photo 2', { exact: true })).toHaveValue('');
    const edited = `Edited caption #${after}`;
    await captionField.fill(edited);
    await edit.getByRole('button', { name: 'Save changes', exact: true }).click();

    await expect.soft(page.getByText('Post updated.', { exact: true })).toBeVisible();
    await expect(formError(page)).toHaveCount(0);
    await expect(page).toHaveURL((url) => url.pathname === `/posts/${id}/`);
    await expect(page.locator('article.post p.caption')).toHaveText(`${me.username} ${edited}`);
    await expect(page.locator('article.post p.caption a.tag')).toHaveAttribute('href', `/tags/${after.toLowerCase()}/`);
    // The alt text was kept.
    await expect(page.locator('figure.slide img').first()).toHaveAttribute('alt', ALT);

    const later = await open(page, `/tags/${after.toLowerCase()}/`);
    expect(later?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`#${after.toLowerCase()}`);
    await expect(page.locator('ul.grid a.grid-item')).toHaveCount(1);
    await expect(page.locator('ul.grid a.grid-item')).toHaveAttribute('href', `/posts/${id}/`);

    const gone = await open(page, `/tags/${before.toLowerCase()}/`);
    expect(gone?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  });

  test('the owner deletes the post', async ({ page }) => {
    const me = await signUp(page);
    const id = await createPost(page, { files: [ROTATED, WEBP], caption: caption(me), alts: [ALT] });

    const { del } = editTools(page);
    await del.locator('summary').click();
    await del.getByRole('button', { name: 'Delete this post', exact: true }).click();

    await expect(page).toHaveURL((url) => url.pathname === `/users/${me.username}/`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(me.username);
    await expect(page.getByText('No posts yet.', { exact: true })).toBeVisible();
    await expect(page.locator('ul.grid a.grid-item')).toHaveCount(0);
    await expect(postCount(page)).toHaveText('0 posts');

    const response = await open(page, `/posts/${id}/`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  });

  test('visitors and other members see the post without the owner tools', async ({ page }) => {
    const owner = await signUp(page);
    const id = await createPost(page, { files: [ROTATED, WEBP], caption: caption(owner), alts: [ALT] });

    await signOut(page);
    await open(page, `/posts/${id}/`);
    await expect(page.locator('article.post p.caption')).toHaveText(`${owner.username} ${caption(owner)}`);
    await expectNoOwnerTools(page);

    await signUp(page);
    const response = await open(page, `/posts/${id}/`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('article.post header a.author')).toContainText(owner.username);
    await expect(page.locator('div.carousel figure.slide')).toHaveCount(2);
    await expectNoOwnerTools(page);
  });

  test('a file that is not an image is refused and no post is made', async ({ page, javaScriptEnabled }) => {
    const me = await signUp(page);
    await fillNewPost(page, { files: ['not_an_image.jpg'], caption: 'Not a photo' });

    if (javaScriptEnabled) {
      await page.getByRole('button', { name: 'Share', exact: true }).click();
      await expect(formError(page)).toHaveText(NOT_AN_IMAGE, { timeout: 10_000 });
      await expect(page).toHaveURL(/\/posts\/new\/$/);
      await expect(page.locator('progress')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Share', exact: true })).toBeEnabled();
    } else {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/posts/new/'),
        page.getByRole('button', { name: 'Share', exact: true }).click(),
      ]);
      expect(response.status()).toBe(415);
      await expect(page.locator('p.form-error')).toHaveText(NOT_AN_IMAGE);
      const again = page.getByRole('link', { name: 'Try again', exact: true });
      await expect(again).toHaveAttribute('href', '/posts/new/');
      await again.click();
      await expect(page.getByRole('heading', { level: 1, name: 'New post' })).toBeVisible();
    }

    await open(page, `/users/${me.username}/`);
    await expect(postCount(page)).toHaveText('0 posts');
    await expect(page.getByText('No posts yet.', { exact: true })).toBeVisible();
  });

  test('a chosen photo can be removed before the upload', async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'previews need JavaScript');
    await signUp(page);
    await fillNewPost(page, { files: [ROTATED, WEBP], caption: 'Only the hills', alts: [ALT, 'To be removed'] });
    await expect(previews(page).nth(0).locator('img')).toHaveAttribute('src', /^blob:/);
    await expect(previews(page).nth(1).getByPlaceholder('Describe this photo (alt text)')).toHaveValue('To be removed');

    await page.getByRole('button', { name: `Remove ${WEBP}`, exact: true }).click();
    await expect(previews(page)).toHaveCount(1);
    await expect(page.getByRole('button', { name: `Remove ${ROTATED}`, exact: true })).toBeVisible();
    await expect(previews(page).nth(0).getByPlaceholder('Describe this photo (alt text)')).toHaveValue(ALT);

    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await expect(page).toHaveURL(/\/posts\/\d+\/$/, { timeout: 15_000 });
    const post = page.locator('article.post');
    await expect(post.locator('div.single figure.slide img')).toHaveCount(1);
    await expect(post.locator('div.carousel')).toHaveCount(0);
    await expect(post.locator('div.single img')).toHaveAttribute('alt', ALT);
  });

  test('an upload shows its progress', async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'the progress bar needs JavaScript');
    await signUp(page);
    await fillNewPost(page, { files: [WEBP], caption: 'Slow upload' });
    // Hold the upload back until the progress bar has been seen (a fixed delay would race
    // a busy machine).
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = () => resolve()));
    await page.route('**/posts/new/', async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });

    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const progress = page.locator('form progress');
    await expect(progress).toBeVisible();
    await expect(progress).toHaveAttribute('max', '100');
    await expect(page.locator('.progress span')).toHaveText(/^(Uploading… \d+%|Processing…)$/);
    await expect(page.getByRole('button', { name: 'Share', exact: true })).toBeDisabled();

    release();
    await expect(page).toHaveURL(/\/posts\/\d+\/$/, { timeout: 15_000 });
    await expect(page.locator('article.post div.single img')).toHaveCount(1);
    await expect(progress).toHaveCount(0);
  });
});
