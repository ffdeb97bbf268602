import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { phoneWithSchools, pickTemplates, shot, VisitScreen } from './helpers';

// A whole visit as a supervisor does it at the school, with no signal: the campus-safety check,
// photos of a blocked exit, the findings settled with the school, the principal's signature
// drawn on the phone, and the 督导意见书 saved as a PDF whose text names the school, the
// findings and their deadlines.

/** A camera-sized JPEG (4000×3000, 12 MP) made in the browser, as the phone's camera would give. */
async function cameraJpeg(page: Page, label: string): Promise<Buffer> {
  const b64 = await page.evaluate(async (text) => {
    const c = new OffscreenCanvas(4000, 3000);
    const g = c.getContext('2d')!;
    const grad = g.createLinearGradient(0, 0, 4000, 3000);
    grad.addColorStop(0, '#6b8e23');
    grad.addColorStop(1, '#2f4f4f');
    g.fillStyle = grad;
    g.fillRect(0, 0, 4000, 3000);
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

/** The finding card whose description (a textarea, so not its text content) mentions `text`. */
async function findingCard(page: Page, text: string) {
  const cards = page.getByTestId('finding-card');
  await expect(cards.first()).toBeVisible();
  const i = await cards.evaluateAll((els, t) => els.findIndex(e =>
    (e.querySelector('[data-testid=finding-desc]') as HTMLTextAreaElement | null)?.value.includes(t)), text);
  expect(i, `a finding about ${text}`).toBeGreaterThanOrEqual(0);
  return cards.nth(i);
}

/** The date in Beijing `days` from today, as 公文 write it: 2026年12月31日. */
function beijingDate(days: number): string {
  const d = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

test('a whole field visit offline: photos, findings, signature, 督导意见书 as PDF', async ({ page, context }, info) => {
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation({ latitude: 36.73571, longitude: 115.67312, accuracy: 18 });
  await phoneWithSchools(page);

  // The school list (韩立新's three): filter by stage, find by code.
  await expect(page.getByTestId('school-card')).toHaveCount(3);
  await page.locator('[data-testid=stage-filter][data-stage="小学"]').click();
  await expect.poll(() => page.getByTestId('school-card').count()).toBeLessThan(3);
  expect(await page.getByTestId('school-card').count()).toBeGreaterThan(0);
  await shot(page, info, '30-schools-primary');
  await page.locator('[data-testid=stage-filter]').first().click();
  await page.getByTestId('school-card').getByText('清河县实验小学').click();
  await pickTemplates(page, ['anquan']);
  await page.getByTestId('supervisor-name').fill('王建华');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
  const visitUrl = page.url();

  // The app was opened online once (at the office): its service worker now starts it offline.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // No signal at the school from here until the document is printed.
  await context.setOffline(true);
  const v = new VisitScreen(page);

  // 门卫: the whole section 符合 in one tap that asks once; then the guard count is corrected.
  await v.openSection('门卫');
  await page.getByTestId('section-all-ok').click();
  await shot(page, info, '31-section-all-ok-confirm');
  await page.getByTestId('confirm-yes').click();
  await expect(v.item('封闭化管理')).toHaveAttribute('data-answered', 'true');
  const guards = page.locator('[data-code="AQ-MW-04"]');
  await guards.getByTestId('number-input').fill('3');
  await expect(guards).toHaveAttribute('data-outcome', 'noncompliant');
  await v.answerSection();

  // 消防: exits are blocked. A photo is required; two are taken, one is deleted again.
  await v.openSection('消防');
  const exits = page.locator('[data-code="AQ-XF-03"]');
  await exits.locator('.choices button', { hasText: '是' }).click();
  await expect(exits).toHaveAttribute('data-outcome', 'noncompliant');
  await exits.getByTestId('photo-pick').setInputFiles([
    { name: 'IMG_20261201_101502.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(page, '东楼二层安全出口堆放桌椅') },
  ]);
  await expect(exits.getByTestId('photo-thumb')).toHaveCount(1);
  await exits.getByTestId('photo-take').setInputFiles([
    { name: 'IMG_20261201_101533.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(page, '重复的一张') },
  ]);
  await expect(exits.getByTestId('photo-thumb')).toHaveCount(2);
  await exits.scrollIntoViewIfNeeded();
  await shot(page, info, '32-photo-thumbs');

  // Full size: downscaled to 1600 on the long side.
  await exits.getByTestId('photo-thumb').first().click();
  const viewer = page.getByTestId('photo-viewer');
  await expect(viewer).toBeVisible();
  const size = await viewer.locator('img').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });
  expect(size).toEqual([1600, 1200]);
  await shot(page, info, '33-photo-viewer');
  await page.getByTestId('photo-close').click();

  // Deleting asks once.
  await exits.getByTestId('photo-thumb').nth(1).click();
  await page.getByTestId('photo-delete').click();
  await shot(page, info, '34-photo-delete-confirm');
  await page.getByTestId('photo-delete-confirm').click();
  await expect(exits.getByTestId('photo-thumb')).toHaveCount(1);

  // A reload mid-visit, still offline (the service worker starts the app), keeps the photo.
  await page.reload();
  await expect(page.locator('[data-code="AQ-XF-03"]').getByTestId('photo-thumb')).toHaveCount(1);

  // Everything else, then finish.
  await v.answerAllSections();
  await page.locator('.section-tabs .chip').last().click();
  await page.getByTestId('finish-visit').click();
  await expect(page).toHaveURL(/\/review$/);

  // The findings as proposed: one per 不符合 answer, 限期整改 with a default deadline.
  // The review renders once the visit is read back: wait for it before counting.
  const cards = page.getByTestId('finding-card');
  await expect(cards.first()).toBeVisible();
  const proposed = await cards.count();
  expect(proposed).toBeGreaterThanOrEqual(3);
  const exitCard = await findingCard(page, '安全出口');
  await expect(exitCard.getByTestId('finding-deadline')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  await shot(page, info, '35-review');
  // The deadline reads the Chinese way (the browser would write the native control's text in its
  // own locale, 12/31/2026 in an en-US Chromium).
  const shownDeadline = exitCard.getByTestId('finding-deadline-shown');
  const [y, m, d] = (await exitCard.getByTestId('finding-deadline').inputValue()).split('-').map(Number);
  await expect(shownDeadline).toHaveText(`${y}年${m}月${d}日`);
  await shownDeadline.scrollIntoViewIfNeeded();
  await shot(page, info, '35a-review-deadline');

  // Settle them: the exit is 重大, fixed at once; the guards get an owner and a description.
  await exitCard.getByTestId('sev-major').click();
  await exitCard.getByTestId('disp-immediate').click();
  await expect(exitCard.getByTestId('finding-deadline')).toHaveCount(0);
  const guardCard = await findingCard(page, '保安');
  await guardCard.getByTestId('finding-owner').fill('总务处 李明');
  await guardCard.getByTestId('finding-desc').fill('学校专职保安员仅3人，低于按在校生人数核定的5人。');
  await guardCard.getByTestId('finding-desc').blur();

  // Food samples too small and kept too briefly are one problem of the canteen: merge them.
  const samples = await findingCard(page, '留样量');
  await samples.getByTestId('finding-select').check();
  await (await findingCard(page, '冷藏保存时长')).getByTestId('finding-select').check();
  await page.getByTestId('merge-findings').click();
  await expect(cards).toHaveCount(proposed - 1);
  const merged = await findingCard(page, '留样量');
  await expect(merged.getByTestId('finding-desc')).toHaveValue(/留样量.*。.*冷藏保存时长/);

  // The drill time was a misreading: the finding is dropped, asking once, and can be restored.
  const drill = await findingCard(page, '撤离用时');
  await drill.getByTestId('drop-finding').click();
  await page.getByTestId('confirm-yes').click();
  await expect(cards).toHaveCount(proposed - 2);
  await expect(page.getByTestId('restore-finding')).toHaveCount(1);
  await shot(page, info, '36-review-settled');

  // The principal signs with a finger.
  await page.getByTestId('to-sign').click();
  await expect(page).toHaveURL(/\/sign$/);
  await page.getByTestId('signer-name').fill('李红梅');
  await page.getByTestId('signer-role').fill('校长');
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 24; i++) {
    await page.mouse.move(box.x + 30 + i * 10, box.y + box.height * (0.6 - 0.25 * Math.sin(i / 3)));
  }
  await page.mouse.up();
  await shot(page, info, '37-signature');
  await page.getByTestId('sign-confirm').click();
  await expect(page).toHaveURL(/\/opinion$/);

  // The 督导意见书: number, school, findings with their terms.
  const doc = page.getByTestId('opinion');
  await expect(page.getByTestId('opinion-number')).toContainText(/督意〔\d{4}〕\d+号/);
  await expect(doc).toContainText('清河县实验小学');
  await expect(doc).toContainText('立行立改');
  await expect(doc).toContainText(`${beijingDate(30)}前`);
  await expect(page.getByTestId('opinion-receipt')).toContainText('回');
  await page.getByTestId('opinion-photos').check();
  await expect(page.getByTestId('opinion-appendix').locator('img')).toHaveCount(1);
  await shot(page, info, '38-opinion');

  // Saved as PDF the way the browser prints it, and read back as text.
  await context.setOffline(false);
  await page.emulateMedia({ media: 'print' });
  const dir = path.join(__dirname, '..', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const pdfPath = path.join(dir, `${info.project.name}-督导意见书.pdf`);
  await page.pdf({ path: pdfPath, format: 'A4', preferCSSPageSize: true, printBackground: true });
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
  expect(text).toContain('督导意见书');
  expect(text).toContain('清河县实验小学');
  // Issued by the county's 督导室 (the school's town is not an issuing authority).
  expect(text).toContain('清河县人民政府教育督导室');
  expect(text).toMatch(/清督意〔\d{4}〕\d+号/);
  expect(text).toContain('安全出口');
  expect(text).toContain('立行立改');
  expect(text).toContain('总务处 李明');
  expect(text).toContain(`${beijingDate(30)}前`);
  expect(text).toContain('李红梅');
  expect(text).toMatch(/回\s*执/);
  // Pages as pictures, for people to look at.
  execFileSync('pdftoppm', ['-png', '-r', '50', pdfPath, path.join(dir, `${info.project.name}-opinion-page`)]);
  await page.emulateMedia({ media: 'screen' });

  // Signed means read-only: the visit opens as its record, with where it took place.
  await page.goto(visitUrl);
  await expect(page.getByTestId('finish-visit')).toHaveCount(0);
  await expect(page.getByTestId('summary-school')).toHaveText('清河县实验小学');
  await expect(page.locator('.summary')).toContainText('北纬 36.73571°');
  await shot(page, info, '39-signed-summary');
});

test('refusing the location never blocks the visit', async ({ page, context }, info) => {
  await context.clearPermissions();
  await phoneWithSchools(page);
  await page.getByTestId('school-card').getByText('清河县实验小学').click();
  await pickTemplates(page, ['zuoye_gongshi']);
  await page.getByTestId('supervisor-name').fill('王建华');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
  const v = new VisitScreen(page);
  await v.answerAllSections();
  await page.locator('.section-tabs .chip').last().click();
  await page.getByTestId('finish-visit').click();
  await expect(page).toHaveURL(/\/review$/);
  await page.goto(page.url().replace(/\/review$/, '/summary'));
  await expect(page.locator('.summary')).toContainText('未记录定位');
  await shot(page, info, '40-no-location');
});
