/**
 * The connection manager in the browser (the host is on loopback): from the
 * demo database to another SQLite file and back, without restarting, with a
 * test before connecting and a failure said in one sentence.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callApi, ROOT } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const DEMO = `sqlite:${process.env.CATENA_E2E_DB}`;
const OTHER = join(tmpdir(), `catena-e2e-other-${process.pid}.db`);

function removeOther(): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${OTHER}${suffix}`, { force: true });
}

test.beforeAll(() => {
  removeOther();
  // another Catena database, made as an operator would
  const made = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'catena.js'), 'migrate', '--db', `sqlite:${OTHER}`],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (made.status !== 0) throw new Error(`catena migrate failed: ${made.stderr}${made.stdout}`);
});

const OFFLINE_NAME = `e2e-offline-${process.pid}.db`;
const OFFLINE = join(String(process.env.CATENA_E2E_DB), '..', 'catena-e2e-home', 'snapshots', OFFLINE_NAME);

test.afterAll(async ({ request }) => {
  // whatever happened, the other tests find the demo database
  await callApi(request, 'connect', { url: DEMO });
  removeOther();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${OFFLINE}${suffix}`, { force: true });
});

test('an operator switches from the demo database to another SQLite file and back', async ({
  page,
  pageErrors,
}) => {
  await page.goto('/');
  const rows = page.getByTestId('stations-table').locator('tbody tr[data-chain]');
  await expect(rows).toHaveCount(6);
  await expect(page.getByTestId('db-info')).toContainText(DEMO);

  await page.getByRole('button', { name: 'Connections…' }).click();
  const dialog = page.getByTestId('connections-dialog');
  await expect(dialog).toBeVisible();
  // the database the host started with is remembered
  await expect(dialog.getByTestId('connections-table')).toContainText(DEMO);

  await dialog.getByText('SQLite file or snapshot').click();
  // a file that is not there: one sentence that says what to do
  await dialog.getByLabel('SQLite file', { exact: true }).fill(`${OTHER}.missing.db`);
  await dialog.getByRole('button', { name: 'Test', exact: true }).last().click();
  await expect(dialog.getByTestId('connections-result')).toContainText('does not exist. Check the path');
  // the refusal is an HTTP 503, which Chromium logs; that one was expected
  const expected = pageErrors.findIndex((e) => e.includes('status of 503'));
  expect(expected).toBeGreaterThanOrEqual(0);
  pageErrors.splice(expected, 1);

  await dialog.getByLabel('SQLite file', { exact: true }).fill(OTHER);
  await dialog.getByRole('button', { name: 'Test', exact: true }).last().click();
  await expect(dialog.getByTestId('connections-result')).toContainText(
    `Test passed: sqlite:${OTHER}: a Catena database`,
  );
  await snap(page, 'connections-dialog');
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();

  // the page starts again from the other database: no chains there
  await expect(page.getByTestId('db-info')).toContainText(`sqlite:${OTHER}`);
  await expect(rows).toHaveCount(0);
  await snap(page, 'connections-other');

  // back to the demo database from the recent connections
  await page.getByRole('button', { name: 'Connections…' }).click();
  await expect(dialog.getByTestId('connections-table')).toContainText(`sqlite:${OTHER}`);
  await dialog.getByRole('button', { name: `Connect to ${DEMO}` }).click();
  await expect(page.getByTestId('db-info')).toContainText(DEMO);
  await expect(rows).toHaveCount(6);
});

test('Take offline: the ticked chain copied with progress, opened read-only, then back', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('db-info')).toContainText(DEMO);
  const table = page.getByTestId('stations-table');
  await table.locator('tr[data-chain="CU002-A"] input[type="checkbox"]').check();
  await page.getByRole('button', { name: 'Connections…' }).click();
  const dialog = page.getByTestId('connections-dialog');
  const offline = dialog.getByTestId('take-offline');
  await expect(offline).toContainText('Copies CU002-A (the ticked chains)');
  await offline.getByLabel('Snapshot file').fill(OFFLINE_NAME);
  await offline.getByRole('button', { name: 'Take offline' }).click();
  await expect(offline.getByTestId('take-offline-result')).toContainText(`Snapshot of ${DEMO} taken`, {
    timeout: 60_000,
  });
  await expect(offline.getByTestId('take-offline-result')).toContainText('1 chain, ');
  await snap(page, 'take-offline');
  await offline.getByRole('button', { name: 'Open it' }).click();

  // the snapshot, read-only: its banner, one chain, no launch
  await expect(page.getByTestId('offline-banner')).toContainText(`Offline snapshot of ${DEMO} taken`);
  await expect(table.locator('tbody tr[data-chain]')).toHaveCount(1);
  await expect(page.getByRole('region', { name: 'Launch' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Connections…' }).click();
  await dialog.getByRole('button', { name: `Connect to ${DEMO}` }).click();
  await expect(page.getByTestId('db-info')).toContainText(DEMO);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await expect(table.locator('tbody tr[data-chain]')).toHaveCount(6);
});
