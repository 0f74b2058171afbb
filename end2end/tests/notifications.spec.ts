import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import {
  apiFollow,
  apiPerson,
  fixture,
  header,
  open,
  reload,
  signUp,
  uniqueTag,
  unreadBadge,
} from './helpers';

// Notifications and search, in both projects.

test('follows, likes, comments and mentions show up as notifications, read once seen', async ({
  page,
  playwright,
}) => {
  const me = await signUp(page);
  await expect(unreadBadge(page)).toHaveCount(0);
  const fan = await apiPerson(playwright, 'Fan Person');
  try {
    await apiFollow(fan, me.username);
    // The fan posts a photo mentioning me, then I get a like and a comment on... their post
    // mentions me: one "mentioned you in a post".
    const baseURL = test.info().project.use.baseURL ?? 'http://127.0.0.1:3100';
    const upload = await fan.request.post('/posts/new/', {
      multipart: {
        images: { name: 'animated.gif', mimeType: 'image/gif', buffer: fs.readFileSync(fixture('animated.gif')) },
        caption: `Out with @${me.username} today`,
      },
      headers: { Accept: 'application/json', Origin: baseURL },
    });
    expect(upload.status()).toBe(201);
    const { postid } = (await upload.json()) as { postid: number };

    await reload(page);
    await expect(unreadBadge(page)).toHaveText('2');
    const link = header(page).getByRole('link', { name: 'Notifications (2 unread)' });
    await expect(link).toBeVisible();
    await link.click();
    await expect(page).toHaveURL((url) => url.pathname === '/notifications/');
    await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
    const items = page.locator('ul.notification-list li.notification');
    await expect(items).toHaveCount(2);
    await expect(items.nth(0)).toContainText(`${fan.account.username} mentioned you in a post.`);
    await expect(items.nth(0).locator(`a.notification-thumb[href="/posts/${postid}/"]`)).toHaveCount(1);
    await expect(items.nth(1)).toContainText(`${fan.account.username} started following you.`);
    await expect(items.nth(1).getByRole('button', { name: 'Follow' })).toBeVisible();
    await expect(page.locator('li.notification.unread')).toHaveCount(2);
    await expect(unreadBadge(page)).toHaveCount(0);

    // Seen: no badge anywhere, and no longer marked new.
    await open(page, '/');
    await expect(unreadBadge(page)).toHaveCount(0);
    await open(page, '/notifications/');
    await expect(items).toHaveCount(2);
    await expect(page.locator('li.notification.unread')).toHaveCount(0);
  } finally {
    await fan.request.dispose();
  }
});

test('search finds people by name prefix and tags, as you type or on its page', async ({
  page,
  playwright,
  javaScriptEnabled,
}) => {
  const tag = uniqueTag('srch');
  const surname = `Q${Math.random().toString(36).slice(2, 8)}`;
  const findMe = await apiPerson(playwright, `Quinn ${surname}`);
  try {
    const baseURL = test.info().project.use.baseURL ?? 'http://127.0.0.1:3100';
    const upload = await findMe.request.post('/posts/new/', {
      multipart: {
        images: { name: 'animated.gif', mimeType: 'image/gif', buffer: fs.readFileSync(fixture('animated.gif')) },
        caption: `#${tag}`,
      },
      headers: { Accept: 'application/json', Origin: baseURL },
    });
    expect(upload.status()).toBe(201);
    await signUp(page);
    const box = header(page).getByRole('combobox', { name: 'Search people and tags' });
    const profile = `/users/${findMe.account.username}/`;

    if (javaScriptEnabled) {
      // Suggestions as one types: the surname (a word of the full name) finds them.
      await box.pressSequentially(surname.slice(0, 5).toLowerCase(), { delay: 30 });
      const suggestions = header(page).getByRole('listbox', { name: 'Suggestions' });
      await expect(suggestions).toBeVisible();
      const person = suggestions.getByRole('option').filter({ hasText: findMe.account.username });
      await expect(person).toHaveCount(1);
      await box.press('ArrowDown');
      await expect(suggestions.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
      await box.press('Enter');
      await expect(page).toHaveURL((url) => url.pathname === profile);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(findMe.account.username);
      await expect(box).toHaveValue('');

      await box.fill(`#${tag.slice(0, -2)}`);
      const tagOption = suggestions.getByRole('option').filter({ hasText: `#${tag}` });
      await expect(tagOption).toContainText('1 post');
      await tagOption.click();
      await expect(page).toHaveURL((url) => url.pathname === `/tags/${tag}/`);
    } else {
      // Without JavaScript the box is a GET form to /search/.
      await box.fill(surname.slice(0, 5).toLowerCase());
      await box.press('Enter');
      await expect(page).toHaveURL((url) => url.pathname === '/search/');
      await page.locator('main').getByRole('link', { name: new RegExp(findMe.account.username) }).click();
      await expect(page).toHaveURL((url) => url.pathname === profile);

      await open(page, `/search/?q=${encodeURIComponent('#' + tag.slice(0, -2))}`);
      await page.locator('main').getByRole('link', { name: `#${tag}` }).click();
      await expect(page).toHaveURL((url) => url.pathname === `/tags/${tag}/`);
    }
  } finally {
    await findMe.request.dispose();
  }
});
