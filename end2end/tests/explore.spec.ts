import { expect, test } from '@playwright/test';
import {
  apiCreatePost,
  apiFollow,
  apiPerson,
  clickAndSettle,
  expectLiked,
  expectNotLiked,
  feedCard,
  followButton,
  isServerFn,
  likeButton,
  open,
  otherPage,
  reload,
  signUp,
} from './helpers';

// The whole social round of issue #4, in both projects: follow someone from explore, see
// their post in the feed, like it (double-click with JavaScript, the heart without),
// comment, delete the comment, unfollow.

test('follow from explore, like, comment, delete the comment, unfollow', async ({
  page,
  browser,
  playwright,
  javaScriptEnabled,
}) => {
  test.setTimeout(60_000);
  const me = await signUp(page);
  const them = await otherPage(browser);
  // Three followers put them among the most followed, at the top of everyone's explore.
  const fans = await Promise.all([0, 1, 2].map(() => apiPerson(playwright)));
  try {
    const other = await signUp(them);
    const post = await apiCreatePost(them, `Golden hour by ${other.username}`);
    for (const fan of fans) await apiFollow(fan, other.username);

    // Explore: they are suggested, with a Follow button.
    await open(page, '/explore/');
    await expect(page.getByRole('heading', { level: 1, name: 'People to follow' })).toBeVisible();
    const row = page.locator('ul.people li.person').filter({
      has: page.locator(`a.author[href="/users/${other.username}/"]`),
    });
    await expect(row).toHaveCount(1);
    const follow = row.locator('form.follow-form button[type=submit]');
    await expect(follow).toHaveText('Follow');
    await clickAndSettle(page, follow, 'follow', javaScriptEnabled);
    await expect(page).toHaveURL((url) => url.pathname === '/explore/');
    if (javaScriptEnabled) {
      await expect(follow).toHaveText('Following');
    } else {
      // The page came back without them: explore suggests only people not followed.
      await expect(row).toHaveCount(0);
    }

    // Their post is in my feed.
    await open(page, '/');
    const card = feedCard(page, post);
    await expect(card).toHaveCount(1);
    await expectNotLiked(card, '0 likes');

    // Like: a double-click on the photo with JavaScript, the heart without.
    if (javaScriptEnabled) {
      const [response] = await Promise.all([
        page.waitForResponse((r) => isServerFn(r, 'like')),
        card.locator('div.photo-frame').dblclick(),
      ]);
      expect(response.status()).toBe(200);
    } else {
      await clickAndSettle(page, likeButton(card), 'like', false);
    }
    await expectLiked(card, '1 like');
    await reload(page);
    await expectLiked(card, '1 like');

    // Comment on the card: Enter submits.
    const text = `Lovely light, ${other.username}!`;
    const box = card.getByLabel('Add a comment', { exact: true });
    await box.fill(text);
    const [added] = await Promise.all([page.waitForResponse((r) => isServerFn(r, 'add_comment')), box.press('Enter')]);
    expect([200, 302, 303]).toContain(added.status());
    const comment = card.locator('ul.comments li').filter({ hasText: text });
    await expect(comment).toHaveCount(1);
    await expect(page).toHaveURL((url) => url.pathname === '/');
    if (javaScriptEnabled) await expect(box).toHaveValue('');
    await reload(page);
    await expect(comment).toHaveCount(1);

    // Delete it again.
    await clickAndSettle(page, comment.getByRole('button', { name: 'Delete comment' }), 'delete_comment', javaScriptEnabled);
    await expect(comment).toHaveCount(0);
    await reload(page);
    await expect(comment).toHaveCount(0);

    // Unfollow from their profile: the post leaves my feed.
    await open(page, `/users/${other.username}/`);
    await expect(followButton(page)).toHaveText('Following');
    await clickAndSettle(page, followButton(page), 'unfollow', javaScriptEnabled);
    await expect(followButton(page)).toHaveText('Follow');
    await open(page, '/');
    await expect(feedCard(page, post)).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 1, name: 'Your feed is empty' })).toBeVisible();
    expect(me.username).not.toBe(other.username);
  } finally {
    await them.context().close();
    await Promise.all(fans.map((f) => f.request.dispose()));
  }
});
