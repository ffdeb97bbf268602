import { expect, Page, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { phoneWithSchools, pickTemplates, shot, VisitScreen } from './helpers';

// Backup and restore without a network: a supervisor exports everything on the phone to one
// file, the browser's data is wiped (a new phone), the file is imported and the visit is back —
// answers, finding, photo and the changes still to sync. Importing it again adds nothing; a
// half-copied or foreign file is refused in plain Chinese and changes nothing.

/** A small JPEG made in the browser. */
async function jpeg(page: Page, label: string): Promise<Buffer> {
  const b64 = await page.evaluate(async (text) => {
    const c = new OffscreenCanvas(1200, 900);
    const g = c.getContext('2d')!;
    g.fillStyle = '#8b4513';
    g.fillRect(0, 0, 1200, 900);
    g.fillStyle = '#fff';
    g.font = 'bold 90px sans-serif';
    g.fillText(text, 60, 450);
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, label);
  return Buffer.from(b64, 'base64');
}

/** The finding card whose description (a textarea) mentions `text`. */
async function findingIndex(page: Page, text: string): Promise<number> {
  const cards = page.getByTestId('finding-card');
  await expect(cards.first()).toBeVisible();
  return cards.evaluateAll((els, t) => els.findIndex(e =>
    (e.querySelector('[data-testid=finding-desc]') as HTMLTextAreaElement | null)?.value.includes(t)), text);
}

test('export, wipe the browser, import: the visit is back; again skips; a corrupt file changes nothing', async ({ page, context }, info) => {
  await phoneWithSchools(page);
  await page.getByTestId('school-card').getByText('清河县实验小学').click();
  await pickTemplates(page, ['anquan']);
  await page.getByTestId('supervisor-name').fill('王建华');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
  const visitUrl = page.url();
  const v = new VisitScreen(page);

  // Blocked exits, with a photo; then everything else, and finish.
  await v.openSection('消防');
  const exits = page.locator('[data-code="AQ-XF-03"]');
  await exits.locator('.choices button', { hasText: '是' }).click();
  await expect(exits).toHaveAttribute('data-outcome', 'noncompliant');
  await exits.getByTestId('photo-pick').setInputFiles([
    { name: 'IMG_20261201_101502.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page, '安全出口堆放桌椅') },
  ]);
  await expect(exits.getByTestId('photo-thumb')).toHaveCount(1);
  await v.answerAllSections();
  await page.locator('.section-tabs .chip').last().click();
  await page.getByTestId('finish-visit').click();
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByTestId('finding-card').first()).toBeVisible();
  const findings = await page.getByTestId('finding-card').count();
  expect(await findingIndex(page, '安全出口')).toBeGreaterThanOrEqual(0);

  // Export on the 同步 page, without a network.
  await page.locator('.bottombar a[href="/sync"]').click();
  await expect(page).toHaveURL(/\/sync$/);
  const pending = Number(await page.getByTestId('pending-count').textContent());
  expect(pending).toBeGreaterThan(0);
  await context.setOffline(true);
  const section = page.locator('#backup');
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect(section).toContainText('个人信息');
  await shot(page, info, '80-backup-section');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('backup-export').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^督导备份-清河县-\d{4}年\d{1,2}月\d{1,2}日-\d{4}\.json$/);
  await expect(page.getByTestId('backup-result')).toContainText('已导出 1 条督导记录、1 张照片');
  const dir = info.outputPath('backup');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'backup.json');
  await download.saveAs(file);
  const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(bundle.format).toBe('dudao-backup');
  expect(bundle.photos).toHaveLength(1);
  await shot(page, info, '81-backup-exported');

  // Clear site data, as a new phone or a browser that wiped it.
  await context.setOffline(false);
  const origin = new URL(page.url()).origin;
  await page.goto('about:blank');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
  await page.goto('/visits');
  await expect(page.getByTestId('visit-row')).toHaveCount(0);

  // Import, offline.
  await page.goto('/sync');
  await context.setOffline(true);
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  await page.getByTestId('backup-import').setInputFiles(file);
  await expect(page.getByTestId('backup-result')).toHaveText('导入完成：新增 1 条，更新 0 条，跳过 0 条（照片新增 1 张）');
  await expect(page.getByTestId('backup-error')).toHaveCount(0);
  await expect(page.getByTestId('pending-count')).toHaveText(String(pending));
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await shot(page, info, '82-backup-imported');

  // Importing the same file again adds nothing.
  await page.getByTestId('backup-import').setInputFiles(file);
  await expect(page.getByTestId('backup-result')).toHaveText('导入完成：新增 0 条，更新 0 条，跳过 1 条');
  await expect(page.getByTestId('pending-count')).toHaveText(String(pending));

  // A half-copied file and a foreign one are refused, plainly.
  const text = fs.readFileSync(file);
  const half = path.join(dir, 'half.json');
  fs.writeFileSync(half, text.subarray(0, Math.floor(text.length / 2)));
  await page.getByTestId('backup-import').setInputFiles(half);
  await expect(page.getByTestId('backup-error')).toContainText('备份文件已损坏或不完整');
  await expect(page.getByTestId('backup-result')).toHaveCount(0);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await shot(page, info, '83-backup-corrupt');
  await page.getByTestId('backup-import').setInputFiles({
    name: '班级名单.json', mimeType: 'application/json', buffer: Buffer.from('{"班级":"三年级二班","人数":45}'),
  });
  await expect(page.getByTestId('backup-error')).toContainText('这不是督导备份文件');
  await expect(page.getByTestId('pending-count')).toHaveText(String(pending));

  // The visit is back as it was: one record, its findings, its answer and photo. (Pages are
  // loaded afresh, which needs the network until the wiped service worker is back.)
  await context.setOffline(false);
  await page.goto('/visits');
  await expect(page.getByTestId('visit-row')).toHaveCount(1);
  await page.goto(`${visitUrl}/review`);
  await expect(page.getByTestId('finding-card')).toHaveCount(findings);
  expect(await findingIndex(page, '安全出口')).toBeGreaterThanOrEqual(0);
  await shot(page, info, '84-backup-restored-review');
  await page.getByTestId('reopen-visit').click();
  await expect(page).toHaveURL(visitUrl);
  await v.openSection('消防');
  const back = page.locator('[data-code="AQ-XF-03"]');
  await expect(back).toHaveAttribute('data-outcome', 'noncompliant');
  await expect(back.getByTestId('photo-thumb')).toHaveCount(1);
  const loaded = await back.getByTestId('photo-thumb').locator('img').evaluate(
    async (img: HTMLImageElement) => { await img.decode(); return img.naturalWidth > 0; });
  expect(loaded).toBe(true);
  await back.scrollIntoViewIfNeeded();
  await shot(page, info, '85-backup-restored-photo');
});
