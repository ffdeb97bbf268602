import { defineConfig, devices } from '@playwright/test';

// The real server (release build) on its own port with a throw-away SQLite file, serving the
// release build of the app from ../dist. Debian's Chromium; Playwright downloads no browser.
// DUDAO_E2E_PORT: a second checkout's run beside another's.
const port = Number(process.env.DUDAO_E2E_PORT ?? 8765);
const chromium = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
};

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: chromium,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'phone',
      use: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
             userAgent: devices['Pixel 7'].userAgent },
    },
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
  ],
  webServer: {
    command: `rm -f test-results/e2e.sqlite* && ../target/release/dudao-server serve --addr 127.0.0.1:${port} --database test-results/e2e.sqlite --dist ../dist`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    stdout: 'pipe',
  },
});
