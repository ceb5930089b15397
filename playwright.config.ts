/**
 * End-to-end tests: the renderer in Debian's Chromium against the HTTP host on
 * a fresh demo database (project "browser"), and the built Electron app
 * through Playwright's Electron support (project "electron", skipped with its
 * reason where the Electron binary is absent).
 *
 * The tests share one server and database and run one at a time; the
 * database is created by e2e/serve.ts, which is the webServer command
 * (Playwright starts the webServer before any global setup).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Workers evaluate this file again: the path is fixed once, in the environment they inherit.
process.env.CATENA_E2E_DB ??= join(tmpdir(), `catena-e2e-${process.pid}-${Date.now()}.db`);
const port = Number(process.env.CATENA_E2E_PORT ?? 8799);
const baseURL = `http://127.0.0.1:${port}`;
// the host runs on Node 24 (type stripping) even when the runner was started by an older node
const node =
  Number(process.versions.node.split('.')[0]) >= 24
    ? process.execPath
    : join(import.meta.dirname, 'node_modules', 'node', 'bin', 'node');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: process.env.CI === 'true',
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 900 },
    // the console follows the system's language: the specs read English (e2e/i18n.spec.ts asks for Italian)
    locale: 'en-US',
    timezoneId: 'UTC',
  },
  projects: [
    {
      name: 'browser',
      testIgnore: /electron\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: CHROMIUM_ARGS,
        },
      },
    },
    {
      name: 'electron',
      testMatch: /electron\.spec\.ts$/,
    },
  ],
  webServer: {
    command: `"${node}" e2e/serve.ts --port ${port}`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
