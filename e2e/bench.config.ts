import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Benchmarks print numbers; they run at phone size only, against the same server and build.
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: /.*\.bench\.ts/,
  projects: base.projects!.filter(p => p.name === 'phone'),
});
