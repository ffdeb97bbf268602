import { expect, Page, test } from '@playwright/test';
import { FORM_ID, publishForm300 } from './form300';
import {
  benchData, calibrate, cdpOf, instrument, longTasksSince, mib, median, memory, ms, now, quantile,
  report, startVisit, summary, throttle,
} from './util';

// Benchmark, not a test: a whole visit answered on a mid-range phone (4× CPU throttle), twice:
// - `bench answers`: every built-in template at the demo county's boarding 九年一贯制 school
//   (every facility, every grade band: the most items a built-in visit has);
// - `bench answers300`: the generated 300-item checklist of issue 15 (form300.ts: 70% judgement
//   items, 20% numbers held to ≤ 60, 10% notes that follow up a 不符合), published into the
//   server's library first, at the same school.
// Each is answered item by item as a quick supervisor would (taps, a typed number, time or
// text), up to 300 answers. Prints:
// - ready: navigation to the first frame with an answer control, reopening the visit (the
//   service worker serves the app), at 1× and 4×;
// - per answer: the tap (the event's own timestamp) to the first frame after the item shows as
//   answered, and the tap to the IndexedDB transaction that stores it reporting `complete`;
// - section change: the tap on 下一部分 to the first frame with the next section's title;
// - long tasks (≥ 50 ms) while answering; JS heap and wasm memory after load and after the
//   answers; the time from the last tap until the last answer is durable in IndexedDB.
// Asserts nothing about speed.

const USER = 'yangzhenhua';
const SCHOOL = '清河县柳林乡九年一贯制学校';
// BENCH_ANSWERS=N answers fewer (a quick try of the bench itself).
const MAX_ANSWERS = Math.min(300, Number(process.env.BENCH_ANSWERS ?? 300));
const READY_RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** The answer to `code` in the visit as stored, polled through a second connection until it
 *  is there: ms from `since` (a performance.now() of the page) to when it was read back. */
async function durableAfter(page: Page, visitId: string, code: string, since: number): Promise<number> {
  return page.evaluate(([id, code, since]) => new Promise<number>((resolve, reject) => {
    const open = indexedDB.open('dudao');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const poll = () => {
        const get = db.transaction('visits', 'readonly').objectStore('visits').get(id);
        get.onsuccess = () => {
          const a = get.result?.answers?.[code];
          if (a && a.value !== null && a.value !== undefined) { db.close(); resolve(performance.now() - (since as number)); }
          else setTimeout(poll, 5);
        };
        get.onerror = () => { db.close(); reject(get.error); };
      };
      poll();
    };
  }), [visitId, code, since] as const);
}

/** The first item not yet answered, what answers it, and its range; arms the measurement of
 *  its answer (see util.ts `instrument`). One round trip. */
async function nextItem(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid=item][data-answered=false]');
    if (!el) return null;
    const code = el.getAttribute('data-code')!;
    const input = el.querySelector('[data-testid=number-input], [data-testid=time-input]');
    const kind = el.querySelector('.choices.four') ? 'four'
      : el.querySelector('.choices.two') ? (el.querySelector('.choices.two .c-compliant') ? 'two-good' : 'two')
      : el.querySelector('[data-testid=number-input]') ? 'number'
      : el.querySelector('[data-testid=time-input]') ? 'time'
      : el.querySelector('[data-testid=text-input]') ? 'text' : 'choice';
    (window as any).__bench.watch = { code };
    return { code, kind, min: input?.getAttribute('min') ?? null, max: input?.getAttribute('max') ?? null };
  });
}

/** Answers one item the way a supervisor would; which answer depends on `n` (the answer's
 *  number) so that a run has some of each: 符合 mostly, and 基本符合, 不符合, 不适用. A number
 *  is typed as 10 (or the nearest value its range allows), a time as 08:30, a text as 无. */
async function answer(page: Page, next: NonNullable<Awaited<ReturnType<typeof nextItem>>>, n: number) {
  const item = page.locator(`[data-testid=item][data-code="${next.code}"]`);
  const { min, max } = next;
  switch (next.kind) {
    case 'four': {
      const pick = ['compliant', 'compliant', 'compliant', 'compliant', 'compliant', 'compliant', 'compliant',
                    'partial', 'noncompliant', 'notapplicable'][n % 10];
      await item.locator(`.choices.four button.c-${pick}`).click();
      break;
    }
    case 'two-good': await item.locator('.choices.two .c-compliant').first().click(); break;
    case 'two': await item.locator('.choices.two button').first().click(); break;
    case 'number': {
      let v = 10;
      if (min !== null && v < Number(min)) v = Number(min);
      if (max !== null && v > Number(max)) v = Number(max);
      await item.getByTestId('number-input').fill(String(v));
      break;
    }
    case 'time': {
      // Inside the range: the earliest time allowed when 08:30 is outside it.
      const v = (min && min > '08:30') || (max && max < '08:30') ? (min ?? max!) : '08:30';
      await item.getByTestId('time-input').fill(v);
      break;
    }
    case 'text': await item.getByTestId('text-input').fill('无'); break;
    default: await item.locator('.choices button').first().click();
  }
  await expect(item).toHaveAttribute('data-answered', 'true');
}

test('every built-in template answered at 4×: ready, per answer, long tasks, memory, durability', async ({ page }) => {
  await answerWholeVisit(page, 'answers', 'all');
});

test('the generated 300-item checklist answered at 4×: the same figures', async ({ page }) => {
  publishForm300();
  await answerWholeVisit(page, 'answers300', [FORM_ID]);
});

async function answerWholeVisit(page: Page, bench: string, templates: string[] | 'all') {
  test.setTimeout(900_000);
  await instrument(page);
  const cdp = await cdpOf(page);

  // Setup at full speed: the school list, and a visit started with the templates.
  const visitId = await startVisit(page, { user: USER, school: SCHOOL, templates });
  const url = `/visits/${visitId}`;

  // Ready, reopening the visit: READY_RUNS times at 1× and at 4×.
  for (const rate of [1, 4]) {
    await throttle(cdp, rate);
    const runs: number[] = [];
    for (let i = 0; i < READY_RUNS; i++) {
      await page.goto(url);
      await expect.poll(() => page.evaluate(() => (window as any).__bench.ready), { timeout: 60_000 }).toBeGreaterThan(0);
      runs.push(await page.evaluate(() => (window as any).__bench.ready));
    }
    report(bench, `ready at ${rate}× (navigation to first answer control): ${summary(runs)}`
      + `; busy-loop check ${ms(await calibrate(page))}`);
  }

  // The page stays at 4× from here on.
  const total = Number(/\/(\d+)/.exec((await page.getByTestId('progress').textContent()) ?? '')?.[1] ?? NaN);
  const sectionCount = await page.locator('.section-tabs .chip').count();
  const loaded = await memory(cdp);
  report(bench, `after load: JS heap ${mib(loaded.heap)}, wasm memory ${mib(loaded.wasm)} `
    + `(${total} visible items in ${sectionCount} sections; the wasm memory found through DevTools' object query)`);

  const start = await now(page);
  const answered: string[] = [];
  for (let section = 0; section < sectionCount && answered.length < MAX_ANSWERS; section++) {
    if (section > 0) {
      await page.evaluate(() => { (window as any).__bench.watch = { section: true }; });
      const title = await page.getByTestId('section-title').textContent();
      await page.getByTestId('next-section').click();
      await expect(page.getByTestId('section-title')).not.toHaveText(title ?? '');
    }
    // Follow-ups appear as items are answered: take the first unanswered item each time.
    for (let guard = 0; guard < 200 && answered.length < MAX_ANSWERS; guard++) {
      const next = await nextItem(page);
      if (!next) break;
      await answer(page, next, answered.length);
      answered.push(next.code);
      if (answered.length % 50 === 0) console.log(`  … ${answered.length} answers`);
    }
  }
  const lastCode = answered[answered.length - 1];
  // Follow-up items appear as items are answered: the form is longer at the end.
  const totalAtEnd = Number(/\/(\d+)/.exec((await page.getByTestId('progress').textContent()) ?? '')?.[1] ?? NaN);
  const data = await benchData(page);
  const perAnswer = data.shown.filter(s => s.what !== 'section');
  const lastTap = perAnswer[perAnswer.length - 1]?.t0 ?? NaN;
  const readBack = await durableAfter(page, visitId, lastCode, lastTap);
  const end = await now(page);

  // Each answer is one readwrite transaction on the visits store (with its outbox entry), in
  // the order of the answers: the k-th after the first tap stores the k-th answer.
  const visitWrites = data.tx.filter(t => t.stores.includes('visits') && t.created >= perAnswer[0].t0);
  const committed = perAnswer.map((a, k) => (visitWrites[k]?.done ?? -1) >= 0 ? visitWrites[k].done - a.t0 : NaN)
    .filter(Number.isFinite);
  const shown = perAnswer.map(a => a.t1 - a.t0);
  const sections = data.shown.filter(s => s.what === 'section');
  const long = (await longTasksSince(page, start)).filter(Boolean);
  const sectionLong = data.long.filter(l => sections.some(s => l.start >= s.t0 - 1 && l.start <= s.t1)).map(l => l.dur);
  const lastCommit = Math.max(...visitWrites.map(t => t.done));

  report(bench, `${answered.length} answers (${total} items visible at the start, ${totalAtEnd} at the end); tap → shown as answered: average ${ms(shown.reduce((a, b) => a + b, 0) / shown.length)}, `
    + `median ${ms(median(shown))}, p95 ${ms(quantile(shown, 0.95))}, max ${ms(Math.max(...shown))}`);
  report(bench, `tap → its IndexedDB write complete: average ${ms(committed.reduce((a, b) => a + b, 0) / committed.length)}, `
    + `median ${ms(median(committed))}, p95 ${ms(quantile(committed, 0.95))}, max ${ms(Math.max(...committed))} `
    + `(${visitWrites.length} visit writes for ${perAnswer.length} answers)`);
  report(bench, `section change (tap → next section shown): ${sections.length} changes, median ${ms(median(sections.map(s => s.t1 - s.t0)))}, `
    + `max ${ms(Math.max(...sections.map(s => s.t1 - s.t0)))}; longest task on a section change ${ms(Math.max(0, ...sectionLong))}`);
  report(bench, `long tasks while answering: ${long.length}, longest ${ms(Math.max(0, ...long))}, `
    + `total ${ms(long.reduce((a, b) => a + b, 0))} over ${((end - start) / 1000).toFixed(1)} s`);
  report(bench, `last answer durable: its write complete ${ms(lastCommit - lastTap)} after the last tap; `
    + `read back through a second connection ${ms(readBack)} after it`);
  const after = await memory(cdp);
  report(bench, `after ${answered.length} answers: JS heap ${mib(after.heap)}, wasm memory ${mib(after.wasm)} `
    + `(growth ${mib(after.heap - loaded.heap)} + ${mib(after.wasm - loaded.wasm)})`);
  expect(answered.length).toBeGreaterThan(0);
}
