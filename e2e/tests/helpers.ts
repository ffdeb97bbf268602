import { CDPSession, expect, Page, TestInfo } from '@playwright/test';
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

/** Minutes on the school-day clock, as the app orders times: 05:00 → 300 … 04:59 → 1739. */
function dayMinutes(t: string): number {
  const [h, m] = t.split(':').map(Number);
  const minutes = h * 60 + m;
  return minutes < 300 ? minutes + 1440 : minutes;
}

/** `value` when the field's range (its min/max attributes) takes it, else the range's nearer end:
 *  every number, count and time item states a range, and the app refuses what is outside it. */
function inRange(value: string, min: string | null, max: string | null, order: (v: string) => number): string {
  if (min !== null && order(value) < order(min)) return min;
  if (max !== null && order(value) > order(max)) return max;
  return value;
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
        const input = open.getByTestId('number-input');
        await input.fill(inRange('10', await input.getAttribute('min'), await input.getAttribute('max'), Number));
      } else if (await open.getByTestId('time-input').count()) {
        const input = open.getByTestId('time-input');
        await input.fill(inRange('08:30', await input.getAttribute('min'), await input.getAttribute('max'), dayMinutes));
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

/** A phone with a supervisor's school list on it. The server lists schools only to a signed-in
 *  user (their own), so the phone, opened at 学校, signs in as `username` through the page's
 *  登录 prompt and the real 登录 screen (one Argon2 check on the server: no slower than a page
 *  load), waits for the list and for the first sync to end, and signs out again: the visit
 *  specs then work on the phone alone, with the list it keeps, as a supervisor without signal
 *  would, and nothing they make reaches the shared test server (where a later spec's sign-in
 *  would pull it). Sign-in and sync themselves are sync.spec.ts; the 学校 page signed in and out
 *  is schools.spec.ts. */
export async function phoneWithSchools(page: Page, username = 'hanlixin') {
  await page.goto('/');
  await page.getByTestId('schools-sign-in-button').click();
  await expect(page).toHaveURL(/\/login\?next=\/$/);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill('dudao-demo');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('school-card').first()).toBeVisible();
  await page.getByRole('navigation', { name: 'main' }).locator('a[href="/sync"]').click();
  await expect(page.getByTestId('sync-now')).toBeEnabled();
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('not-signed-in')).toBeVisible();
  await page.getByRole('navigation', { name: 'main' }).locator('a[href="/"]').click();
  await expect(page.getByTestId('school-card').first()).toBeVisible();
  // Signed out, the list stays, under the prompt to sign in.
  await expect(page.getByTestId('schools-sign-in')).toBeVisible();
}

/** Bytes of every WebAssembly.Memory alive in the page (the app's linear memory), found by the
 *  DevTools protocol's object query since the app does not expose its wasm exports. Used by the
 *  leak test and the benchmarks. */
export async function wasmBytes(cdp: CDPSession): Promise<number> {
  const group = 'wasm-bytes';
  try {
    const proto = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype', objectGroup: group });
    const found = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId!, objectGroup: group });
    const bytes = await cdp.send('Runtime.callFunctionOn', {
      objectId: found.objects.objectId!,
      functionDeclaration: 'function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }',
      returnByValue: true,
    });
    return bytes.result.value as number;
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: group });
  }
}
