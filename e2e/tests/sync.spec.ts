import { APIRequestContext, expect, Page, test, TestInfo } from '@playwright/test';
import { randomUUID } from 'crypto';
import { phoneWithSchools, pickTemplates, shot, VisitScreen } from './helpers';

// Sync with the office server (issue 6, items 6 and 8), against the real server: a supervisor
// signs in on the phone, makes a visit with a photo with no signal, and when the network comes
// back the app syncs by itself; the office sees the visit and the photo. A sign-in revoked
// elsewhere asks to sign in again and leaves every unsynced change on the phone; signing out is
// refused while anything is unsynced.

const PASSWORD = 'dudao-demo';

/** The 同步 screen, as a page object. */
class SyncScreen {
  constructor(readonly page: Page) {}
  pending() { return this.page.getByTestId('pending-count'); }
  lastSync() { return this.page.getByTestId('last-sync'); }
  error() { return this.page.getByTestId('sync-error'); }
  header() { return this.page.getByTestId('sync-state'); }
  indicator() { return this.page.getByTestId('sync-indicator'); }

  async open() {
    await this.page.getByRole('navigation', { name: 'main' }).getByText('同步').click();
    await expect(this.page).toHaveURL(/\/sync$/);
  }

  async signIn(username: string, password = PASSWORD) {
    await this.page.getByTestId('sign-in').click();
    await expect(this.page).toHaveURL(/\/login/);
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }
}

/** What the app keeps in one IndexedDB store, read through a second connection. */
async function idbAll(page: Page, store: string): Promise<any[]> {
  return page.evaluate((store) => new Promise<any[]>((resolve, reject) => {
    const open = indexedDB.open('dudao');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction(store, 'readonly').objectStore(store).getAll();
      get.onsuccess = () => {
        db.close();
        // Blobs do not cross into the test: say whether one is there.
        resolve(get.result.map((r: any) => JSON.parse(JSON.stringify(r, (k, v) => v instanceof Blob ? `Blob(${v.size})` : v))));
      };
      get.onerror = () => { db.close(); reject(get.error); };
    };
  }), store);
}

async function storedToken(page: Page): Promise<string> {
  const meta = await idbAll(page, 'meta');
  const token = meta.find((m) => m.key === 'token');
  expect(token, 'the phone keeps its sign-in').toBeTruthy();
  return token.value.token;
}

/** Signs in through the API as the office (or anyone) would, from another device. */
async function apiLogin(request: APIRequestContext, username: string): Promise<string> {
  const res = await request.post('/api/login', { data: { username, password: PASSWORD, device_id: randomUUID() } });
  expect(res.status()).toBe(200);
  return (await res.json()).token;
}

/** A camera-like JPEG made in the browser. */
async function cameraJpeg(page: Page, label: string): Promise<Buffer> {
  const b64 = await page.evaluate(async (text) => {
    const c = new OffscreenCanvas(2400, 1800);
    const g = c.getContext('2d')!;
    const grad = g.createLinearGradient(0, 0, 2400, 1800);
    grad.addColorStop(0, '#8f3b3b');
    grad.addColorStop(1, '#2f4f6f');
    g.fillStyle = grad;
    g.fillRect(0, 0, 2400, 1800);
    // Noise, so the JPEG is large enough to go up in several 256 KiB chunks.
    for (let i = 0; i < 40000; i++) {
      g.fillStyle = `hsl(${(i * 37) % 360},70%,${30 + (i % 40)}%)`;
      g.fillRect((i * 7919) % 2400, (i * 104729) % 1800, 6, 6);
    }
    g.fillStyle = '#fff';
    g.font = 'bold 160px sans-serif';
    g.fillText(text, 120, 900);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, label);
  return Buffer.from(b64, 'base64');
}

async function startVisit(page: Page, school: string, templates: string[], info?: TestInfo) {
  await page.getByRole('navigation', { name: 'main' }).getByText('学校').click();
  await page.getByTestId('school-card').getByText(school).click();
  await pickTemplates(page, templates);
  // Signed in, the visit is under the account's name: nothing to type.
  await expect(page.getByTestId('supervisor-account')).toHaveText('杨振华');
  await expect(page.getByTestId('supervisor-name')).toHaveCount(0);
  if (info) await shot(page, info, '93a-start-signed-in');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
  return page.url().split('/').pop()!;
}

async function signVisit(page: Page) {
  await page.locator('.section-tabs .chip').last().click();
  await page.getByTestId('finish-visit').click();
  await expect(page).toHaveURL(/\/review$/);
  await page.getByTestId('to-sign').click();
  await page.getByTestId('signer-name').fill('李红梅');
  await page.getByTestId('signer-role').fill('校长');
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 30 + i * 10, box.y + box.height * (0.6 - 0.2 * Math.sin(i / 3)));
  await page.mouse.up();
  await page.getByTestId('sign-confirm').click();
  await expect(page).toHaveURL(/\/opinion$/);
}

test('sign-in errors say what happened: wrong password, too many attempts, no network', async ({ page, context }, info) => {
  await page.goto('/sync');
  const sync = new SyncScreen(page);
  await expect(page.getByTestId('not-signed-in')).toBeVisible();
  await shot(page, info, '90-sync-signed-out');

  await sync.signIn('yangzhenhua', 'wrong-password');
  await expect(page.getByTestId('login-error')).toHaveText('用户名或密码不正确，请重新输入。');
  await shot(page, info, '91-login-wrong-password');

  // Another name, so the demo supervisor is not locked out: the sixth failure is refused.
  const name = `nobody-${randomUUID().slice(0, 8)}`;
  await page.getByTestId('login-username').fill(name);
  for (let i = 0; i < 5; i++) {
    await page.getByTestId('login-password').fill(`guess-${i}`);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toHaveText('用户名或密码不正确，请重新输入。');
    await expect(page.getByTestId('login-submit')).toBeEnabled();
  }
  await page.getByTestId('login-password').fill('guess-5');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText(/^登录失败次数过多，请 1[45] 分钟后（\d\d:\d\d 以后）再试。$/);
  await shot(page, info, '92-login-rate-limited');

  await context.setOffline(true);
  await page.getByTestId('login-username').fill('yangzhenhua');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText('无网络，无法登录：请连接网络后再试。本机的记录不受影响。');
  await context.setOffline(false);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/sync$/);
  await expect(page.getByTestId('account-name')).toHaveText('杨振华');
});

test('a visit made offline syncs by itself when the network returns, and the office sees it', async ({ page, context, request }, info) => {
  // A new phone: the school list comes with the account.
  await page.goto('/');
  const sync = new SyncScreen(page);
  await sync.open();
  await sync.signIn('yangzhenhua');
  await expect(page).toHaveURL(/\/sync$/);
  await expect(page.getByTestId('account-name')).toHaveText('杨振华');
  await expect(page.getByTestId('account-role')).toHaveText('责任督学');
  await expect(sync.lastSync()).toHaveText(/^今天 \d\d:\d\d$/);
  await expect(sync.pending()).toHaveText('0');
  await expect(sync.header()).toHaveText(/^在线 · 已同步 \d\d:\d\d$/);
  await expect(sync.indicator()).toHaveAttribute('data-sync', 'synced');
  await shot(page, info, '93-sync-signed-in');

  // No signal at the school.
  await context.setOffline(true);
  await expect(sync.header()).toContainText('离线');
  const visitId = await startVisit(page, '清河县桃园镇中心小学', ['zuoye_gongshi'], info);
  const board = page.locator('[data-code="ZG-GS-01"]');
  await board.getByRole('button', { name: '不符合', exact: true }).click();
  await board.getByTestId('photo-pick').setInputFiles([
    { name: 'IMG_20261201_093000.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(page, '未设作业公示栏') },
  ]);
  await expect(board.getByTestId('photo-thumb')).toHaveCount(1);
  const photoId = await board.getByTestId('photo-thumb').getAttribute('data-photo-id');
  await new VisitScreen(page).answerAllSections();
  await signVisit(page);
  await expect(sync.header()).toHaveText('离线 · 2 条待同步');
  await expect(sync.indicator()).toHaveAttribute('data-sync', 'offline');

  await sync.open();
  await expect(sync.pending()).toHaveText('2');
  await expect(page.getByTestId('pending-photos')).toHaveText('其中 1 张照片');
  // Signing out now would strand the visit: refused, saying how much is waiting.
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('account-notice')).toHaveText('还有 2 项修改未同步（其中 1 张照片），同步完成后才能退出登录。');
  await expect(page.getByTestId('account-name')).toHaveText('杨振华');
  await shot(page, info, '94-sync-offline-pending');

  // The network returns: the app syncs by itself (the `online` event), nothing tapped.
  await context.setOffline(false);
  await expect(sync.pending()).toHaveText('0', { timeout: 30_000 });
  await expect(sync.error()).toHaveCount(0);
  await expect(sync.header()).toHaveText(/^在线 · 已同步 \d\d:\d\d$/);
  await expect(page.getByTestId('account-notice')).toHaveCount(0);
  await shot(page, info, '95-sync-done');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('sync-now')).toHaveText('Sync now');
  await expect(sync.lastSync()).toHaveText(/^Today \d\d:\d\d$/);
  await shot(page, info, '95a-sync-english');
  await page.getByTestId('lang-switch').click();

  // The office (周丽, 督导室) pulls the change log and finds the visit, field by field.
  const office = await apiLogin(request, 'zhouli');
  const auth = { Authorization: `Bearer ${office}` };
  const pulled = await request.get('/api/sync/pull?cursor=0&limit=1000', { headers: auth });
  expect(pulled.status()).toBe(200);
  const changes: any[] = (await pulled.json()).changes;
  const field = (f: string) => changes.filter((c) => c.entity === 'visit' && c.entity_id === visitId && c.field === f).pop()?.value;
  expect(field('header')).toMatchObject({ supervisor: '杨振华', school: { name: '清河县桃园镇中心小学' } });
  expect(field('state')).toBe('signed');
  expect(field('answers.ZG-GS-01.value')).toEqual({ kind: 'compliance', value: 'non_compliant' });
  expect(field('answers.ZG-GS-01.photos')).toEqual([photoId]);
  expect(field('signature')).toMatchObject({ name: '李红梅', role: '校长' });
  expect(field('opinion_no')).toMatch(/督意〔\d{4}〕\d+号$/);
  const photoMeta = changes.filter((c) => c.entity === 'photo' && c.entity_id === photoId && c.field === 'meta').pop()?.value;
  expect(photoMeta).toMatchObject({ id: photoId, visit_id: visitId, item_code: 'ZG-GS-01' });
  // Its findings go on to 整改 as records of their own, in the office's list, 待整改.
  const listed = await request.get('/api/findings?status=open', { headers: auth });
  expect(listed.status()).toBe(200);
  const ofVisit = (await listed.json()).findings.filter((f: any) => f.origin.visit_id === visitId);
  expect(ofVisit.length).toBeGreaterThan(0);
  expect(ofVisit.map((f: any) => f.workflow.status)).toEqual(ofVisit.map(() => 'pending'));
  expect(ofVisit[0]).toMatchObject({ origin: { raised_by: '杨振华', school_name: '清河县桃园镇中心小学' } });
  expect(ofVisit.some((f: any) => f.origin.item_codes.includes('ZG-GS-01'))).toBe(true);

  // The photo's bytes are complete on the server (hash checked), and the phone freed its copy.
  const admin = await apiLogin(request, 'admin');
  const status = await request.get(`/api/photos/${photoId}/status`, { headers: { Authorization: `Bearer ${admin}` } });
  expect(status.status()).toBe(200);
  expect(await status.json()).toMatchObject({ photo_id: photoId, complete: true, offset: photoMeta.size, size: photoMeta.size });
  const stored = (await idbAll(page, 'photos')).find((p) => p.id === photoId);
  expect(stored.blob, 'the full-size copy is freed').toBeUndefined();
  expect(stored.thumb).toMatch(/^Blob\(\d+\)$/);
  expect(stored.uploaded_at).toBeGreaterThan(0);
  expect((await idbAll(page, 'outbox')).length).toBe(0);
  expect((await idbAll(page, 'mutations')).every((m) => m.status === 'acked')).toBe(true);

  // The 意见书's photo appendix still shows the full photo, now fetched from the server.
  await page.goto(`/visits/${visitId}/opinion`);
  await page.getByTestId('opinion-photos').check();
  const photo = page.getByTestId('opinion-appendix').locator('img');
  await expect(photo).toHaveCount(1);
  expect(await photo.evaluate(async (img: HTMLImageElement) => { await img.decode(); return img.naturalWidth; }))
    .toBe(1600);
  await photo.scrollIntoViewIfNeeded();
  await shot(page, info, '97-opinion-photo-from-server');

  // Everything is on the server now: signing out works and forgets the token.
  await sync.open();
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('not-signed-in')).toBeVisible();
  expect((await idbAll(page, 'meta')).some((m) => m.key === 'token')).toBe(false);
  // The visit stays on the phone.
  await page.getByRole('navigation', { name: 'main' }).getByText('督导').click();
  await expect(page.getByText('清河县桃园镇中心小学').first()).toBeVisible();
});

test('a sign-in revoked elsewhere asks to sign in again and leaves the outbox and the visit untouched', async ({ page, context, request }, info) => {
  await page.goto('/sync');
  const sync = new SyncScreen(page);
  await sync.signIn('yangzhenhua');
  await expect(page.getByTestId('account-name')).toHaveText('杨振华');
  await expect(sync.lastSync()).toHaveText(/^今天/);

  // A change made offline waits in the outbox.
  await context.setOffline(true);
  const visitId = await startVisit(page, '清河县桃园镇后营村小学', ['zuoye_gongshi']);
  const board = page.locator('[data-code="ZG-GS-01"]');
  await board.getByRole('button', { name: '符合', exact: true }).click();
  await board.getByTestId('photo-pick').setInputFiles([
    { name: 'IMG_20261201_110000.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(page, '作业公示栏') },
  ]);
  await expect(board.getByTestId('photo-thumb')).toHaveCount(1);
  await expect(sync.header()).toHaveText('离线 · 2 条待同步');
  const outbox = await idbAll(page, 'outbox');
  const visit = (await idbAll(page, 'visits')).find((v) => v.id === visitId);
  expect(outbox.length).toBeGreaterThan(0);

  // Meanwhile the session is ended from elsewhere (the office revoked it, or it expired).
  const token = await storedToken(page);
  const out = await request.post('/api/logout', { headers: { Authorization: `Bearer ${token}` } });
  expect(out.status()).toBe(204);

  await context.setOffline(false);
  await expect(sync.header()).toHaveText('需要重新登录 · 2 条待同步');
  await expect(sync.indicator()).toHaveAttribute('data-sync', 'login');
  await sync.open();
  await expect(sync.error()).toHaveText('需要重新登录：登录已过期或已在别处退出。本机的修改都保留着，重新登录后继续同步。');
  await expect(sync.pending()).toHaveText('2');
  await expect(page.getByTestId('sync-now')).toHaveCount(0);
  await expect(page.getByTestId('sign-in-again')).toBeVisible();
  await shot(page, info, '96-sync-needs-login');
  expect(await idbAll(page, 'outbox')).toEqual(outbox);
  expect(await idbAll(page, 'mutations')).toEqual([]);
  expect((await idbAll(page, 'visits')).find((v) => v.id === visitId)).toEqual(visit);

  // Signing in again picks up where it stopped.
  await page.getByTestId('sign-in-again').click();
  await expect(page.getByTestId('login-username')).toHaveValue('yangzhenhua');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/sync$/);
  await expect(sync.pending()).toHaveText('0');
  await expect(sync.error()).toHaveCount(0);
  const office = await apiLogin(request, 'zhouli');
  const pulled = await (await request.get('/api/sync/pull?cursor=0&limit=1000', { headers: { Authorization: `Bearer ${office}` } })).json();
  expect(pulled.changes.filter((c: any) => c.entity_id === visitId && c.field === 'answers.ZG-GS-01.value').pop()?.value)
    .toEqual({ kind: 'compliance', value: 'compliant' });

  // The photo went up and its full copy left the phone: the card shows the thumbnail kept, and
  // opening it shows the full photo fetched from the server.
  const stored = await idbAll(page, 'photos');
  expect(stored).toHaveLength(1);
  expect(stored[0].blob).toBeUndefined();
  await page.goto(`/visits/${visitId}`);
  const thumb = page.locator('[data-code="ZG-GS-01"]').getByTestId('photo-thumb');
  await expect(thumb).toHaveCount(1);
  expect(await thumb.locator('img').evaluate(async (img: HTMLImageElement) => { await img.decode(); return img.naturalWidth; }))
    .toBeGreaterThan(0);
  await thumb.click();
  const full = page.getByTestId('photo-viewer').locator('img');
  await expect.poll(() => full.evaluate(async (img: HTMLImageElement) => {
    await img.decode().catch(() => {});
    return img.naturalWidth;
  })).toBe(1600);
  await expect(page.getByTestId('photo-thumb-only')).toHaveCount(0);
  await shot(page, info, '98-photo-from-server');
  await page.getByTestId('photo-close').click();

  // Offline (and not in the browser's HTTP cache), the same photo opens as the thumbnail and
  // says where the full one is.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await context.setOffline(true);
  await thumb.click();
  await expect(page.getByTestId('photo-thumb-only')).toHaveText('原图已上传到督导室，本机只保留缩略图；联网并登录后可查看原图。');
  await shot(page, info, '99-photo-thumb-offline');
  await page.getByTestId('photo-close').click();
  await context.setOffline(false);
});

test('a change the server refuses and a conflict between two phones are shown and settled', async ({ page, context, request }, info) => {
  // A phone another supervisor used before (her school list is still on it): a visit at one of
  // her schools, made without signing in, is not this supervisor's to send. The server will
  // refuse it, and the queue must move on.
  await phoneWithSchools(page, 'mashufen');
  await page.getByTestId('school-card').getByText('清河县第二中学').click();
  await pickTemplates(page, ['zuoye_gongshi']);
  await page.getByTestId('supervisor-name').fill('杨振华');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
  await page.locator('[data-code="ZG-GS-01"]').getByRole('button', { name: '符合', exact: true }).click();

  const sync = new SyncScreen(page);
  await sync.open();
  await expect(sync.pending()).toHaveText('1');
  await sync.signIn('yangzhenhua');
  await expect(page).toHaveURL(/\/sync$/);
  const refused = page.getByTestId('rejected-item');
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText('督导记录 · 清河县第二中学');
  await expect(refused).toContainText('整条记录（新建）');
  await expect(refused).toContainText('无权修改这所学校的记录');
  await expect(page.getByTestId('rejected-notice')).toHaveText('有 1 条修改被服务器拒绝，没有保存到督导室：请看下方的原因。');
  await expect(sync.header()).toHaveText('同步出错');
  await expect(sync.pending()).toHaveText('0');
  await refused.scrollIntoViewIfNeeded();
  await shot(page, info, '9a-sync-refused');

  // A visit of his own, with a note, synced.
  await page.getByTestId('rejected-dismiss').click();
  await expect(page.getByTestId('rejected')).toHaveCount(0);
  await expect(sync.header()).toHaveText(/^在线 · 已同步/);
  const visitId = await startVisit(page, '清河县桃园镇中心小学', ['zuoye_gongshi']);
  const board = page.locator('[data-code="ZG-GS-01"]');
  await board.getByRole('button', { name: '符合', exact: true }).click();
  await board.getByTestId('add-note').click();
  await board.getByTestId('note').fill('公示栏已设');
  await sync.open();
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0');

  // His other phone (here: the API with its own device id) changes the same note.
  const deviceId = randomUUID();
  const login = await request.post('/api/login', { data: { username: 'yangzhenhua', password: PASSWORD, device_id: deviceId } });
  const other = { Authorization: `Bearer ${(await login.json()).token}` };
  const note = 'answers.ZG-GS-01.note';
  const log = await (await request.get(`/api/sync/pull?cursor=0&limit=1000&device_id=${deviceId}`, { headers: other })).json();
  const rev = log.changes.filter((c: any) => c.entity_id === visitId && c.field === note).pop().rev;
  // Meanwhile this phone, offline, types another text into it.
  await context.setOffline(true);
  await page.goto(`/visits/${visitId}`);
  await page.locator('[data-code="ZG-GS-01"]').getByTestId('note').fill('公示栏已设，内容完整');
  const pushed = await request.post('/api/sync/push', {
    headers: other,
    data: {
      device_id: deviceId,
      mutations: [{ seq: 1, entity: 'visit', entity_id: visitId, ops: [{ field: note, value: '公示栏未更新', base_rev: rev }],
                    hlc: `${String(Date.now()).padStart(16, '0')}-0000` }],
    },
  });
  expect(pushed.status()).toBe(200);

  // Back online: the phone's later text wins, the other phone's is kept as a conflict to confirm.
  await context.setOffline(false);
  await sync.open();
  const conflict = page.getByTestId('conflict-item');
  await expect(conflict).toHaveCount(1, { timeout: 30_000 });
  await expect(conflict.getByTestId('conflict-field')).toHaveText(/^「.+」的备注$/);
  await expect(conflict.getByTestId('conflict-kept')).toHaveText('公示栏已设，内容完整');
  await expect(conflict.getByTestId('conflict-lost')).toHaveText('公示栏未更新');
  await conflict.scrollIntoViewIfNeeded();
  await shot(page, info, '9b-sync-conflict');

  // 采用此值: the other phone's text becomes the visit's, and goes to the server.
  await conflict.getByTestId('conflict-use-lost').click();
  await expect(page.getByTestId('conflicts')).toHaveCount(0);
  await expect(sync.pending()).toHaveText('0');
  await expect.poll(async () => {
    const l = await (await request.get(`/api/sync/pull?cursor=0&limit=1000&device_id=${deviceId}`, { headers: other })).json();
    return l.changes.filter((c: any) => c.entity_id === visitId && c.field === note).pop().value;
  }).toBe('公示栏未更新');
  await page.goto(`/visits/${visitId}`);
  await expect(page.locator('[data-code="ZG-GS-01"]').getByTestId('note')).toHaveValue('公示栏未更新');
  const open = await (await request.get('/api/sync/conflicts', { headers: other })).json();
  expect(open.conflicts.filter((c: any) => c.entity_id === visitId)).toEqual([]);

  // With the visit open on this phone, the other phone changes the note again. The next sync
  // (here: the page becoming visible) brings it into the open editor, and the supervisor's next
  // answer does not write the old note back over it.
  const latest = async () => (await (await request.get(`/api/sync/pull?cursor=0&limit=1000&device_id=${deviceId}`, { headers: other })).json())
    .changes.filter((c: any) => c.entity_id === visitId && c.field === note).pop();
  const again = await request.post('/api/sync/push', {
    headers: other,
    data: {
      device_id: deviceId,
      mutations: [{ seq: 2, entity: 'visit', entity_id: visitId, ops: [{ field: note, value: '已补充公示内容', base_rev: (await latest()).rev }],
                    hlc: `${String(Date.now()).padStart(16, '0')}-0000` }],
    },
  });
  expect(again.status()).toBe(200);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(page.locator('[data-code="ZG-GS-01"]').getByTestId('note')).toHaveValue('已补充公示内容');
  await page.locator('[data-code="ZG-GS-02"]').getByRole('button', { name: '符合', exact: true }).click();
  await expect(page.locator('[data-code="ZG-GS-02"]')).toHaveAttribute('data-answered', 'true');
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(sync.header()).toHaveText(/^在线 · 已同步/);
  expect((await latest()).value).toBe('已补充公示内容');
  const answered = (await (await request.get(`/api/sync/pull?cursor=0&limit=1000&device_id=${deviceId}`, { headers: other })).json())
    .changes.filter((c: any) => c.entity_id === visitId && c.field === 'answers.ZG-GS-02.value').pop();
  expect(answered?.value).toEqual({ kind: 'compliance', value: 'compliant' });
});

test('a photo upload cut off part-way goes on from where the server\'s copy ends', async ({ page, request }, info) => {
  await page.goto('/sync');
  const sync = new SyncScreen(page);
  await sync.signIn('yangzhenhua');
  await expect(sync.lastSync()).toHaveText(/^今天/);

  // The link drops after the first 256 KiB chunk of the photo.
  const patches: string[] = [];
  let cut = true;
  await page.route('**/api/photos/*', async (route) => {
    const req = route.request();
    if (req.method() !== 'PATCH') return route.continue();
    patches.push(req.headers()['upload-offset']);
    if (cut && patches.length === 2) return route.abort('connectionreset');
    return route.continue();
  });
  const visitId = await startVisit(page, '清河县柳林乡九年一贯制学校', ['anquan']);
  const item = page.locator('[data-testid=item]').first();
  await item.getByTestId('photo-pick').setInputFiles([
    { name: 'IMG_20261201_120000.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(page, '大门') },
  ]);
  await expect(item.getByTestId('photo-thumb')).toHaveCount(1);
  const photoId = await item.getByTestId('photo-thumb').getAttribute('data-photo-id');
  await sync.open();
  await page.getByTestId('sync-now').click();
  await expect(sync.error()).toContainText('服务器不可用');
  expect(patches).toEqual(['0', '262144']);
  await expect(page.getByTestId('pending-photos')).toHaveText('其中 1 张照片');
  const kept = (await idbAll(page, 'photos')).find((p) => p.id === photoId);
  expect(kept.blob, 'the full-size copy stays until the server has it all').toMatch(/^Blob\(\d+\)$/);
  await shot(page, info, '9c-sync-photo-cut');

  // The link is back: the upload asks where the server's copy ends and sends only the rest.
  cut = false;
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0');
  await expect(sync.error()).toHaveCount(0);
  // Only the first attempt started at 0: the second resumed at the server's offset.
  expect(patches.filter((o) => o === '0')).toHaveLength(1);
  expect(patches[2]).toBe('262144');
  const admin = await apiLogin(request, 'admin');
  const status = await (await request.get(`/api/photos/${photoId}/status`, { headers: { Authorization: `Bearer ${admin}` } })).json();
  expect(status.complete).toBe(true);
  expect((await idbAll(page, 'photos')).find((p) => p.id === photoId).blob).toBeUndefined();
  expect(visitId).toBeTruthy();
});

test('the office marks a finding 待复查 and the phone’s 整改 list shows it after a sync', async ({ page, request }, info) => {
  await page.goto('/');
  const sync = new SyncScreen(page);
  await sync.open();
  await sync.signIn('yangzhenhua');
  await expect(page).toHaveURL(/\/sync$/);
  // The first sync brings the account's schools (and what earlier tests synced).
  await expect(sync.lastSync()).toHaveText(/^今天 \d\d:\d\d$/, { timeout: 30_000 });
  await expect(sync.pending()).toHaveText('0');
  const visitId = await startVisit(page, '清河县桃园镇中心小学', ['zuoye_gongshi']);
  await page.locator('[data-code="ZG-GS-01"]').getByRole('button', { name: '不符合', exact: true }).click();
  await new VisitScreen(page).answerAllSections();
  await signVisit(page);
  await sync.open();
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0', { timeout: 30_000 });

  // At the office: the school reported its 整改 (整改报告), 周丽 records it.
  const device = randomUUID();
  const login = await request.post('/api/login', { data: { username: 'zhouli', password: PASSWORD, device_id: device } });
  const auth = { Authorization: `Bearer ${(await login.json()).token}` };
  const listed = await (await request.get('/api/findings?status=open', { headers: auth })).json();
  const finding = listed.findings.find((f: any) => f.origin.visit_id === visitId && f.origin.item_codes.includes('ZG-GS-01'));
  expect(finding, 'the visit’s finding is in the office’s list').toBeTruthy();
  const entry = randomUUID();
  const pushed = await request.post('/api/sync/push', {
    headers: auth,
    data: {
      device_id: device,
      mutations: [{
        seq: 1, entity: 'finding', entity_id: finding.id, hlc: `${String(Date.now()).padStart(16, '0')}-0000`,
        ops: [
          { field: `history.${entry}`, base_rev: 0, value: {
            id: entry, at: Date.now(), by: 'zhouli', role: 'office', from: 'pending', to: 'awaiting_recheck',
            action: { kind: 'report_done' }, note: '学校已报送整改报告' } },
          { field: 'status', base_rev: 0, value: 'awaiting_recheck' },
        ],
      }],
    },
  });
  expect(pushed.status()).toBe(200);
  expect((await pushed.json()).results[0].status).toBe('applied');

  // The phone syncs and its 整改 list shows the finding 待复查.
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0');
  await page.locator('.bottombar a[href="/findings"]').click();
  const moved = page.locator(`[data-testid=finding][data-id="${finding.id}"]`);
  await expect(moved).toHaveAttribute('data-status', 'awaiting_recheck');
  await expect(moved.getByTestId('finding-status')).toHaveText('待复查');
  await moved.scrollIntoViewIfNeeded();
  await expect(moved.getByTestId('finding-school')).toHaveText('清河县桃园镇中心小学');
  await shot(page, info, '98-rectify-awaiting-recheck-from-office');
});

test('the 整改 loop: two findings signed and synced, the office’s 待复查, a 复查 offline (one passed with a photo, one failed with a new deadline), synced to the server with the whole history', async ({ page, context, request }, info) => {
  await page.goto('/');
  const sync = new SyncScreen(page);
  await sync.open();
  await sync.signIn('yangzhenhua');
  await expect(page).toHaveURL(/\/sync$/);
  await expect(sync.lastSync()).toHaveText(/^今天 \d\d:\d\d$/, { timeout: 30_000 });

  // A 作业公示 visit at 清河县柳林乡九年一贯制学校 raises two findings, signed by the principal.
  const school = '清河县柳林乡九年一贯制学校';
  const visitId = await startVisit(page, school, ['zuoye_gongshi']);
  for (const code of ['ZG-GS-01', 'ZG-GS-02']) {
    await page.locator(`[data-code="${code}"]`).getByRole('button', { name: '不符合', exact: true }).click();
  }
  await new VisitScreen(page).answerAllSections();
  await signVisit(page);
  await sync.open();
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0', { timeout: 30_000 });

  // At the office, 周丽 records that the school reported the first one put right (待复查).
  const device = randomUUID();
  const login = await request.post('/api/login', { data: { username: 'zhouli', password: PASSWORD, device_id: device } });
  const office = { Authorization: `Bearer ${(await login.json()).token}` };
  const ofVisit = async () => ((await (await request.get('/api/findings', { headers: office })).json()).findings as any[])
    .filter((f) => f.origin.visit_id === visitId);
  const listed = await ofVisit();
  // The two 不符合 answers, and whatever the quick answers to the rest failed.
  expect(listed.length).toBeGreaterThanOrEqual(2);
  expect(listed.every((f) => f.workflow.status === 'pending')).toBe(true);
  const passId = listed.find((f) => f.origin.item_codes.includes('ZG-GS-01'))!.id;
  const failId = listed.find((f) => f.origin.item_codes.includes('ZG-GS-02'))!.id;
  const entry = randomUUID();
  const marked = await request.post('/api/sync/push', {
    headers: office,
    data: {
      device_id: device,
      mutations: [{
        seq: 1, entity: 'finding', entity_id: passId, hlc: `${String(Date.now()).padStart(16, '0')}-0000`,
        ops: [
          { field: `history.${entry}`, base_rev: 0, value: {
            id: entry, at: Date.now(), by: 'zhouli', by_name: '周丽', role: 'office', from: 'pending', to: 'awaiting_recheck',
            action: { kind: 'report_done' }, note: '学校已报送整改报告：作业公示栏已更新。' } },
          { field: 'status', base_rev: 0, value: 'awaiting_recheck' },
        ],
      }],
    },
  });
  expect((await marked.json()).results[0].status).toBe('applied');
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0');

  // Starting the next visit at the school, the supervisor is sent to its open findings first.
  await page.getByRole('navigation', { name: 'main' }).getByText('学校').click();
  await page.getByTestId('school-card').getByText(school).click();
  // Every open finding of the school: this visit's, and any an earlier run left there.
  const open = (await (await request.get(`/api/findings?school=${listed[0].origin.school_id}&status=open`, { headers: office })).json()).findings;
  expect(open.length).toBeGreaterThanOrEqual(listed.length);
  await expect(page.getByTestId('recheck-first')).toHaveText(`本校有 ${open.length} 个问题未销号：先复查 ›`);
  await shot(page, info, '99a-rectify-recheck-first');

  // No signal at the school: the 复查 is done offline.
  await context.setOffline(true);
  await page.getByTestId('recheck-first').click();
  await expect(page).toHaveURL(/\/findings\?school=/);
  await expect(page.getByTestId('finding')).toHaveCount(open.length);
  await page.locator(`[data-testid=finding][data-id="${passId}"]`).click();
  await expect(page).toHaveURL(/\/findings\/[^/]+$/);
  await expect(page.getByTestId('finding-status')).toHaveText('待复查');
  await expect(page.getByTestId('history-entry')).toHaveCount(1);
  await expect(page.getByTestId('history-entry')).toContainText('报送整改情况');
  await expect(page.getByTestId('history-entry')).toContainText('周丽（督导室）');
  await shot(page, info, '99b-rectify-finding-awaiting-recheck');

  // 复查通过, with a photo of the updated notice board.
  await page.locator('[data-testid=act-choice][data-action=passed]').click();
  await expect(page.locator('.act-hint')).toHaveText('现场复查，问题已整改到位。');
  await page.getByTestId('act-note').fill('复查：公示栏已按要求公示各学科作业及时长。');
  await page.getByTestId('act-photo-pick').setInputFiles([
    { name: 'IMG_20261207_100000.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(page, '公示栏') },
  ]);
  await expect(page.getByTestId('act-photo')).toHaveCount(1);
  await shot(page, info, '99c-rectify-recheck-form');
  await page.getByTestId('act-confirm').click();
  await expect(page.getByTestId('finding-status')).toHaveText('已销号');
  await expect(page.getByTestId('act-done')).toHaveText('已记录：复查通过。联网后自动同步到督导室。');
  await expect(page.getByTestId('history-entry')).toHaveCount(2);
  await expect(page.getByTestId('history-entry').nth(1)).toContainText('复查通过');
  await expect(page.getByTestId('history-entry').nth(1).getByTestId('history-photo')).toHaveCount(1);
  await expect(page.getByTestId('act-none')).toBeVisible();
  await shot(page, info, '99d-rectify-closed');

  // 复查未通过 of the other: what is still wrong, and a new deadline 45 days on.
  await page.getByTestId('finding-page-back').click();
  await page.locator(`[data-testid=finding][data-id="${failId}"]`).click();
  await expect(page.getByTestId('finding-status')).toHaveText('待整改');
  await page.locator('[data-testid=act-choice][data-action=failed]').click();
  // Without a deadline it is refused, with what to do.
  await page.getByTestId('act-note').fill('七年级作业仍未公示，作业时长未统计。');
  await page.getByTestId('act-confirm').click();
  await expect(page.getByTestId('act-error')).toHaveText('请选择新的整改期限。');
  const due = new Date(Date.now() + 45 * 24 * 3600 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByTestId('act-deadline').fill(due);
  await page.getByTestId('act-confirm').click();
  await expect(page.getByTestId('finding-status')).toHaveText('整改中');
  await expect(page.getByTestId('finding-standing')).toHaveText(/^剩(44|45)天$/);
  const [y, m, d] = due.split('-').map(Number);
  await expect(page.getByTestId('finding-term')).toHaveText(`${y}年${m}月${d}日前`);
  await expect(page.getByTestId('history-deadline')).toHaveText(`新的整改期限：${y}年${m}月${d}日`);
  await shot(page, info, '99e-rectify-failed-new-deadline');

  // Reloaded with no signal: both moves are on the phone.
  await page.reload();
  await expect(page.getByTestId('finding-status')).toHaveText('整改中');
  await expect(page.getByTestId('history-note')).toHaveText('七年级作业仍未公示，作业时长未统计。');

  // Back online: one sync takes both moves and the photo to the office.
  await context.setOffline(false);
  await sync.open();
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0', { timeout: 30_000 });
  await expect(sync.error()).toHaveCount(0);
  const after = await ofVisit();
  const passed = after.find((f) => f.id === passId)!;
  const failed = after.find((f) => f.id === failId)!;
  expect(passed.workflow.status).toBe('closed');
  expect(passed.workflow.history.map((e: any) => [e.action.kind, e.by, e.by_name, e.role])).toEqual([
    ['report_done', 'zhouli', '周丽', 'office'],
    ['recheck_passed', 'yangzhenhua', '杨振华', 'supervisor'],
  ]);
  const photoId = passed.workflow.history[1].photos[0];
  const photo = await (await request.get(`/api/photos/${photoId}/status`, { headers: office })).json();
  expect(photo.complete, 'the 复查 photo is on the server').toBe(true);
  expect(failed.workflow.status).toBe('rectifying');
  expect(failed.workflow.deadline).toBe(due);
  expect(failed.workflow.history).toHaveLength(1);
  expect(failed.workflow.history[0].action).toEqual({ kind: 'recheck_failed', deadline: due });
  expect(failed.workflow.history[0].note).toBe('七年级作业仍未公示，作业时长未统计。');
});

test('a 复查 made offline that lost to the office’s 撤销 is kept and shown on the phone, never dropped', async ({ page, context, request }, info) => {
  await page.goto('/');
  const sync = new SyncScreen(page);
  await sync.open();
  await sync.signIn('yangzhenhua');
  await expect(page).toHaveURL(/\/sync$/);
  await expect(sync.lastSync()).toHaveText(/^今天 \d\d:\d\d$/, { timeout: 30_000 });
  // Conflicts the server kept for this account before (a run at the other viewport).
  const conflicts = page.getByTestId('conflict-item').filter({ hasText: '复查：已补充作业公示制度。' });
  const earlier = await conflicts.count();
  const visitId = await startVisit(page, '清河县桃园镇中心小学', ['zuoye_gongshi']);
  await page.locator('[data-code="ZG-GS-01"]').getByRole('button', { name: '不符合', exact: true }).click();
  await new VisitScreen(page).answerAllSections();
  await signVisit(page);
  await sync.open();
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0', { timeout: 30_000 });
  const device = randomUUID();
  const login = await request.post('/api/login', { data: { username: 'zhouli', password: PASSWORD, device_id: device } });
  const office = { Authorization: `Bearer ${(await login.json()).token}` };
  const ofVisit = async () => ((await (await request.get('/api/findings', { headers: office })).json()).findings as any[])
    .filter((f) => f.origin.visit_id === visitId);
  const id = (await ofVisit()).find((f) => f.origin.item_codes.includes('ZG-GS-01'))!.id;

  // On the phone, with no signal, the supervisor passes the 复查 …
  await page.locator('.bottombar a[href="/findings"]').click();
  await page.locator(`[data-testid=finding][data-id="${id}"]`).click();
  await context.setOffline(true);
  await page.locator('[data-testid=act-choice][data-action=passed]').click();
  await page.getByTestId('act-note').fill('复查：已补充作业公示制度。');
  await page.getByTestId('act-confirm').click();
  await expect(page.getByTestId('finding-status')).toHaveText('已销号');

  // … while the office, meanwhile, withdrew the finding (撤销, with its reason).
  const entry = randomUUID();
  const withdrawn = await request.post('/api/sync/push', {
    headers: office,
    data: {
      device_id: device,
      mutations: [{
        seq: 1, entity: 'finding', entity_id: id, hlc: `${String(Date.now()).padStart(16, '0')}-0000`,
        ops: [
          { field: `history.${entry}`, base_rev: 0, value: {
            id: entry, at: Date.now(), by: 'zhouli', by_name: '周丽', role: 'office', from: 'pending', to: 'withdrawn',
            action: { kind: 'withdraw' }, note: '经核实，该校已于督导前建立公示制度，予以撤销。' } },
          { field: 'status', base_rev: 0, value: 'withdrawn' },
        ],
      }],
    },
  });
  expect((await withdrawn.json()).results[0].status).toBe('applied');

  // Online again: for status the office wins; the 复查 is kept as a conflict and shown.
  await context.setOffline(false);
  await sync.open();
  await page.getByTestId('sync-now').click();
  await expect(sync.pending()).toHaveText('0', { timeout: 30_000 });
  await expect(conflicts).toHaveCount(earlier + 1, { timeout: 30_000 });
  const conflict = conflicts.last();
  await expect(conflict.getByTestId('conflict-lost')).toContainText('复查通过');
  await expect(conflict.getByTestId('conflict-kept')).toHaveText('该问题已为“已撤销”');
  await expect(conflicts.getByTestId('conflict-use-lost'), 'the office’s status is not overruled from a phone').toHaveCount(0);
  await conflict.scrollIntoViewIfNeeded();
  await shot(page, info, '99f-rectify-recheck-lost-to-office');
  const after = (await ofVisit()).find((f) => f.id === id)!;
  expect(after.workflow.status).toBe('withdrawn');
  expect(after.workflow.history.map((e: any) => e.action.kind)).toEqual(['withdraw']);
  // Read, the supervisor lets the office's status stand: the conflict is settled and goes.
  await conflict.getByTestId('conflict-dismiss').click();
  await expect(conflicts).toHaveCount(earlier);
  expect((await ofVisit()).find((f) => f.id === id)!.workflow.status).toBe('withdrawn');

  // The finding on the phone stands where the office put it.
  await page.locator('.bottombar a[href="/findings"]').click();
  await page.locator('[data-testid=finding-filter][data-filter="done"]').click();
  await page.locator(`[data-testid=finding][data-id="${id}"]`).click();
  await expect(page.getByTestId('finding-status')).toHaveText('已撤销');
  await expect(page.getByTestId('history-entry')).toHaveCount(1);
  await expect(page.getByTestId('history-entry')).toContainText('撤销');
  await expect(page.getByTestId('act-none')).toBeVisible();
  // And in English, through the same strings table.
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('history-entry')).toContainText('Withdrawn');
  await expect(page.getByTestId('act-none')).toHaveText('This finding is settled: nothing more to do.');
  await shot(page, info, '99g-rectify-withdrawn-en');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('act-none')).toHaveText('该问题已办结，无需再复查。');
});
