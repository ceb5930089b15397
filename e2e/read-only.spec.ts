/**
 * The console opened with the read-only API token (CATENA_API_READ_TOKEN):
 * a host with both tokens, on the e2e database, logged into through its
 * login page as an operator would. The console asks the host what it may
 * do (`access`), shows the stations, results and alarms, says "read-only
 * access" where the write controls were (no Elaborate, no Acknowledge, no
 * rules form, no connections), and a write sent with its session anyway is
 * refused (403 READ_ONLY_TOKEN).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureElaborated, label, ROOT, SMALL_A } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const node =
  Number(process.versions.node.split('.')[0]) >= 24
    ? process.execPath
    : join(ROOT, 'node_modules', 'node', 'bin', 'node');

const FULL = 'e2e-full-token-0123456789';
const READ = 'e2e-read-token-0123456789';

let host: ChildProcess | null = null;
let url = '';

/** A second host on the e2e database with both tokens, on a free loopback port; resolves with its address. */
function serveWithTokens(): Promise<string> {
  host = spawn(
    node,
    [join(ROOT, 'src', 'server', 'main.ts'), '--db', `sqlite:${process.env.CATENA_E2E_DB}`, '--port', '0'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        CATENA_HOME: join(String(process.env.CATENA_E2E_DB), '..', 'catena-e2e-home'),
        CATENA_API_TOKEN: FULL,
        CATENA_API_READ_TOKEN: READ,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const child = host;
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the token host did not start: ${out}`)), 60_000);
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const m = /serving on (http:\/\/\S+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the token host exited (${code})`)));
  });
}

test.beforeAll(async ({ request }) => {
  // a chain with results and alarm events to look at
  await ensureElaborated(request, [SMALL_A]);
  url = await serveWithTokens();
});

test.afterAll(async () => {
  if (host && host.exitCode === null) {
    const exited = new Promise((resolve) => host?.once('exit', resolve));
    host.kill('SIGTERM');
    await exited;
  }
});

test('the read-only token: results and alarms readable, no write control, a write refused', async ({
  page,
  pageErrors,
}) => {
  // the login page, once: the session cookie remembers the read-only token
  await page.goto(url);
  await page.getByLabel('API token').fill(READ);
  await page.getByRole('button', { name: 'Open the console' }).click();
  // the login page is answered 401 by design (Chromium logs it): that one is not an error of the console
  const login = pageErrors.findIndex((e) => e.includes('status of 401'));
  expect(login).toBe(0);
  pageErrors.splice(login, 1);

  const rows = page.getByTestId('stations-table').locator('tbody tr[data-chain]');
  await expect(rows.first()).toBeVisible();
  const launch = page.getByRole('region', { name: 'Launch' });
  await expect(launch.getByTestId('read-only-note')).toContainText('read-only access');
  await expect(page.getByRole('button', { name: /^Elaborate/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Connections/ })).toHaveCount(0);
  // the rules are listed, not editable
  const rules = page.getByTestId('notify-rules');
  await rules.locator('summary').click();
  await expect(rules.getByTestId('read-only-note')).toBeVisible();
  await expect(rules.getByRole('button', { name: 'Add rule' })).toBeHidden();

  // results and alarms of a chain are there; acknowledging is not
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(SMALL_A)}"]`)
    .click();
  await expect(page.getByRole('heading', { name: `Results ${label(SMALL_A)}` })).toBeVisible();
  await page.getByRole('tab', { name: 'Alarms' }).click();
  const alarms = page.getByTestId('alarm-panel');
  await expect(alarms.getByTestId('read-only-note')).toContainText('read-only access');
  await expect(alarms.getByTestId('ack-all')).toBeHidden();
  await expect(alarms.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
  await snap(page, 'read-only-console');

  // the console's own session cannot write anyway: the server refuses it
  const asked = await page.request.post(`${url}api/access`, { data: {} });
  expect(await asked.json()).toEqual({ access: 'read' });
  const refused = await page.request.post(`${url}api/launch`, {
    data: { chains: [SMALL_A], mode: 'incremental' },
  });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('READ_ONLY_TOKEN');
  const runs = await page.request.post(`${url}api/listRuns`, { data: { key: SMALL_A, limit: 500 } });
  expect(runs.status()).toBe(200);
  expect(((await runs.json()) as { status: string }[]).some((r) => r.status === 'running')).toBe(false);
});
