import { expect, test, type Route } from '@playwright/test';
import {
  apiCreatePost,
  expectLiked,
  expectNotLiked,
  feedCard,
  likeButton,
  likeSettled,
  open,
  reload,
  signUpToFeed as signUp,
} from './helpers';

// Quick clicks on the heart over a slow network: the last click wins, in the page and in
// the database, however late and in whatever order the answers come. The like requests
// are held back by the test (slow, and the first one slowest, so that two requests in
// flight at once would reach the server and come back out of order); the page must keep
// at most one in flight and send the last wanted state once the answer is in.

const SLOW_MS = 400;
const SLOWEST_MS = 1_200;

function later(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

test.describe('quick clicks on the heart', () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'without JavaScript each click is a page load');

  for (const clicks of [5, 4, 2]) {
    test(`${clicks} quick clicks with slow answers, the first slowest: the last click wins`, async ({ page }) => {
      const me = await signUp(page);
      const id = await apiCreatePost(page, `Click click, ${me.username}`);
      await open(page, '/');
      const card = feedCard(page, id);
      await expectNotLiked(card, '0 likes');

      const sent: string[] = [];
      let inFlight = 0;
      let mostInFlight = 0;
      await page.route('**/api/fn/like', async (route: Route) => {
        const first = sent.length === 0;
        sent.push(new URLSearchParams(route.request().postData() ?? '').get('liked') ?? '?');
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // Latency on the way to the server and on the way back.
        await later(first ? SLOWEST_MS : SLOW_MS);
        const response = await route.fetch();
        await later(first ? SLOWEST_MS : SLOW_MS);
        inFlight -= 1;
        await route.fulfill({ response });
      });

      for (let i = 0; i < clicks; i++) await likeButton(card).click();
      const liked = clicks % 2 === 1;
      await likeSettled(card);
      if (liked) await expectLiked(card, '1 like');
      else await expectNotLiked(card, '0 likes');
      await expect(card.locator('[role=alert]')).toHaveCount(0);

      expect(mostInFlight, 'one request at a time').toBe(1);
      expect(sent[sent.length - 1], 'the last request carries the last click').toBe(String(liked));

      // The database agrees.
      await page.unroute('**/api/fn/like');
      await reload(page);
      if (liked) await expectLiked(card, '1 like');
      else await expectNotLiked(card, '0 likes');
    });
  }

  test('clicks while the second request is in flight are sent after it', async ({ page }) => {
    const me = await signUp(page);
    const id = await apiCreatePost(page, `Click more, ${me.username}`);
    await open(page, '/');
    const card = feedCard(page, id);
    await expectNotLiked(card, '0 likes');

    // Each request waits until the test lets it through, so the clicks land in known phases.
    const held: (() => void)[] = [];
    const sent: string[] = [];
    await page.route('**/api/fn/like', async (route: Route) => {
      sent.push(new URLSearchParams(route.request().postData() ?? '').get('liked') ?? '?');
      await new Promise<void>((resolve) => held.push(resolve));
      await route.continue();
    });
    const release = async (n: number) => {
      await expect.poll(() => held.length, { message: `request ${n} sent` }).toBe(n);
      held[n - 1]();
    };

    await likeButton(card).click(); // like: request 1
    await likeButton(card).click(); // unlike, wanted while 1 is in flight
    await expectNotLiked(card, '0 likes');
    await release(1); // answered "liked": request 2 asks for "not liked"
    await expect.poll(() => held.length).toBe(2);
    await likeButton(card).click(); // like again, while 2 is in flight
    await expectLiked(card, '1 like');
    await expect(card.locator('div.actions-row form.like-form')).toHaveAttribute('data-pending', 'true');
    await release(2); // answered "not liked": request 3 asks for "liked"
    await release(3);
    await likeSettled(card);
    await expectLiked(card, '1 like');
    expect(sent).toEqual(['true', 'false', 'true']);

    await page.unroute('**/api/fn/like');
    await reload(page);
    await expectLiked(card, '1 like');
  });
});
