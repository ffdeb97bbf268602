import { CDPSession, expect, Page } from '@playwright/test';
import { phoneWithSchools, pickTemplates, wasmBytes } from '../tests/helpers';

// Shared by the benchmarks (not a bench itself: only *.bench.ts files are run). Everything is
// measured inside the page (event timestamps, performance.now(), PerformanceObserver), so the
// round trips between Playwright and the browser are not counted in what is printed.

/** The phone of issue 15: a 412×915 viewport (set on the page), CPU throttled `rate` times. */
export const PHONE = { width: 412, height: 915 };

export async function cdpOf(page: Page): Promise<CDPSession> {
  return page.context().newCDPSession(page);
}

export async function throttle(cdp: CDPSession, rate: number) {
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/** Milliseconds a fixed busy loop takes in the page: shows the throttle is in effect. */
export async function calibrate(page: Page): Promise<number> {
  return page.evaluate(() => {
    const t0 = performance.now();
    let x = 0;
    for (let i = 0; i < 3e6; i++) x = (x * 31 + i) % 1000003;
    (window as any).__calibrate = x;
    return performance.now() - t0;
  });
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

export const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x < 100 ? 1 : 0)} ms` : 'n/a');
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** "median X (range A–B, n runs)". */
export function summary(xs: number[], fmt = ms): string {
  if (!xs.length) return 'n/a';
  return `median ${fmt(median(xs))} (range ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}, ${xs.length} runs)`;
}

/** One line of output, prefixed so `grep '^bench '` finds every number of a run. */
export function report(name: string, line: string) {
  console.log(`bench ${name}: ${line}`);
}

/**
 * Installed before the app's own code on every navigation:
 * - `__bench.long`: every long task (PerformanceObserver 'longtask', ≥ 50 ms) as {start, dur};
 * - `__bench.tx`: every readwrite IndexedDB transaction the page opens, with the stores it
 *   writes, when it was opened and when the browser reported it `complete` (the data is on
 *   disk as far as the page can know);
 * - `__bench.watch`: when set to {code} or {section: true}, the next click or input event (its
 *   own timestamp, i.e. when the browser received the tap) starts a measurement that ends at
 *   the first frame after the item reads answered (its `data-answered` turns true) or the
 *   section title changes, or {selector} for the first frame after `selector` matches; the
 *   result goes to `__bench.shown` as {what, t0, t1};
 * - `__bench.ready`: performance.now() (ms since the navigation started) at the first frame
 *   after an item's answer control appeared, or -1.
 */
export async function instrument(page: Page, firstSeen: string[] = []) {
  await page.addInitScript((firstSeen: string[]) => {
    const b: any = ((window as any).__bench = { long: [], tx: [], shown: [], watch: null, seen: {} });
    try {
      new PerformanceObserver(l => l.getEntries().forEach(e => b.long.push({ start: e.startTime, dur: e.duration })))
        .observe({ type: 'longtask', buffered: true });
    } catch { /* no longtask support: stays empty */ }
    const open = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: any, mode?: any, options?: any) {
      const tx = open.call(this, stores, mode, options);
      if (mode === 'readwrite') {
        const rec = { stores: typeof stores === 'string' ? [stores] : Array.from(stores as string[]),
                      created: performance.now(), done: -1 };
        b.tx.push(rec);
        tx.addEventListener('complete', () => { rec.done = performance.now(); });
      }
      return tx;
    } as any;
    const afterFrame = (f: () => void) => requestAnimationFrame(() => setTimeout(f, 0));
    const onEvent = (e: Event) => {
      const w = b.watch;
      if (!w) return;
      b.watch = null;
      const t0 = e.timeStamp;
      if (w.code) {
        const item = document.querySelector(`[data-testid=item][data-code="${w.code}"]`);
        if (!item) return;
        const done = () => afterFrame(() => b.shown.push({ what: w.code, t0, t1: performance.now() }));
        if (item.getAttribute('data-answered') === 'true') return done();
        const mo = new MutationObserver(() => {
          if (item.getAttribute('data-answered') === 'true') { mo.disconnect(); done(); }
        });
        mo.observe(item, { attributes: true, attributeFilter: ['data-answered'] });
      } else if (w.section) {
        const title = document.querySelector('[data-testid=section-title]');
        if (!title) return;
        const before = title.textContent;
        const mo = new MutationObserver(() => {
          if (title.textContent !== before) {
            mo.disconnect();
            afterFrame(() => b.shown.push({ what: 'section', t0, t1: performance.now() }));
          }
        });
        mo.observe(title, { childList: true, characterData: true, subtree: true });
      } else if (w.selector) {
        const mo = new MutationObserver(() => {
          if (document.querySelector(w.selector)) {
            mo.disconnect();
            afterFrame(() => b.shown.push({ what: w.selector, t0, t1: performance.now() }));
          }
        });
        mo.observe(document, { childList: true, subtree: true });
      }
    };
    window.addEventListener('click', onEvent, true);
    window.addEventListener('input', onEvent, true);
    // Ready: the first frame after an item's answer control is in the page (the app renders on
    // the client, so a control in the DOM has its handlers).
    b.ready = -1;
    const control = '[data-testid=item] .choices button, [data-testid=item] input, [data-testid=item] textarea';
    const ready = new MutationObserver(() => {
      if (document.querySelector(control)) {
        ready.disconnect();
        afterFrame(() => { b.ready = performance.now(); });
      }
    });
    ready.observe(document, { childList: true, subtree: true });
    // `__bench.seen[selector]`: the first frame after each of `firstSeen` was in the page.
    for (const sel of firstSeen) {
      const mo = new MutationObserver(() => {
        if (document.querySelector(sel)) {
          mo.disconnect();
          afterFrame(() => { b.seen[sel] = performance.now(); });
        }
      });
      mo.observe(document, { childList: true, subtree: true });
    }
  }, firstSeen);
}

/** The bench's data in the page (see `instrument`). */
export async function benchData(page: Page): Promise<{
  long: { start: number; dur: number }[];
  tx: { stores: string[]; created: number; done: number }[];
  shown: { what: string; t0: number; t1: number }[];
}> {
  return page.evaluate(() => JSON.parse(JSON.stringify((window as any).__bench)));
}

/** Long tasks that started at or after `from` (performance.now() of the page). */
export async function longTasksSince(page: Page, from: number): Promise<number[]> {
  return page.evaluate(f => (window as any).__bench.long.filter((e: any) => e.start >= f).map((e: any) => e.dur), from);
}

export async function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** JS heap in use and wasm memory, after a full garbage collection. */
export async function memory(cdp: CDPSession): Promise<{ heap: number; wasm: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  return { heap: heap.usedSize, wasm: await wasmBytes(cdp) };
}

export async function domNodes(page: Page): Promise<number> {
  return page.evaluate(() => document.getElementsByTagName('*').length);
}

/** Signs the phone in once as `user` for its school list (helpers.ts), then starts a visit at
 *  `school` with `templates` ticked (or every built-in one). Returns the visit's id. */
export async function startVisit(page: Page, opts: { user?: string; school: string; templates: string[] | 'all'; signIn?: boolean }): Promise<string> {
  if (opts.signIn !== false) await phoneWithSchools(page, opts.user);
  else await page.goto('/');
  await page.getByTestId('school-card').getByText(opts.school).first().click();
  await expect(page.getByTestId('template-option').first()).toBeVisible();
  await pickTemplates(page, opts.templates === 'all' ? await allTemplateIds(page) : opts.templates);
  const name = page.getByTestId('supervisor-name');
  if (await name.count()) await name.fill('王建华');
  await page.getByTestId('start-visit').click();
  await expect(page).toHaveURL(/\/visits\/[0-9a-f-]{36}$/);
  return page.url().split('/').pop()!;
}

/** Every built-in template's id, as the start panel lists them. */
export async function allTemplateIds(page: Page): Promise<string[]> {
  return page.getByTestId('template-option').evaluateAll(els => els.map(e => e.getAttribute('data-template') ?? ''));
}
