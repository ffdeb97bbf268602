import { Browser, CDPSession, chromium, expect, Page, test, TestInfo } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { phoneWithSchools, pickTemplates, shot, VisitScreen } from './helpers';

// The phone's storage as a supervisor depends on it: a write the phone has no room for is
// refused as a whole with a message saying what to do, and every earlier answer is still there
// after a reload; the 存储 block says how safe the data is; WeChat's in-app browser is flagged;
// another tab upgrading the database asks this one to reload without breaking it.

/** A camera-sized JPEG made in the browser (too big to fit in a quota just above usage). */
async function cameraJpeg(page: Page, label: string): Promise<Buffer> {
  const b64 = await page.evaluate(async (text) => {
    const c = new OffscreenCanvas(4000, 3000);
    const g = c.getContext('2d')!;
    // Noise, so the JPEG stays large after scaling.
    const img = g.createImageData(4000, 3000);
    for (let i = 0; i < img.data.length; i += 4) {
      img.data[i] = (i * 7919) % 251; img.data[i + 1] = (i * 104729) % 241; img.data[i + 2] = (i * 31) % 239;
      img.data[i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    g.fillStyle = '#fff';
    g.font = 'bold 260px sans-serif';
    g.fillText(text, 200, 1500);
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, label);
  return Buffer.from(b64, 'base64');
}

async function startSafetyVisit(page: Page) {
  await phoneWithSchools(page);
  await page.getByTestId('school-card').getByText('清河县实验小学').click();
  await pickTemplates(page, ['anquan']);
  await page.getByTestId('supervisor-name').fill('王建华');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
}

/** Every answered item on the visit screen: code → what its card shows as answered. */
async function answeredCodes(page: Page): Promise<string[]> {
  return page.locator('[data-testid=item][data-answered=true]').evaluateAll(
    els => els.map(e => e.getAttribute('data-code') ?? '').sort());
}

/** A browser whose profile lives on a small disk of its own (a tmpfs), so the origin's quota is
 *  a few MB and can really run out. Chromium 156 accepts `Storage.overrideQuotaForOrigin`
 *  (Storage.getUsageAndQuota then reports the override) but IndexedDB's own space check ignores
 *  it, so the override alone never makes a write fail; a full disk does. Needs root for mount. */
async function smallDisk(info: TestInfo, sizeMb: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const use = info.project.use;
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    ...(use.launchOptions ?? {}), baseURL: use.baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    viewport: use.viewport ?? undefined, isMobile: use.isMobile, hasTouch: use.hasTouch,
    deviceScaleFactor: use.deviceScaleFactor, userAgent: use.userAgent,
  });
  const close = async () => {
    await context.close();
    execFileSync('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { context, page: context.pages()[0] ?? await context.newPage(), close };
}

/** Stores other data in the origin (a database of its own), the way months of photos fill a
 *  phone, in chunks of 1 MB and then 64 KB until the browser refuses one for lack of space.
 *  Returns how many bytes went in. */
async function fillStorage(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('filler', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('b');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const put = (size: number, key: number) => new Promise<boolean>((resolve, reject) => {
      const bytes = new Uint8Array(size);
      for (let j = 0; j < size; j += 65536) crypto.getRandomValues(bytes.subarray(j, Math.min(size, j + 65536)));
      const tx = db.transaction('b', 'readwrite');
      tx.objectStore('b').put(new Blob([bytes]), key);
      tx.oncomplete = () => resolve(true);
      // A full disk is refused as over quota, or (Chromium writing the Blob's file) as
      // `DataError: Failed to write blobs (IOError)`: either way, no room.
      const full = (e: DOMException | null) => e?.name === 'QuotaExceededError'
        || (e?.name === 'DataError' && /write blobs/.test(e.message));
      tx.onabort = () => full(tx.error) ? resolve(false) : reject(tx.error);
    });
    let stored = 0;
    let key = 0;
    for (const size of [1 << 20, 1 << 16]) {
      for (let i = 0; i < 200 && await put(size, key++); i++) stored += size;
    }
    db.close();
    return stored;
  });
}

test('a write the phone has no room for is refused whole, earlier answers survive, and writing works again with room', async ({}, info) => {
  const disk = await smallDisk(info, 12);
  test.skip(!disk, 'mounting a small tmpfs needs root');
  const { context, page, close } = disk!;
  try {
    await startSafetyVisit(page);
    const v = new VisitScreen(page);
    const visitUrl = page.url();

    // Earlier records: a whole section, and blocked exits (是: not compliant) with a note.
    await v.openSection('门卫');
    await v.answerSection();
    const guardAnswers = await answeredCodes(page);
    expect(guardAnswers.length).toBeGreaterThan(2);
    await v.openSection('消防');
    const exits = page.locator('[data-code="AQ-XF-03"]');
    await exits.locator('.choices button', { hasText: '是' }).click();
    await expect(exits).toHaveAttribute('data-outcome', 'noncompliant');
    await exits.getByTestId('add-note').click();
    await exits.getByTestId('note').fill('东侧安全出口堆放杂物');
    await expect(page.getByTestId('sync-state')).toContainText('待同步');
    const progress = await v.progress().textContent();
    const photo = await cameraJpeg(page, '安全出口');

    // The phone fills up. Where the browser honours it, the DevTools quota override says the
    // same: no room above what is used now.
    const origin = new URL(page.url()).origin;
    const cdp: CDPSession = await context.newCDPSession(page);
    const { usage, quota } = await cdp.send('Storage.getUsageAndQuota', { origin });
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 8 * 1024 });
    const filled = await fillStorage(page);
    expect(filled, `quota ${quota}, used ${usage}`).toBeGreaterThan(0);
    await exits.getByTestId('photo-pick').setInputFiles([
      { name: 'exit.jpg', mimeType: 'image/jpeg', buffer: photo },
    ]);
    const message = page.getByTestId('message');
    await expect(message).toContainText('手机存储空间已满', { timeout: 15_000 });
    await expect(message).toContainText('已保存的记录不受影响');
    await expect(exits.getByTestId('photo-thumb')).toHaveCount(0);
    await shot(page, info, '60-storage-full');

    // After a reload (still full): the refused photo is nowhere, everything earlier is.
    await page.reload();
    await v.openSection('消防');
    await expect(v.progress()).toHaveText(progress!);
    await expect(exits).toHaveAttribute('data-outcome', 'noncompliant');
    await expect(exits.getByTestId('note')).toHaveValue('东侧安全出口堆放杂物');
    await expect(exits.getByTestId('photo-thumb')).toHaveCount(0);
    await v.openSection('门卫');
    expect(await answeredCodes(page)).toEqual(guardAnswers);

    // Room again (the supervisor synced or cleared space): the same photo is stored.
    await page.evaluate(() => new Promise(r => { const d = indexedDB.deleteDatabase('filler'); d.onsuccess = d.onerror = r; }));
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await page.goto('about:blank');
    await page.waitForTimeout(3000);
    await page.goto(visitUrl);
    await v.openSection('消防');
    await exits.getByTestId('photo-pick').setInputFiles([
      { name: 'exit.jpg', mimeType: 'image/jpeg', buffer: photo },
    ]);
    await expect(exits.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 15_000 });
    await page.reload();
    await v.openSection('消防');
    await expect(exits.getByTestId('photo-thumb')).toHaveCount(1);
    await expect(exits.getByTestId('note')).toHaveValue('东侧安全出口堆放杂物');
  } finally {
    await close();
  }
});

test('the 存储 block shows space used and whether the data is safe from eviction', async ({ page }, info) => {
  await page.goto('/sync');
  const panel = page.getByTestId('storage-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('storage-usage')).toContainText(/已用 \d+\.\d [MG]B，共可用 \d+\.\d [MG]B/);
  await expect(panel.getByRole('meter')).toBeVisible();
  await expect(panel).toHaveAttribute('data-persisted', /true|false/);
  if ((await panel.getAttribute('data-persisted')) === 'false') {
    const warning = page.getByTestId('storage-warning');
    await expect(warning).toContainText('浏览器可能在空间不足或长期未使用时清除本机数据');
    await expect(warning).toContainText('添加到主屏幕');
    const backup = page.getByTestId('storage-to-backup');
    await expect(backup).toHaveAttribute('href', '#backup');
    const box = await backup.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    // No install offer yet: the hint says where the browser keeps it.
    await expect(page.getByTestId('install-hint')).toContainText('安装应用');
    // Chrome offers installation (its beforeinstallprompt event, as it sends it): the button
    // shows that prompt, once.
    await page.evaluate(() => {
      const ev = new Event('beforeinstallprompt', { cancelable: true }) as any;
      ev.prompt = () => { (window as any).installPrompted = true; return Promise.resolve(); };
      window.dispatchEvent(ev);
    });
    await expect(page.getByTestId('install-hint')).toHaveCount(0);
    const install = page.getByTestId('storage-install');
    await expect(install).toHaveText('安装到主屏幕');
    await panel.scrollIntoViewIfNeeded();
    await shot(page, info, '61a-storage-install');
    await install.click();
    expect(await page.evaluate(() => (window as any).installPrompted)).toBe(true);
    await expect(install).toHaveCount(0);
  } else {
    await expect(page.getByTestId('storage-persisted')).toContainText('已持久保存');
  }
  await panel.scrollIntoViewIfNeeded();
  await shot(page, info, '61-storage-block');
});

test('Safari on an iPhone is told how to add the app to the home screen', async ({ browser }, info) => {
  const ctx = await browser.newContext({
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 '
      + '(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    baseURL: info.project.use.baseURL, locale: 'zh-CN', viewport: info.project.use.viewport ?? undefined,
  });
  const page = await ctx.newPage();
  await page.goto('/sync');
  const panel = page.getByTestId('storage-panel');
  await expect(panel).toHaveAttribute('data-persisted', /true|false/);
  if ((await panel.getAttribute('data-persisted')) === 'false') {
    await expect(page.getByTestId('install-hint')).toHaveText('点击分享按钮，选择‘添加到主屏幕’');
  }
  await ctx.close();
});

// Issue 16, item 4: WebKitGTK and older iPhones have no StorageManager on a secure page, and any
// browser lacks it on plain http. The 存储 block says which, and gives the advice for data the
// browser may clear, since persistence cannot be asked for.
for (const [why, secure, text] of [
  ['unsupported', true, '此浏览器不提供存储空间信息，也不能申请持久保存本机数据'],
  ['insecure', false, '本页不是通过 https 打开的'],
] as const) {
  test(`without a StorageManager (${why}) the 存储 block says so and what keeps the data`, async ({ browser }, info) => {
    const ctx = await browser.newContext({
      baseURL: info.project.use.baseURL, locale: 'zh-CN', viewport: info.project.use.viewport ?? undefined,
      isMobile: info.project.use.isMobile, hasTouch: info.project.use.hasTouch,
      deviceScaleFactor: info.project.use.deviceScaleFactor,
    });
    await ctx.addInitScript((secure: boolean) => {
      Object.defineProperty(Navigator.prototype, 'storage', { get: () => undefined, configurable: true });
      if (!secure) Object.defineProperty(window, 'isSecureContext', { get: () => false, configurable: true });
    }, secure);
    const page = await ctx.newPage();
    await page.goto('/sync');
    const panel = page.getByTestId('storage-panel');
    await expect(panel).toHaveAttribute('data-persisted', 'false');
    await expect(page.getByTestId('storage-unknown')).toHaveAttribute('data-why', why);
    await expect(page.getByTestId('storage-unknown')).toContainText(text);
    await expect(page.getByTestId('storage-usage')).toHaveCount(0);
    const warning = page.getByTestId('storage-warning');
    await expect(warning).toContainText('添加到主屏幕');
    await expect(warning).toContainText('及时同步');
    await expect(warning).toContainText('导出备份');
    await expect(page.getByTestId('storage-to-backup')).toHaveAttribute('href', '#backup');
    await panel.scrollIntoViewIfNeeded();
    await shot(page, info, `61b-storage-${why}`);
    // The same in English, through the language switch.
    await page.getByTestId('lang-switch').click();
    await expect(page.getByTestId('storage-unknown')).toContainText(
      why === 'insecure' ? 'not opened over https' : 'cannot be asked to keep');
    await expect(warning).toContainText('sync whenever there is a network');
    await ctx.close();
  });
}

const WECHAT_UA = 'Mozilla/5.0 (Linux; Android 13; V2164A) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 '
  + 'MicroMessenger/8.0.35.2360(0x2800235D) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN';

async function wechatPage(browser: Browser, info: TestInfo) {
  const ctx = await browser.newContext({
    userAgent: WECHAT_UA, baseURL: info.project.use.baseURL, locale: 'zh-CN',
    viewport: info.project.use.viewport ?? undefined,
    isMobile: info.project.use.isMobile, hasTouch: info.project.use.hasTouch,
    deviceScaleFactor: info.project.use.deviceScaleFactor,
  });
  return { ctx, page: await ctx.newPage() };
}

test('WeChat\'s in-app browser is told to open the app in the system browser, once', async ({ browser, page }, info) => {
  // An ordinary browser sees no banner.
  await phoneWithSchools(page);
  await expect(page.getByTestId('school-card').first()).toBeVisible();
  await expect(page.getByTestId('wechat-banner')).toHaveCount(0);

  const { ctx, page: wx } = await wechatPage(browser, info);
  await phoneWithSchools(wx);
  const banner = wx.getByTestId('wechat-banner');
  await expect(banner).toContainText('您正在微信内置浏览器中使用');
  await expect(banner).toContainText('在浏览器打开');
  await expect(wx.getByTestId('school-card').first()).toBeVisible();
  await shot(wx, info, '62-wechat-banner');
  await wx.getByTestId('wechat-dismiss').click();
  await expect(banner).toHaveCount(0);
  await wx.reload();
  await expect(wx.getByTestId('school-card').first()).toBeVisible();
  await expect(wx.getByTestId('wechat-banner')).toHaveCount(0);
  await ctx.close();
});

/** Answers the next unanswered 符合/基本符合/不符合/不适用 item with 符合; returns its code. */
async function answerNextFourChoice(page: Page): Promise<string> {
  const code = (await page.locator('[data-testid=item][data-answered=false]:has(.choices.four)')
    .first().getAttribute('data-code'))!;
  const item = page.locator(`[data-testid=item][data-code="${code}"]`);
  await item.getByRole('button', { name: '符合', exact: true }).click();
  await expect(item).toHaveAttribute('data-answered', 'true');
  return code;
}

test('another tab upgrading the database asks this one to reload, and this one keeps saving', async ({ page, context }, info) => {
  await startSafetyVisit(page);
  const v = new VisitScreen(page);
  await v.openSection('门卫');
  const firstCode = await answerNextFourChoice(page);

  // A second tab with a newer build opens the database at the next version.
  const other = await context.newPage();
  await other.goto('/sync');
  const upgraded = await other.evaluate(() => new Promise<number>((resolve, reject) => {
    const probe = indexedDB.open('dudao');
    probe.onsuccess = () => {
      const next = probe.result.version + 1;
      probe.result.close();
      const open = indexedDB.open('dudao', next);
      open.onsuccess = () => { const v = open.result.version; open.result.close(); resolve(v); };
      open.onerror = () => reject(open.error);
      open.onblocked = () => reject(new Error('upgrade blocked'));
    };
  }));
  expect(upgraded).toBeGreaterThan(2);
  await other.close();

  // This tab is told, and an answer given now is still saved.
  await expect(page.getByTestId('reload-needed')).toContainText('应用已在另一个标签页更新，请刷新本页');
  await shot(page, info, '63-reload-needed');
  const secondCode = await answerNextFourChoice(page);
  await expect(page.getByTestId('message')).toHaveCount(0);

  await page.getByTestId('reload-now').click();
  await v.openSection('门卫');
  await expect(page.getByTestId('reload-needed')).toHaveCount(0);
  await expect(page.locator(`[data-code="${firstCode}"]`)).toHaveAttribute('data-answered', 'true');
  await expect(page.locator(`[data-code="${secondCode}"]`)).toHaveAttribute('data-answered', 'true');
});

test('storage that does not answer is said, never shown as a phone without visits', async ({ page, context }, info) => {
  test.setTimeout(90_000);
  await startSafetyVisit(page);
  const v = new VisitScreen(page);
  await v.openSection('门卫');
  await answerNextFourChoice(page);

  // Another page holds the visits and meta stores in a read-write transaction that does not end
  // for 25 s (as a page frozen in WebKit's back/forward cache did, issue 16): this page's reads
  // wait behind it.
  const other = await context.newPage();
  await other.goto('/sync');
  await expect(other.getByTestId('sync-status')).toBeVisible();
  await other.evaluate(() => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('dudao');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(['visits', 'meta'], 'readwrite');
      const store = tx.objectStore('meta');
      const until = Date.now() + 25_000;
      const spin = () => { if (Date.now() < until) store.get('none').onsuccess = spin; };
      spin();
      resolve();
    };
  }));

  await page.goto('/visits');
  // Within the stall limit (15 s) the page says what happened and what to do.
  await expect(page.getByTestId('storage-stalled')).toContainText('本机存储没有响应，已保存的记录没有丢失', { timeout: 25_000 });
  await expect(page.getByTestId('visits-read-error')).toContainText('本机存储没有响应');
  await expect(page.getByText('还没有督导记录')).toHaveCount(0);
  await shot(page, info, '64-storage-stalled');

  // Once the other page lets go, 刷新 shows the visit again.
  await other.close();
  await page.getByTestId('stalled-reload').click();
  await expect(page.getByTestId('visit-row')).toHaveCount(1);
  await expect(page.getByTestId('storage-stalled')).toHaveCount(0);
});
