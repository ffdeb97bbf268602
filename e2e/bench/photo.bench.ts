import { expect, test } from '@playwright/test';
import { startVisit } from './util';

// Benchmark, not a test: how long a 12-megapixel camera photo takes to become stored evidence
// (downscale, watermark, JPEG, SHA-256, IndexedDB), and how long the page's main thread is
// blocked meanwhile (the longest gap between animation frames, and the long tasks Chromium
// reports). Prints numbers; asserts only that the photo arrived.

test('12 MP photo: processing time and main-thread blocking', async ({ page }) => {
  // A new phone lists schools only after signing in once (tests/helpers.ts phoneWithSchools).
  await startVisit(page, { user: 'hanlixin', school: '清河县实验小学', templates: ['wuxiang'] });
  const item = page.getByTestId('item').first();

  const runs: { ms: number; worstFrameGap: number; longest: number }[] = [];
  for (let run = 1; run <= 3; run++) {
    const jpeg = await page.evaluate(async () => {
      const c = new OffscreenCanvas(4000, 3000);
      const g = c.getContext('2d')!;
      for (let i = 0; i < 400; i++) {
        g.fillStyle = `hsl(${(i * 37) % 360} 60% 50%)`;
        g.fillRect((i * 97) % 4000, (i * 61) % 3000, 300, 200);
      }
      const b = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 })).arrayBuffer());
      let s = '';
      for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
      return btoa(s);
    });
    await page.evaluate(() => {
      const w = window as any;
      w.__gaps = [];
      w.__long = [];
      w.__obs = new PerformanceObserver(l => l.getEntries().forEach(e => w.__long.push(e.duration)));
      w.__obs.observe({ type: 'longtask' });
      let last = performance.now();
      w.__raf = true;
      const tick = (t: number) => { w.__gaps.push(t - last); last = t; if (w.__raf) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      w.__t0 = performance.now();
    });
    await item.getByTestId('photo-pick').setInputFiles([{ name: `IMG_${run}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(jpeg, 'base64') }]);
    await expect(item.getByTestId('photo-thumb')).toHaveCount(run, { timeout: 60_000 });
    runs.push(await page.evaluate(() => {
      const w = window as any;
      w.__raf = false;
      w.__obs.disconnect();
      return {
        ms: Math.round(performance.now() - w.__t0),
        worstFrameGap: Math.round(Math.max(0, ...w.__gaps)),
        longest: Math.round(Math.max(0, ...w.__long)),
      };
    }));
  }
  for (const [i, r] of runs.entries()) {
    console.log(`bench photo: run ${i + 1}: ${r.ms} ms to stored thumbnail; worst frame gap ${r.worstFrameGap} ms; longest long task ${r.longest} ms`);
  }
});
