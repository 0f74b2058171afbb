import { expect, test, type Locator, type Page, type Response } from '@playwright/test';
import {
  apiCreatePost,
  clickAndSettle,
  expectLiked,
  expectNotLiked,
  isServerFn,
  feedCard,
  feedCards,
  followButton,
  followerCount,
  likeButton,
  likeCount,
  likeSettled,
  open,
  otherPage,
  reload,
  shoot,
  signOut,
  signUpToFeed as signUp,
} from './helpers';

// Follows, the feed and likes. Every test signs up its own people and makes its own posts
// (through the upload API, which is quicker than the form): the run shares one database,
// in parallel, across both projects, and a feed only shows your posts and those of the
// people you follow, so nothing of the other tests turns up in it.

const LIKE_ERROR = 'Could not save your like';
const SERVER_ERROR_BODY = JSON.stringify({
  message: 'Something went wrong on our side. Please try again.',
  status_code: 500,
  code: 'internal',
});

/** Scrolls through the page so lazy images load, then waits until every image has. */
async function imagesLoaded(page: Page): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect
    .poll(() => page.evaluate(() => Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0)))
    .toBe(true);
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** The post ids of the feed's cards, in order (from their time links). */
async function cardIds(page: Page): Promise<number[]> {
  const hrefs = await feedCards(page).locator('a.time-link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.map((href) => Number(href.split('/')[2]));
}

test.describe('follows', () => {
  test('follow from the profile: their posts join the feed, newest first; unfollow takes them out', async ({
    page,
    browser,
    javaScriptEnabled,
  }) => {
    // Two people and about fifteen page loads: more than the default 30 s on a busy machine.
    test.setTimeout(60_000);
    const me = await signUp(page);
    const mine = await apiCreatePost(page, `Mine by ${me.username}`);
    const them = await otherPage(browser);
    try {
      const other = await signUp(them);
      const theirs = await apiCreatePost(them, `Theirs by ${other.username}`);
      expect(theirs).toBeGreaterThan(mine);

      // Not following yet: only my post.
      await open(page, '/');
      await expect(feedCards(page)).toHaveCount(1);
      await expect(feedCard(page, mine)).toHaveCount(1);
      await expect(feedCard(page, theirs)).toHaveCount(0);

      const profile = `/users/${other.username}/`;
      await open(page, profile);
      await expect(followButton(page)).toHaveText('Follow');
      await expect(followerCount(page)).toHaveText('0 followers');

      await clickAndSettle(page, followButton(page), 'follow', javaScriptEnabled);
      await expect(page).toHaveURL((url) => url.pathname === profile);
      await expect(followButton(page)).toHaveText('Following');
      await expect(followerCount(page)).toHaveText('1 follower');
      await reload(page);
      await expect(followButton(page)).toHaveText('Following');
      await expect(followerCount(page)).toHaveText('1 follower');

      // My profile counts the follow too.
      await open(page, `/users/${me.username}/`);
      await expect(page.locator('.profile p.counts .following-count')).toHaveText('1 following');

      // The feed: their (newer) post first, then mine.
      await open(page, '/');
      await expect(feedCards(page)).toHaveCount(2);
      expect(await cardIds(page)).toEqual([theirs, mine]);
      const first = feedCards(page).nth(0);
      await expect(first.locator('header.post-header a.author')).toHaveAttribute('href', profile);
      await expect(first.locator('header.post-header span.author-name')).toHaveText(other.username);
      await expect(first.locator('a.time-link time')).toBeVisible();
      await expect(first.locator('div.photo-frame figure.slide img')).toHaveCount(1);
      await expect(first.locator('p.caption')).toHaveText(`${other.username} Theirs by ${other.username}`);
      await expectNotLiked(first, '0 likes');
      await expect(feedCards(page).nth(1).locator('span.author-name')).toHaveText(me.username);
      // Two cards, no more pages.
      await expect(page.getByRole('link', { name: 'Older posts' })).toHaveCount(0);
      await expect(page.getByText("You're all caught up.", { exact: true })).toBeVisible();

      await imagesLoaded(page);
      await shoot(page, 'feed-desktop');
      await page.setViewportSize({ width: 390, height: 844 });
      await imagesLoaded(page);
      await shoot(page, 'feed-phone');
      await page.setViewportSize({ width: 1280, height: 720 });

      // Unfollow.
      await open(page, profile);
      await clickAndSettle(page, followButton(page), 'unfollow', javaScriptEnabled);
      await expect(page).toHaveURL((url) => url.pathname === profile);
      await expect(followButton(page)).toHaveText('Follow');
      await expect(followerCount(page)).toHaveText('0 followers');
      await reload(page);
      await expect(followButton(page)).toHaveText('Follow');
      await expect(followerCount(page)).toHaveText('0 followers');

      await open(page, '/');
      await expect(feedCards(page)).toHaveCount(1);
      await expect(feedCard(page, theirs)).toHaveCount(0);
      expect(await cardIds(page)).toEqual([mine]);
    } finally {
      await them.context().close();
    }
  });

  test('no follow button for a signed-out visitor, nor on your own profile', async ({ page }) => {
    const me = await signUp(page);
    const profile = `/users/${me.username}/`;

    await open(page, profile);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(me.username);
    await expect(followerCount(page)).toHaveText('0 followers');
    await expect(page.locator('form.follow-form')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Follow(ing)?$/ })).toHaveCount(0);

    await signOut(page);
    await open(page, profile);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(me.username);
    await expect(followerCount(page)).toHaveText('0 followers');
    await expect(page.locator('form.follow-form')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Follow(ing)?$/ })).toHaveCount(0);
  });
});

test.describe('likes', () => {
  test('like and unlike with the heart on a feed card', async ({ page, javaScriptEnabled }) => {
    const me = await signUp(page);
    const id = await apiCreatePost(page, `Like me, ${me.username}`);
    await open(page, '/');
    const card = feedCard(page, id);
    await expectNotLiked(card, '0 likes');

    await clickAndSettle(page, likeButton(card), 'like', javaScriptEnabled);
    await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === '');
    await expectLiked(card, '1 like');
    await reload(page);
    await expectLiked(card, '1 like');

    // The post page agrees.
    await open(page, `/posts/${id}/`);
    await expectLiked(page.locator('article.post'), '1 like');

    await open(page, '/');
    await clickAndSettle(page, likeButton(card), 'like', javaScriptEnabled);
    await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === '');
    await expectNotLiked(card, '0 likes');
    await reload(page);
    await expectNotLiked(card, '0 likes');
  });

  test('a double-click on the photo likes, and a second one does not unlike', async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'double-click to like needs JavaScript');
    const me = await signUp(page);
    const id = await apiCreatePost(page, `Double-click me, ${me.username}`);
    await open(page, '/');
    const card = feedCard(page, id);
    await expectNotLiked(card, '0 likes');
    const burst = card.locator('div.photo-frame .burst');
    const likeRequests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/fn/like') likeRequests.push(r.postData() ?? '');
    });

    // The burst lasts 700 ms, too short to catch on a busy machine: check the trace it
    // leaves (how many bursts were shown) and the lasting state, the heart and the count.
    await card.locator('div.photo-frame').dblclick();
    await expect(burst).toHaveAttribute('data-bursts', '1');
    await likeSettled(card);
    await expectLiked(card, '1 like');
    expect(likeRequests).toHaveLength(1);
    await reload(page);
    await expectLiked(card, '1 like');

    // Already liked: a second double-click shows the burst, keeps the like, and asks
    // nothing of the server. Proof of the latter without waiting: an unlike afterwards is
    // the only request since (with one request at a time, a like sent by the double-click
    // would have gone first).
    likeRequests.length = 0;
    await card.locator('div.photo-frame').dblclick();
    await expect(burst, 'one burst on the reloaded page').toHaveAttribute('data-bursts', '1');
    await expectLiked(card, '1 like');
    await likeButton(card).click();
    await likeSettled(card);
    await expectNotLiked(card, '0 likes');
    expect(likeRequests.map((body) => new URLSearchParams(body).get('liked'))).toEqual(['false']);
    await reload(page);
    await expectNotLiked(card, '0 likes');
  });

  test('the count changes before the server answers', async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'optimistic likes need JavaScript');
    const me = await signUp(page);
    const id = await apiCreatePost(page, `Quick like, ${me.username}`);
    await open(page, '/');
    const card = feedCard(page, id);
    await expectNotLiked(card, '0 likes');

    // The request is held until the test lets it go: what the page shows meanwhile can
    // only come from the page itself.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = () => resolve()));
    let arrived = false;
    await page.route('**/api/fn/like', async (route) => {
      arrived = true;
      await held;
      await route.continue();
    });
    await likeButton(card).click();
    await expectLiked(card, '1 like');
    await expect(card.locator('div.actions-row form.like-form')).toHaveAttribute('data-pending', 'true');
    await expect.poll(() => arrived, { message: 'the request was sent (and is held)' }).toBe(true);

    const answered = page.waitForResponse((r) => isServerFn(r, 'like'));
    release();
    expect((await answered).status()).toBe(200);
    await likeSettled(card);
    await expectLiked(card, '1 like');
    await expect(card.locator('[role=alert]')).toHaveCount(0);

    await page.unroute('**/api/fn/like');
    await reload(page);
    await expectLiked(card, '1 like');
  });

  test('a like the server refuses is rolled back with a message', async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'optimistic likes need JavaScript');
    const me = await signUp(page);
    const id = await apiCreatePost(page, `Refused like, ${me.username}`);
    await open(page, '/');
    const card = feedCard(page, id);
    await expectNotLiked(card, '0 likes');

    await page.route('**/api/fn/like', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: SERVER_ERROR_BODY }),
    );
    const [response] = await Promise.all([
      page.waitForResponse((r) => isServerFn(r, 'like')),
      likeButton(card).click(),
    ]);
    expect(response.status()).toBe(500);
    await expect(card.locator('[role=alert]')).toContainText(LIKE_ERROR);
    await shoot(page, 'like-refused');
    // Soft, so a failure reports all three; the reload below starts afresh either way.
    await expect.soft(likeCount(card), 'the count is rolled back').toHaveText('0 likes');
    await expect.soft(likeButton(card), 'the heart is rolled back').toHaveAttribute('aria-pressed', 'false');
    await expect.soft(likeButton(card)).toHaveAttribute('aria-label', 'Like');

    // The server has no like.
    await reload(page);
    await expectNotLiked(card, '0 likes');

    // Once the server answers again, the heart works.
    await page.unroute('**/api/fn/like');
    await clickAndSettle(page, likeButton(card), 'like', javaScriptEnabled);
    await expectLiked(card, '1 like');
    await expect(card.locator('[role=alert]')).toHaveCount(0);
    await reload(page);
    await expectLiked(card, '1 like');
  });
});

test.describe('the feed', () => {
  const TOTAL = 35;

  test('a long feed pages to its end', async ({ page, javaScriptEnabled }) => {
    test.setTimeout(120_000);
    const me = await signUp(page);
    const ids: number[] = [];
    for (let i = 1; i <= TOTAL; i++) ids.push(await apiCreatePost(page, `Post ${i} of ${me.username}`));
    const newestFirst = [...ids].reverse();

    await open(page, '/');
    await expect(feedCards(page)).toHaveCount(10);
    expect(await cardIds(page)).toEqual(newestFirst.slice(0, 10));
    const older = page.getByRole('link', { name: 'Older posts', exact: true });
    const caughtUp = page.getByText("You're all caught up.", { exact: true });

    if (javaScriptEnabled) {
      // Scrolling down loads the next pages by itself, without leaving `/`.
      await expect
        .poll(
          async () => {
            await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
            return feedCards(page).count();
          },
          { timeout: 30_000, intervals: [250] },
        )
        .toBe(TOTAL);
      expect(await cardIds(page)).toEqual(newestFirst);
      await expect(caughtUp).toBeVisible();
      await expect(older).toHaveCount(0);
      await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === '');
    } else {
      const pages = [10, 10, 10, 5];
      let seen = 0;
      for (const [n, size] of pages.entries()) {
        await expect(feedCards(page)).toHaveCount(size);
        expect(await cardIds(page)).toEqual(newestFirst.slice(seen, seen + size));
        seen += size;
        if (n < pages.length - 1) {
          const before = newestFirst[seen - 1];
          await expect(older).toHaveAttribute('href', `?before=${before}`);
          await expect(caughtUp).toHaveCount(0);
          await older.click();
          await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === `?before=${before}`);
        }
      }
      expect(seen).toBe(TOTAL);
      await expect(older).toHaveCount(0);
      await expect(caughtUp).toBeVisible();
    }
  });
});
