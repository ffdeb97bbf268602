import { expect, Page, test } from '@playwright/test';
import { shot, VisitScreen } from '../tests/helpers';
import {
  calibrate, cdpOf, domNodes, instrument, longTasksSince, ms, now, report, startVisit, summary, throttle,
} from './util';

// Benchmark, not a test: a phone holding 1,000 visits, at 4× CPU throttle. One real visit is
// made through the app (the 校园安全 checklist at a primary school, every item answered, then
// 完成督导, so it is a finished visit with its answers), read back from IndexedDB as the app
// stored it, and copied 999 times with new ids, start times one day apart and the phone's
// schools in turn (the copy's pinned school is the stored school record). Then, for the
// 督导记录 list and the 学校 page, each opened from the other by the bottom navigation (3 runs
// each) and by loading its URL (1 run each):
// - time from the tap (or the navigation) to the first frame showing its first row;
// - the longest task and the number of long tasks until the page is quiet (no long task for
//   1.5 s), and how long that took;
// - the DOM node count then.
// Asserts nothing about speed.

const VISITS = 1000;
const RUNS = 3;
const ROW = { visits: '[data-testid=visit-row]', schools: '[data-testid=school-card]' };

/** Copies the visit `id` as stored to `count - 1` new visits in one transaction. */
async function fillPhone(page: Page, id: string, count: number): Promise<{ stored: number; answers: number; state: string }> {
  return page.evaluate(([id, count]) => new Promise<{ stored: number; answers: number; state: string }>((resolve, reject) => {
    const open = indexedDB.open('dudao');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const read = db.transaction(['visits', 'schools'], 'readonly');
      const visit = read.objectStore('visits').get(id);
      const schools = read.objectStore('schools').getAll();
      read.oncomplete = () => {
        const source = visit.result;
        const list = (schools.result as any[]).filter(s => s && s.id);
        const day = 86_400_000;
        const tx = db.transaction('visits', 'readwrite');
        const store = tx.objectStore('visits');
        for (let i = 1; i < (count as number); i++) {
          const v = structuredClone(source);
          v.id = crypto.randomUUID();
          if (list.length) {
            const school = list[i % list.length];
            v.school = structuredClone(school);
            v.school_id = school.id;
          }
          for (const k of ['started_at', 'updated_at', 'finished_at']) {
            if (typeof v[k] === 'number') v[k] -= i * day;
          }
          store.put(v);
        }
        tx.oncomplete = () => {
          const n = db.transaction('visits', 'readonly').objectStore('visits').count();
          n.onsuccess = () => {
            db.close();
            resolve({ stored: n.result, answers: Object.keys(source.answers ?? {}).length, state: String(source.state) });
          };
        };
        tx.onerror = () => { db.close(); reject(tx.error); };
      };
    };
  }), [id, count] as const);
}

/** Resolves when no long task has started for `quietMs`; returns performance.now() of the
 *  end of the last long task (or `since` if there was none). */
async function quiet(page: Page, since: number, quietMs = 1500): Promise<number> {
  for (;;) {
    const r = await page.evaluate(([since, quietMs]) => {
      const long = (window as any).__bench.long.filter((e: any) => e.start >= since);
      const last = long.length ? Math.max(...long.map((e: any) => e.start + e.dur)) : since;
      return { last, idle: performance.now() - last >= quietMs };
    }, [since, quietMs] as const);
    if (r.idle) return r.last;
    await page.waitForTimeout(250);
  }
}

interface Run { first: number; settled: number; longest: number; count: number; nodes: number }

/** Taps the bottom navigation's link to `href` and measures until `row` shows and the page is
 *  quiet. */
async function viaNav(page: Page, href: string, row: string): Promise<Run> {
  await page.evaluate(sel => { (window as any).__bench.watch = { selector: sel }; }, row);
  const start = await now(page);
  await page.getByRole('navigation', { name: 'main' }).locator(`a[href="${href}"]`).click();
  await expect(page.locator(row).first()).toBeVisible({ timeout: 180_000 });
  const shown = await page.evaluate(sel => (window as any).__bench.shown.filter((s: any) => s.what === sel).pop(), row);
  const t0 = shown?.t0 ?? start;
  const last = await quiet(page, start);
  const long = await longTasksSince(page, start);
  return {
    first: shown ? shown.t1 - shown.t0 : NaN, settled: Math.max(last, shown?.t1 ?? 0) - t0,
    longest: Math.max(0, ...long), count: long.length, nodes: await domNodes(page),
  };
}

/** Loads `path` afresh and measures from the navigation's start. */
async function viaLoad(page: Page, path: string, row: string): Promise<Run> {
  await page.goto(path);
  await expect(page.locator(row).first()).toBeVisible({ timeout: 180_000 });
  await expect.poll(() => page.evaluate(sel => (window as any).__bench.seen[sel] ?? -1, row)).toBeGreaterThan(0);
  const first = await page.evaluate(sel => (window as any).__bench.seen[sel], row);
  const last = await quiet(page, 0);
  const long = await longTasksSince(page, 0);
  return { first, settled: Math.max(last, first), longest: Math.max(0, ...long), count: long.length, nodes: await domNodes(page) };
}

function print(name: string, how: string, runs: Run[]) {
  report('visits', `${name}, ${how}: first row ${summary(runs.map(r => r.first))}; quiet after ${summary(runs.map(r => r.settled))}; `
    + `longest task ${summary(runs.map(r => r.longest))}; long tasks ${runs.map(r => r.count).join('/')}; `
    + `DOM nodes ${runs.map(r => r.nodes).join('/')}`);
}

test('1,000 stored visits: 督导记录 and 学校 at 4×', async ({ page }, info) => {
  test.setTimeout(1_500_000);
  await instrument(page, [ROW.visits, ROW.schools]);
  const cdp = await cdpOf(page);

  // One real visit, made at full speed.
  const id = await startVisit(page, { user: 'hanlixin', school: '清河县实验小学', templates: ['anquan'] });
  await new VisitScreen(page).answerAllSections();
  await page.getByTestId('finish-visit').click();
  await expect(page).toHaveURL(/\/review$/);
  const filled = await fillPhone(page, id, VISITS);
  report('visits', `${filled.stored} visits stored (copies of a ${filled.state} 校园安全 visit with ${filled.answers} answers)`);

  await page.goto('/');
  await expect(page.locator(ROW.schools).first()).toBeVisible();
  await throttle(cdp, 4);
  await page.waitForTimeout(3000);
  await quiet(page, 0);
  report('visits', `busy-loop check at 4×: ${ms(await calibrate(page))}`);

  const list: Run[] = [];
  const schools: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    list.push(await viaNav(page, '/visits', ROW.visits));
    schools.push(await viaNav(page, '/', ROW.schools));
  }
  print('督导记录 (/visits)', 'tapped in the bottom navigation', list);
  print('学校 (/)', 'tapped in the bottom navigation', schools);
  print('督导记录 (/visits)', 'loading the URL (from navigation start)', [await viaLoad(page, '/visits', ROW.visits)]);
  print('学校 (/)', 'loading the URL (from navigation start)', [await viaLoad(page, '/', ROW.schools)]);

  // For people to look at: the list's first page and its 显示更多.
  await throttle(cdp, 1);
  await page.goto('/visits');
  await expect(page.locator(ROW.visits).first()).toBeVisible();
  await shot(page, info, 'bench-visits-1000');
  await page.getByTestId('visits-more').scrollIntoViewIfNeeded();
  await shot(page, info, 'bench-visits-1000-more');
});
