import { expect, Page, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

/** Saves a full-page screenshot as e2e/screenshots/<project>-<name>.png for people to look at. */
export async function shot(page: Page, info: TestInfo, name: string) {
  const dir = path.join(__dirname, '..', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${info.project.name}-${name}.png`), fullPage: false });
}

/** Ticks exactly these templates (by id) in the open start panel. */
export async function pickTemplates(page: Page, ids: string[]) {
  const options = page.getByTestId('template-option');
  await expect(options.first()).toBeVisible();
  for (const option of await options.all()) {
    const id = await option.getAttribute('data-template');
    await option.locator('input[type=checkbox]').setChecked(ids.includes(id ?? ''));
  }
}

/** The visit screen, as a page object. */
export class VisitScreen {
  constructor(readonly page: Page) {}

  items() { return this.page.getByTestId('item'); }
  item(text: string) { return this.items().filter({ hasText: text }).first(); }
  progress() { return this.page.getByTestId('progress'); }
  sectionTab(name: string) { return this.page.locator('.section-tabs .chip', { hasText: name }); }

  async openSection(name: string) {
    await this.sectionTab(name).click();
    await expect(this.page.getByTestId('section-title')).toContainText(name);
  }

  /** Answers every unanswered item in the current section the way a quick supervisor would:
   *  符合 / the compliant yes-no / a plausible number or time. Follow-up items that appear are
   *  answered too. */
  async answerSection() {
    for (let guard = 0; guard < 60; guard++) {
      const next = this.page.locator('[data-testid=item][data-answered=false]').first();
      if ((await next.count()) === 0) return;
      const open = this.page.locator(`[data-testid=item][data-code="${await next.getAttribute('data-code')}"]`);
      if (await open.locator('.choices.four').count()) {
        await open.getByRole('button', { name: '符合', exact: true }).click();
      } else if (await open.locator('.choices.two').count()) {
        const good = open.locator('.choices.two .c-compliant');
        await ((await good.count()) ? good.first() : open.locator('.choices.two button').first()).click();
      } else if (await open.getByTestId('number-input').count()) {
        await open.getByTestId('number-input').fill('10');
      } else if (await open.getByTestId('time-input').count()) {
        await open.getByTestId('time-input').fill('08:30');
      } else if (await open.getByTestId('text-input').count()) {
        await open.getByTestId('text-input').fill('无');
      } else {
        await open.locator('.choices button').first().click();
      }
      await expect(open).toHaveAttribute('data-answered', 'true');
    }
    throw new Error('section never became fully answered');
  }

  async answerAllSections() {
    const names = await this.page.locator('.section-tabs .chip').evaluateAll(
      els => els.map(e => (e.childNodes[0]?.textContent ?? '').trim()));
    for (const name of names) {
      await this.openSection(name);
      await this.answerSection();
    }
  }
}
