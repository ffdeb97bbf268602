import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Benchmarks print numbers; they run at the size of a mid-range Android phone (412×915, touch)
// only, against the same server and build as the e2e specs. Each bench throttles the CPU itself
// (4×, through the DevTools protocol) where it measures the page. `scripts/bench NAME` runs
// bench/NAME.bench.ts alone.
const phone = base.projects!.find(p => p.name === 'phone')!;

export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: /.*\.bench\.ts/,
  // Each bench prints its own lines ("bench NAME: …"); nothing is retried or run in parallel.
  timeout: 900_000,
  projects: [{ ...phone, use: { ...phone.use, viewport: { width: 412, height: 915 } } }],
});
