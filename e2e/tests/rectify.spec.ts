import { expect, test } from '@playwright/test';
import { phoneWithSchools, pickTemplates, shot, VisitScreen } from './helpers';

// The phone's 整改 tab (issue 17, item 3, first slice): every finding of the finished visits on
// the phone, the most urgent first, with its status and its days left; 挂牌督办 (a 重大 finding
// past its deadline) and 逾期 come first and are counted; filters by status and school.

const DAY = 24 * 60 * 60 * 1000;

test('the 整改 list puts 挂牌督办 and 逾期 first, counts them, and filters by status and school', async ({ page, context }, info) => {
  // The phone's clock: a school day in Beijing, moved on later to see deadlines pass.
  const start = new Date('2026-12-07T09:00:00+08:00').getTime();
  await page.clock.install({ time: start });
  await phoneWithSchools(page);

  // A 五项管理 visit at 清河县实验小学 with findings: a problem book found (重大, 15 days), 75
  // minutes of homework in grades 3–6 (一般, 30 days), and whatever the quick answers to the rest
  // fail (10 minutes of homework in grades 1–2, where the limit is none: 一般).
  await page.getByTestId('school-card').getByText('清河县实验小学').click();
  await pickTemplates(page, ['wuxiang']);
  await page.getByTestId('supervisor-name').fill('王建华');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
  const v = new VisitScreen(page);
  await v.openSection('读物');
  const books = page.locator('[data-code="WX-DW-04"]');
  await books.locator('.choices button', { hasText: '是' }).click();
  await expect(books).toHaveAttribute('data-outcome', 'noncompliant');
  await v.openSection('作业');
  const homework = page.locator('[data-code="WX-ZY-04"]');
  await homework.getByTestId('number-input').fill('75');
  await expect(homework).toHaveAttribute('data-outcome', 'noncompliant');
  await v.answerAllSections();
  await page.locator('.section-tabs .chip').last().click();
  await page.getByTestId('finish-visit').click();
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByTestId('finding-card').first()).toBeVisible();

  // 整改, with no network (the list is the phone's own): all open, the 重大 one (the sooner
  // deadline) first, nothing late yet.
  await context.setOffline(true);
  await page.locator('.bottombar a[href="/findings"]').click();
  const rows = page.getByTestId('finding');
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  expect(n).toBeGreaterThanOrEqual(2);
  const majors = await page.locator('[data-testid=finding][data-major=true]').count();
  expect(majors).toBe(1);
  await expect(page.getByTestId('findings-counts')).toHaveText(`待整改 ${n} 条 · 逾期 0 条 · 挂牌督办 0 条`);
  await expect(rows.nth(0)).toHaveAttribute('data-major', 'true');
  await expect(rows.nth(0).getByTestId('finding-standing')).toHaveText('剩15天');
  await expect(rows.filter({ hasText: '75' }).getByTestId('finding-standing')).toHaveText('剩30天');
  for (const row of await rows.all()) {
    await expect(row.getByTestId('finding-status')).toHaveText('待整改');
    await expect(row.getByTestId('finding-school')).toHaveText('清河县实验小学');
  }
  await expect(page.getByTestId('sync-state')).toContainText('离线');
  await shot(page, info, '90-rectify-list');
  await context.setOffline(false);

  // Twenty days on: the 重大 finding is 5 days late, so 挂牌督办; the other has 10 days left.
  await page.clock.setFixedTime(start + 20 * DAY);
  await page.reload();
  await expect(page.getByTestId('findings-counts')).toHaveText(`待整改 ${n} 条 · 逾期 1 条 · 挂牌督办 1 条`);
  await expect(rows.nth(0)).toHaveAttribute('data-standing', 'supervised');
  await expect(rows.nth(0).getByTestId('finding-standing')).toHaveText('挂牌督办 · 逾期5天');
  for (let i = 1; i < n; i++) await expect(rows.nth(i).getByTestId('finding-standing')).toHaveText('剩10天');
  await shot(page, info, '91-rectify-supervised');

  // Filters: none is 整改中 yet, none is closed; both are 待整改, at this school.
  await page.locator('[data-testid=finding-filter][data-filter="rectifying"]').click();
  await expect(rows).toHaveCount(0);
  await expect(page.getByTestId('no-findings')).toHaveText('没有符合条件的问题。');
  await page.locator('[data-testid=finding-filter][data-filter="done"]').click();
  await expect(rows).toHaveCount(0);
  await page.locator('[data-testid=finding-filter][data-filter="pending"]').click();
  await expect(rows).toHaveCount(n);
  const picker = page.getByTestId('finding-school-filter');
  await picker.selectOption({ label: '清河县实验小学' });
  await expect(rows).toHaveCount(n);

  // A tap opens the visit's findings (its review, before signing).
  await rows.nth(0).click();
  await expect(page).toHaveURL(/\/review$/);

  // English is one tap away.
  await page.locator('.bottombar a[href="/findings"]').click();
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('findings-counts')).toHaveText(`${n} open · 1 overdue · 1 under supervised listing`);
  await expect(rows.nth(0).getByTestId('finding-standing')).toHaveText('Supervised listing · 5 days late');
  await page.getByTestId('lang-switch').click();
});
