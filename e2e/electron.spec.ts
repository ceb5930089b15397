/**
 * The built desktop app, driven through Playwright's Electron support. The
 * Electron binary cannot be downloaded on some machines (no access to its
 * release downloads); there this test is skipped with that reason, and the
 * browser project covers the same renderer through the HTTP host.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../scripts/app-build.ts';
import { createDemoDatabase, label, ROOT } from './fixtures.ts';
import { confirmFull } from './ui.ts';

const binary = findElectronBinary(ROOT);

test('the desktop app shows the stations and elaborates a chain over IPC', async () => {
  test.skip(binary.path === null, `Electron binary absent: ${binary.reason}`);
  const display = await ensureDisplay();

  const dir = mkdtempSync(join(tmpdir(), 'catena-electron-'));
  const db = join(dir, 'demo.db');
  createDemoDatabase(db);

  const app = await electron.launch({
    executablePath: binary.path ?? undefined,
    args: ['--no-sandbox', ROOT, `--db=sqlite:${db}`],
    env: { ...process.env, ...display.env, CATENA_HOME: dir },
    cwd: ROOT,
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('db-info')).toContainText('SQLite');
    await expect(window.getByTestId('conn-state')).toContainText('live');
    await expect(window.getByTestId('stations-table').locator('tbody tr[data-chain]')).toHaveCount(6);

    const key = { controlUnitCode: 'CU002', chain: 'A' };
    await window.getByLabel(`Select ${label(key)}`).check();
    await window.getByRole('radio', { name: 'Full' }).check();
    await window.getByRole('button', { name: 'Elaborate 1 chain' }).click();
    await confirmFull(window);
    const run = window
      .getByTestId('launch')
      .first()
      .getByTestId(`run-${label(key)}`);
    await expect(run).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });

    // the renderer has the bridge and no Node
    const globals = await window.evaluate(() => ({
      bridge: typeof (window as unknown as { catena?: unknown }).catena,
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(globals).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' });
  } finally {
    await app.close();
    display.stop();
  }
});

/**
 * Electron on Linux needs a display: without one, a virtual X server (Xvfb,
 * Debian package xvfb) is started for the test. Without either the launch
 * fails and says so; it is not a reason to skip.
 */
async function ensureDisplay(): Promise<{ env: Record<string, string>; stop(): void }> {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) {
    return { env: {}, stop: () => {} };
  }
  const xvfb = ['/usr/bin/Xvfb', '/usr/local/bin/Xvfb'].find((p) => existsSync(p));
  if (!xvfb) throw new Error('no display for Electron: set DISPLAY or install Xvfb (apt-get install xvfb)');
  const number = 90 + (process.pid % 9);
  const server = spawn(xvfb, [`:${number}`, '-screen', '0', '1440x900x24', '-nolisten', 'tcp'], {
    stdio: 'ignore',
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { env: { DISPLAY: `:${number}` }, stop: () => server.kill('SIGTERM') };
}
