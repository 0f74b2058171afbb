import { defineConfig } from '@playwright/test';

// Shutter's browser tests: every spec runs twice, once hydrated (JavaScript on) and once as
// plain HTML forms (JavaScript off). Run from end2end/ after `cargo leptos build --release`:
//   npx playwright test

// SHUTTER_E2E_PORT: another port, so that two checkouts can run their browser tests at once.
const PORT = Number(process.env.SHUTTER_E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;

const launchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  workers: 2,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Desktop size: the nav hides the username below 640px.
    viewport: { width: 1280, height: 720 },
    launchOptions,
  },
  projects: [
    { name: 'hydrated', use: { browserName: 'chromium', javaScriptEnabled: true } },
    { name: 'no-js', use: { browserName: 'chromium', javaScriptEnabled: false } },
  ],
  webServer: {
    // The release build (`cargo leptos build --release`), run from the repository root so
    // it serves target/site, on a fresh temporary data folder (so a fresh database) per run.
    command: `bash end2end/start-server.sh ${PORT}`,
    cwd: '..',
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
