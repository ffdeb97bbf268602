import { expect, test } from '@playwright/test';
import { phoneWithSchools, pickTemplates, shot, VisitScreen } from './helpers';

// A supervisor walks the 五项管理 check at a primary school on a phone: answers are computed
// against the national thresholds as they are typed, survive a reload and a closed tab, and
// finishing lists what is missing, then shows the findings.
test('walk a 五项管理 visit, reload and reopen mid-way, finish with findings', async ({ page, context }, info) => {
  await phoneWithSchools(page);
  await expect(page.getByTestId('school-card')).toHaveCount(3);
  await expect(page.getByTestId('sync-state')).toContainText('在线');
  await shot(page, info, '01-schools');

  await page.getByTestId('school-search').fill('实验');
  await expect(page.getByTestId('school-card')).toHaveCount(1);
  await page.getByTestId('school-card').getByText('清河县实验小学').click();
  await pickTemplates(page, ['wuxiang']);
  await page.getByTestId('supervisor-name').fill('王建华');
  await shot(page, info, '02-start-visit');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
  const visitUrl = page.url();

  const v = new VisitScreen(page);
  await expect(page.getByTestId('section-title')).toContainText('手机');
  await shot(page, info, '03-visit-first-section');

  // Section 1: answer everything, with a note on the first item.
  await v.answerSection();
  const first = v.items().first();
  await first.getByTestId('add-note').click();
  await first.getByTestId('note').fill('抽查三个班级，手机统一存放在班级保管柜');

  // Morning classes at 08:00 break the 小学 08:20 rule: the verdict shows at once.
  await v.openSection('睡眠');
  const start = v.item('上午');
  await start.getByTestId('time-input').fill('08:00');
  await expect(start.getByTestId('verdict')).toContainText('不符合');
  await expect(start.getByTestId('verdict')).toContainText('08:20');
  await shot(page, info, '04-verdict-time');
  const progressBefore = await v.progress().textContent();

  // Reload mid-visit: the visit resumes on the section last edited, with every answer.
  await page.reload();
  await expect(page.getByTestId('section-title')).toContainText('睡眠');
  await expect(v.progress()).toHaveText(progressBefore!);
  await expect(v.item('上午').getByTestId('time-input')).toHaveValue('08:00');
  await expect(v.item('上午').getByTestId('verdict')).toContainText('不符合');
  await v.openSection('手机');
  await expect(page.locator('[data-testid=item][data-answered=false]')).toHaveCount(0);
  await expect(v.items().first().getByTestId('note')).toHaveValue('抽查三个班级，手机统一存放在班级保管柜');

  // Close the tab without warning and come back through the visits list.
  await page.close({ runBeforeUnload: false });
  const again = await context.newPage();
  await again.goto('/visits');
  const row = again.getByTestId('visit-row').filter({ hasText: '清河县实验小学' });
  await expect(row).toContainText('进行中');
  await expect(row).toContainText(progressBefore!);
  await shot(again, info, '05-visits-list-draft');
  await row.click();
  await expect(again).toHaveURL(visitUrl);
  const w = new VisitScreen(again);

  // Grade 3–6 written homework of 75 minutes breaks the ≤ 60 rule of the 2021 双减 opinion.
  await w.openSection('作业');
  const homework = w.item('三至六年级');
  await homework.getByTestId('number-input').fill('75');
  await expect(homework.getByTestId('verdict')).toContainText('不符合');
  await expect(homework.getByTestId('verdict')).toContainText('60');
  await homework.locator('summary').click();
  await expect(homework.locator('.basis')).toContainText('2021');
  await shot(again, info, '06-verdict-homework');

  // A count outside its range (41 PE periods a week, or 3.5) is refused under the field, in
  // Chinese, and nothing is saved; the field keeps it to be corrected, and a whole number
  // within the range is saved and judged at once.
  await w.openSection('体质');
  const pe = again.locator('[data-code="WX-TZ-01"]');
  const periods = pe.getByTestId('number-input');
  await expect(periods).toHaveAttribute('max', '40');
  await expect(periods).toHaveAttribute('inputmode', 'numeric');
  const refused = pe.getByTestId('value-error');
  await periods.fill('41');
  await expect(refused).toHaveText('请输入 0–40 之间的整数（课时）');
  await periods.fill('3.5');
  await expect(refused).toHaveText('请输入 0–40 之间的整数（课时）');
  await expect(periods).toHaveValue('3.5');
  await expect(pe).toHaveAttribute('data-answered', 'false');
  await expect(pe.getByTestId('verdict')).toHaveCount(0);
  await pe.scrollIntoViewIfNeeded();
  await shot(again, info, '06b-count-out-of-range');
  await periods.fill('4');
  await expect(refused).toHaveCount(0);
  await expect(pe).toHaveAttribute('data-answered', 'true');
  await expect(pe.getByTestId('verdict')).toBeVisible();

  // Finishing early lists what is missing and jumps to it.
  const lastChip = again.locator('.section-tabs .chip').last();
  await lastChip.click();
  await again.getByTestId('finish-visit').click();
  const missing = again.getByTestId('missing');
  await expect(missing).toBeVisible();
  await shot(again, info, '07-missing');
  const firstMissing = missing.locator('button').first();
  const missingPrompt = (await firstMissing.locator('.missing-prompt').textContent())!;
  await firstMissing.click();
  await expect(w.item(missingPrompt)).toBeInViewport();

  // Answer the rest and finish.
  await w.answerAllSections();
  await again.locator('.section-tabs .chip').last().click();
  await again.getByTestId('finish-visit').click();
  // Finishing opens the review of the findings; the summary is one step away.
  await expect(again).toHaveURL(/\/review$/);
  await again.goto(again.url().replace(/\/review$/, '/summary'));
  await expect(again.getByTestId('summary-school')).toHaveText('清河县实验小学');
  const findings = again.getByTestId('finding');
  await expect(findings.filter({ hasText: '75' })).toContainText('60');
  await expect(findings.filter({ hasText: '08:00' })).toContainText('08:20');
  await shot(again, info, '08-summary');

  // The finished visit is listed as such, and its findings appear under 整改.
  await again.goto('/visits');
  await expect(again.getByTestId('visit-row').first()).toContainText('已完成');
  await again.goto('/findings');
  await expect(again.getByTestId('finding').filter({ hasText: '75' })).toHaveCount(1);
  await shot(again, info, '09-findings');
  await again.goto('/sync');
  await expect(again.getByTestId('pending-count')).not.toHaveText('0');
  await shot(again, info, '10-sync');

  // English is one tap away.
  await again.getByTestId('lang-switch').click();
  await expect(again.locator('.bottombar')).toContainText('Schools');
  await again.goto('/');
  await expect(again.getByTestId('school-card').first()).toContainText('Primary');
  await shot(again, info, '11-english');
});
