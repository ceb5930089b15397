import { DatabaseSync } from 'node:sqlite';
import { callApi, ensureElaborated, label, waitForLaunch } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

/** 16 nodes, 2 axes; left up to date, as progress.spec.ts expects it. */
const CHAIN = { controlUnitCode: 'CU003', chain: 'B' } as const;
/** new readings the control unit "sends" while the operator watches: 12 hours at 30 minutes */
const NEW_TIMESTAMPS = 24;

interface ChainRow {
  controlUnitCode: string;
  chain: string;
  lastElaboratedAt: number | null;
  lastRawAt: number | null;
  enabledNodeCount: number;
}

/**
 * Appends readings after the chain's newest ones, as the control unit's
 * import would: its last timestamp's raw counts, 2 counts (≈ 0.007°) off from
 * the first new one on, so that the values change without a drift (the
 * chain's velocity calms down; other tests read levels from the API).
 */
function appendReadings(count: number): void {
  const path = process.env.CATENA_E2E_DB;
  if (!path) throw new Error('CATENA_E2E_DB is not set');
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    const insert = db.prepare(
      `INSERT INTO raw_rsn_data (controlUnitCode, chain, nodeIndex, timestamp, rawX, rawY, rawZ, rawT, errorCode)
       SELECT controlUnitCode, chain, nodeIndex, strftime('%Y-%m-%d %H:%M:%S', timestamp, ?), rawX + ?, rawY - ?, rawZ, rawT, errorCode
       FROM raw_rsn_data
       WHERE controlUnitCode = ? AND chain = ?
         AND timestamp = (SELECT MAX(timestamp) FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ?)`,
    );
    db.exec('BEGIN');
    // each step from the newest row, so one statement per timestamp
    for (let k = 1; k <= count; k++) {
      const step = k === 1 ? 2 : 0;
      insert.run(
        '+30 minutes',
        step,
        step,
        CHAIN.controlUnitCode,
        CHAIN.chain,
        CHAIN.controlUnitCode,
        CHAIN.chain,
      );
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

test.beforeAll(async ({ request }) => {
  await ensureElaborated(request, [CHAIN]);
});

test('the Live view of a chain moves on as a run commits new rows', async ({ page, request }) => {
  const before = (await callApi<ChainRow[]>(request, 'listChains')).find((c) => label(c) === label(CHAIN))!;
  // nothing pending: the newest elaborated row is the newest raw one
  if (before.lastElaboratedAt !== before.lastRawAt) {
    const { launchId } = await callApi<{ launchId: string }>(request, 'launch', {
      chains: [CHAIN],
      mode: 'incremental',
    });
    await waitForLaunch(request, launchId);
  }
  const start = (await callApi<ChainRow[]>(request, 'listChains')).find((c) => label(c) === label(CHAIN))!;
  expect(start.lastElaboratedAt).not.toBeNull();
  const newestBefore = start.lastElaboratedAt!;

  await page.goto('/');
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  await expect(page.getByRole('heading', { name: `Results ${label(CHAIN)}` })).toBeVisible();
  await page.getByRole('tab', { name: 'Live' }).click();

  const view = page.getByTestId('live-view');
  await expect(view.getByTestId('live-state')).toHaveAttribute('data-state', 'open');
  const newest = view.getByTestId('live-newest');
  await expect(newest).toHaveAttribute('data-timestamp', String(newestBefore));
  // the last 12 hours of every node, drawn: a line per node in each of the three charts
  const table = view.getByTestId('live-table');
  await expect(table.locator('tbody tr')).toHaveCount(start.enabledNodeCount);
  for (const metric of ['alphaX', 'alphaY', 'temperature']) {
    await expect(view.getByTestId(`live-chart-${metric}`).locator('path.recharts-curve')).toHaveCount(
      start.enabledNodeCount,
    );
  }
  const firstNode = table.locator('tbody tr').first();
  await expect(firstNode).toHaveAttribute('data-timestamp', String(newestBefore));
  const alphaXBefore = await firstNode.locator('td').nth(2).textContent();
  await expect(view.getByTestId('live-updates')).toHaveAttribute('data-count', '0');

  // the control unit sends 12 more hours; an incremental run elaborates them
  appendReadings(NEW_TIMESTAMPS);
  const { launchId } = await callApi<{ launchId: string }>(request, 'launch', {
    chains: [CHAIN],
    mode: 'incremental',
  });
  const runs = await waitForLaunch(request, launchId);
  expect(runs.map((r) => r.status)).toEqual(['succeeded']);
  const [run] = await callApi<{ rowsWritten: number }[]>(request, 'listRuns', { launchId });
  expect(run?.rowsWritten).toBe(NEW_TIMESTAMPS * start.enabledNodeCount);

  // the pushed values moved the view on: newest timestamp, every node's row, the values
  const newestAfter = newestBefore + NEW_TIMESTAMPS * 1800;
  await expect(newest).toHaveAttribute('data-timestamp', String(newestAfter));
  await expect(newest).toHaveText(new Date(newestAfter * 1000).toISOString().slice(0, 16).replace('T', ' '));
  await expect(view.getByTestId('live-updates')).not.toHaveAttribute('data-count', '0');
  await expect(table.locator(`tbody tr[data-timestamp="${newestAfter}"]`)).toHaveCount(
    start.enabledNodeCount,
  );
  await expect(firstNode.locator('td').nth(2)).not.toHaveText(alphaXBefore ?? '');
  await snap(page, 'live-view');
});
