/**
 * Progress tells what a run did: nothing new is not a success, an empty span
 * is a warning, and a full re-elaboration is confirmed first, with the number
 * of rows it replaces.
 */
import { callApi, ensureUpToDate, label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';
import { confirmFull } from './ui.ts';

const UP_TO_DATE = { controlUnitCode: 'CU003', chain: 'B' } as const;
const OTHER = { controlUnitCode: 'CU002', chain: 'A' } as const;

interface RunRow {
  status: string;
  rowsWritten: number;
  timestamps: number;
}

test.beforeAll(async ({ request }) => {
  await ensureUpToDate(request, [UP_TO_DATE, OTHER]);
});

test('an incremental run with nothing new says "no new data", not a green success', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  await page.getByLabel(`Select ${label(UP_TO_DATE)}`).check();
  await page.getByRole('radio', { name: 'Incremental' }).check();
  await page.getByRole('button', { name: 'Elaborate 1 chain' }).click();

  const launch = page.getByTestId('launch').first();
  const run = launch.getByTestId(`run-${label(UP_TO_DATE)}`);
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 60_000 });
  await expect(run).toHaveAttribute('data-status', 'no-data');
  await expect(run.locator('.badge')).toHaveText('no new data');
  await expect(run.locator('.badge')).not.toHaveClass(/badge-succeeded/);
  // neutral, not the green of a success
  await expect(run.locator('.bar .fill')).not.toHaveCSS('background-color', 'rgb(92, 192, 122)');
  await expect(launch).toContainText('1 no new data');
  await expect(launch).toContainText('0 ok');
  // and the stations table says the same of the chain's last run
  await expect(
    page.getByTestId('stations-table').locator(`tr[data-chain="${label(UP_TO_DATE)}"] td[data-col="run"]`),
  ).toContainText('no new data');
  await snap(page, 'progress-no-new-data');
});

test('a range with no data is a warning: 0 timestamps in the span', async ({ page, request }) => {
  await page.goto('/');
  await page.getByLabel(`Select ${label(UP_TO_DATE)}`).check();
  await page.getByRole('radio', { name: 'Range' }).check();
  // the demo's raw data ends on 2026-10-31
  await page.getByLabel('From (UTC)').fill('2030-01-01T00:00');
  await page.getByLabel('To (UTC)').fill('2030-01-02T00:00');
  await page.getByRole('button', { name: 'Elaborate 1 chain' }).click();
  const launch = page.getByTestId('launch').first();
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 60_000 });
  const run = launch.getByTestId(`run-${label(UP_TO_DATE)}`);
  await expect(run).toHaveAttribute('data-status', 'no-data');
  await expect(run.locator('.warn-text')).toHaveText('0 timestamps in the span: no raw data there');
  const [record] = await callApi<RunRow[]>(request, 'listRuns', { key: UP_TO_DATE, limit: 1 });
  expect(record).toMatchObject({ status: 'succeeded', timestamps: 0, rowsWritten: 0 });
});

test('a full re-elaboration asks first and says how many rows it replaces', async ({ page, request }) => {
  const keys = [UP_TO_DATE, OTHER];
  let rows = 0;
  for (const key of keys) {
    const perNode = await callApi<{ rows: number }[]>(request, 'quality', { key });
    rows += perNode.reduce((acc, q) => acc + q.rows, 0);
  }
  expect(rows).toBeGreaterThan(0);
  const before = (await callApi<unknown[]>(request, 'listRuns', { limit: 10_000 })).length;

  await page.goto('/');
  for (const key of keys) await page.getByLabel(`Select ${label(key)}`).check();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByRole('button', { name: 'Elaborate 2 chains' }).click();
  const dialog = page.getByTestId('confirm-full');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('confirm-full-rows')).toHaveText(
    `This replaces ${rows.toLocaleString('en-US')} elaborated rows and the alarm events of the whole history.`,
  );
  // the safe answer has the focus: Escape or Enter on it keeps the data
  await expect(dialog.getByRole('button', { name: 'Keep the data' })).toBeFocused();
  await snap(page, 'progress-confirm-full');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.waitForTimeout(500);
  expect((await callApi<unknown[]>(request, 'listRuns', { limit: 10_000 })).length).toBe(before);
  await expect(page.getByTestId('launch')).toHaveCount(0);

  await page.getByRole('button', { name: 'Elaborate 2 chains' }).click();
  await confirmFull(page);
  const launch = page.getByTestId('launch').first();
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await expect(launch).toContainText('2 ok');
});

test('a launch comes back after a reload with its mode, span and chains', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  // the stations are there before they are selected
  await expect(page.getByTestId('stations-table').locator('tbody tr[data-chain]')).toHaveCount(6);
  await page.getByRole('button', { name: 'Select active' }).click();
  await page.getByLabel('Select CU002-B').uncheck(); // the broken chain
  await page.getByLabel('Concurrency').fill('1');
  await page.getByRole('radio', { name: 'Range' }).check();
  await page.getByLabel('From (UTC)').fill('2026-09-02T00:00');
  await page.getByLabel('To (UTC)').fill('2026-10-31T23:30');
  await page.getByRole('button', { name: 'Elaborate 5 chains' }).click();
  const launch = page.getByTestId('launch').first();
  await expect(launch).toContainText('range 2026-09-02 00:00 → 2026-10-31 23:30');
  await expect(launch.locator('[data-status="running"]').first()).toBeVisible();

  await page.reload();
  const restored = page.getByTestId('launch').first();
  await expect(restored).toContainText('range 2026-09-02 00:00 → 2026-10-31 23:30', { timeout: 5_000 });
  await snap(page, 'progress-restored');
  await expect(restored).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await expect(restored).toContainText('5 chains');
  await expect(restored).toContainText('5 ok');
});

interface ProgressFrame {
  type: string;
  controlUnitCode?: string;
  chain?: string;
  phase?: string;
  rowsRead?: number;
  rowsToRead?: number;
  timestampsDone?: number;
  etaSeconds?: number | null;
}

test('the read phase has its own progress, and the ETA does not swing', async ({ page }) => {
  const BIG = { controlUnitCode: 'CU001', chain: 'A' } as const; // 50 nodes
  const frames: ProgressFrame[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      try {
        const event = JSON.parse(String(payload)) as ProgressFrame;
        if (event.type === 'chain-progress' && `${event.controlUnitCode}-${event.chain}` === label(BIG)) {
          frames.push(event);
        }
      } catch {
        // not an event
      }
    }),
  );
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  await page.getByLabel(`Select ${label(BIG)}`).check();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByRole('button', { name: 'Elaborate 1 chain' }).click();
  await confirmFull(page);
  const launch = page.getByTestId('launch').first();
  const run = launch.getByTestId(`run-${label(BIG)}`);
  // while it runs: the raw rows read, of those to read, under the timestamps written
  await expect(run.getByRole('progressbar', { name: `${label(BIG)} raw rows read` })).toBeVisible();
  await expect(run).toContainText(/of ~144,000/);
  await snap(page, 'progress-reading');
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });

  // the engine said so: a read phase whose rows move before any timestamp is written
  const phases = frames.map((f) => f.phase).filter((p, i, all) => all[i - 1] !== p);
  expect(phases.slice(0, 3)).toEqual(['reference', 'reading', 'elaborating']);
  const reading = frames.filter((f) => f.phase === 'reading');
  expect(reading.at(-1)?.rowsRead ?? 0).toBeGreaterThan(0);
  expect(reading.every((f) => f.timestampsDone === 0 && f.rowsToRead === 144_000)).toBe(true);
  // the ETA, once known, moves smoothly: never more than double (plus a second) from one event to the next
  const etas = frames.map((f) => f.etaSeconds).filter((e): e is number => typeof e === 'number');
  expect(etas.length).toBeGreaterThan(0);
  for (let i = 1; i < etas.length; i++) expect(etas[i]!).toBeLessThanOrEqual(etas[i - 1]! * 2 + 1);
  console.log(`ETAs of ${label(BIG)}: ${etas.map((e) => e.toFixed(1)).join(' ')}`);
});
