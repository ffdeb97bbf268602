import { expect, Page, test } from '@playwright/test';
import { shot } from './helpers';

// The 学校 page and the sign-in (issue 6, item 2): the server lists a user's schools only to that
// user, so a new phone is asked to sign in right there; signed in, it lists the supervisor's own
// schools at once; signed out, offline, or with a sign-in the server no longer accepts, it keeps
// listing (and visiting) the schools it has, under the same prompt, and never empties the list.

const PASSWORD = 'dudao-demo';

/** Every request the page sends to `/api/schools` (with its Authorization header). */
function schoolRequests(page: Page): { url: string, auth: string | undefined }[] {
  const seen: { url: string, auth: string | undefined }[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/schools')) seen.push({ url: r.url(), auth: r.headers()['authorization'] });
  });
  return seen;
}

/** The token the app keeps in IndexedDB `meta`, read through a second connection. */
async function storedToken(page: Page): Promise<string | undefined> {
  return page.evaluate(() => new Promise<string | undefined>((resolve, reject) => {
    const open = indexedDB.open('dudao');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction('meta', 'readonly').objectStore('meta').get('token');
      get.onsuccess = () => { db.close(); resolve(get.result?.value?.token); };
      get.onerror = () => { db.close(); reject(get.error); };
    };
  }));
}

async function cardCodes(page: Page): Promise<string[]> {
  return page.getByTestId('school-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-code') ?? '').sort());
}

test('a new phone is asked to sign in on 学校, lists the supervisor\'s schools, and keeps them signed out and offline', async ({ page, context }, info) => {
  const requests = schoolRequests(page);
  await page.goto('/');
  const prompt = page.getByTestId('schools-sign-in');
  await expect(prompt).toHaveAttribute('data-reason', 'signed-out');
  await expect(prompt).toContainText('登录后可获取您负责的学校');
  await expect(prompt).toContainText('学校名单由督导室按账号分配');
  await expect(page.getByTestId('school-card')).toHaveCount(0);
  await expect(page.getByTestId('school-search')).toHaveCount(0);
  // The bar does not claim 已同步 for a phone with no account: nothing syncs yet.
  await expect(page.getByTestId('sync-state')).toHaveText('在线 · 未登录');
  const button = page.getByTestId('schools-sign-in-button');
  await expect(button).toHaveText('登录');
  const box = (await button.boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(44);
  await shot(page, info, '70-schools-signed-out-new-phone');
  // Not signed in, the list is not even asked for.
  expect(requests).toEqual([]);

  await page.getByTestId('lang-switch').click();
  await expect(prompt).toContainText('Sign in to get the schools assigned to you');
  await expect(button).toHaveText('Sign in');
  await page.getByTestId('lang-switch').click();

  // 登录 leads to the sign-in screen and back to 学校, where the list arrives at once.
  await button.click();
  await expect(page).toHaveURL(/\/login\?next=\/$/);
  await page.getByTestId('login-username').fill('hanlixin');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('school-card')).toHaveCount(3);
  expect(await cardCodes(page)).toEqual(['QH0101', 'QH0102', 'QH0105']);
  await expect(prompt).toHaveCount(0);
  await expect(page.getByTestId('school-card').filter({ has: page.getByTestId('school-mine') })).toHaveCount(3);
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.every((r) => r.auth?.startsWith('Bearer '))).toBe(true);
  await shot(page, info, '71-schools-signed-in');

  // Signed out (nothing unsynced yet), the list stays on the phone, under the prompt.
  await page.getByRole('navigation', { name: 'main' }).locator('a[href="/sync"]').click();
  await expect(page.getByTestId('sync-now')).toBeEnabled();
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('not-signed-in')).toBeVisible();
  await page.getByRole('navigation', { name: 'main' }).locator('a[href="/"]').click();
  await expect(prompt).toHaveAttribute('data-reason', 'signed-out');
  await expect(prompt).toContainText('下面是本机保存的学校名单，可以照常督导。');
  expect(await cardCodes(page)).toEqual(['QH0101', 'QH0102', 'QH0105']);
  await expect(page.getByTestId('school-search')).toBeVisible();
  await shot(page, info, '72-schools-signed-out-cached');

  // …also after a restart with no network at all, and a visit can start from it.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const before = requests.length;
  await context.setOffline(true);
  await page.reload();
  await expect(prompt).toHaveAttribute('data-reason', 'signed-out');
  expect(await cardCodes(page)).toEqual(['QH0101', 'QH0102', 'QH0105']);
  await page.getByTestId('school-card').getByText('清河县城关第二小学').click();
  await expect(page.getByTestId('start-visit')).toBeVisible();
  await expect(page.getByTestId('supervisor-name')).toBeVisible();
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByTestId('school-card')).toHaveCount(3);
  expect(requests.length, 'signed out, the list is never asked for').toBe(before);
});

test('a sign-in the server no longer accepts asks to sign in again and keeps the list', async ({ page, request }, info) => {
  await page.goto('/');
  await page.getByTestId('schools-sign-in-button').click();
  await page.getByTestId('login-username').fill('mashufen');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('school-card')).toHaveCount(2);

  // The session is ended elsewhere (the office revoked it): the next start gets 401s.
  const token = await storedToken(page);
  expect(token).toBeTruthy();
  const out = await request.post('/api/logout', { headers: { Authorization: `Bearer ${token}` } });
  expect(out.status()).toBe(204);
  const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/schools' && r.status() === 401);
  await page.reload();
  await refused;
  const prompt = page.getByTestId('schools-sign-in');
  await expect(prompt).toHaveAttribute('data-reason', 'expired');
  await expect(prompt).toContainText('登录后可获取您负责的学校');
  await expect(prompt).toContainText('登录已过期或已在别处退出');
  expect(await cardCodes(page)).toEqual(['QH0103', 'QH0104']);
  await shot(page, info, '73-schools-sign-in-refused');

  // Signing in again (the name is remembered) takes the prompt away.
  await page.getByTestId('schools-sign-in-button').click();
  await expect(page.getByTestId('login-username')).toHaveValue('mashufen');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('school-card')).toHaveCount(2);
  await expect(prompt).toHaveCount(0);
  expect(await cardCodes(page)).toEqual(['QH0103', 'QH0104']);
});
