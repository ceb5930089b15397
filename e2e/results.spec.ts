import { callApi, ensureElaborated, label, waitForLaunch } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

/** Moves the most in the demo (a landslide body) and raises alarms. */
const CHAIN = { controlUnitCode: 'CU001', chain: 'B' } as const;

interface NodeConfig {
  nodeIndex: number;
  depthM: number | null;
  enabled: boolean;
}

interface FlagCounts {
  nodeIndex: number;
  rows: number;
  invalid: number;
}

interface ChainRow {
  controlUnitCode: string;
  chain: string;
  lastElaboratedAt: number | null;
  enabledNodeCount: number;
}

test.beforeAll(async ({ request }) => {
  const chains = await callApi<ChainRow[]>(request, 'listChains');
  const row = chains.find((c) => label(c) === label(CHAIN));
  if (row?.lastElaboratedAt !== null) return;
  const { launchId } = await callApi<{ launchId: string }>(request, 'launch', {
    chains: [CHAIN],
    mode: 'full',
  });
  const runs = await waitForLaunch(request, launchId);
  expect(runs.map((r) => r.status)).toEqual(['succeeded']);
});

test("an operator inspects a chain's time series, profile, alarm events, runs and data quality", async ({
  page,
  request,
}) => {
  const events = await callApi<unknown[]>(request, 'events', { key: CHAIN, limit: 1000 });
  const chains = await callApi<ChainRow[]>(request, 'listChains');
  const nodes = chains.find((c) => label(c) === label(CHAIN))?.enabledNodeCount ?? 0;
  const config = await callApi<{ nodes: NodeConfig[] }>(request, 'chainNodes', { key: CHAIN });
  const quality = await callApi<FlagCounts[]>(request, 'quality', { key: CHAIN });
  const enabled = config.nodes.filter((n) => n.enabled);
  expect(enabled).toHaveLength(nodes);
  expect(quality.map((q) => q.nodeIndex)).toEqual(enabled.map((n) => n.nodeIndex));

  await page.goto('/');
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  await expect(page.getByRole('heading', { name: `Results ${label(CHAIN)}` })).toBeVisible();

  // time series: four charts with drawn lines, a node picker over the enabled nodes
  const series = page.getByTestId('results-series');
  await expect(series.getByTestId('node-select').locator('option')).toHaveCount(nodes);
  for (const title of ['Tilt', 'Cumulative displacement', 'Velocity', 'Temperature']) {
    await expect(series.getByTestId(`chart-${title}`).locator('canvas[data-drawn="true"]')).toBeVisible();
  }
  await expect(series).toContainText('timestamps');
  await series.getByTestId('node-select').selectOption('1');
  await expect(series.getByTestId('chart-Tilt').locator('canvas[data-drawn="true"]')).toBeVisible();
  await snap(page, 'results-series');

  // profile at the last timestamp, then at an earlier one
  await page.getByRole('tab', { name: 'Profile' }).click();
  const profile = page.getByTestId('results-profile');
  await expect(profile.getByTestId('chart-profile').locator('.recharts-line-curve').first()).toBeVisible();
  await expect(profile.locator('.profile-table tbody tr')).toHaveCount(nodes);
  // plotted against depth: the table goes down the chain, its depths those of rsn_nodes
  await expect(profile.getByTestId('chart-profile')).toContainText('depth [m]');
  const byDepth = [...enabled].sort((a, b) => (a.depthM ?? 0) - (b.depthM ?? 0));
  await expect(profile.locator('.profile-table tbody tr td:nth-child(2)')).toHaveText(
    byDepth.map((n) => (n.depthM ?? 0).toFixed(2)),
  );
  if (enabled.length < config.nodes.length) {
    await expect(profile.getByTestId('profile-omitted')).toContainText('Disabled');
  }
  // the datum the engine used: this chain has no referenceTime, so its first reading (the demo starts 2026-09-02)
  await expect(profile.getByTestId('profile-datum')).toHaveText('datum 2026-09-02 00:00 (first reading)');
  const lastTime = await profile.getByTestId('profile-time').textContent();
  await profile.getByLabel('Profile time').fill('0');
  await expect(profile.getByTestId('profile-time')).not.toHaveText(lastTime ?? '');
  await snap(page, 'results-profile');

  // alarm events: the same events the API has
  await page.getByRole('tab', { name: 'Alarm events' }).click();
  const table = page.getByTestId('events-table');
  if (events.length === 0) await expect(table).toContainText('No alarm events');
  else await expect(table.locator('tbody tr')).toHaveCount(Math.min(events.length, 1000));
  await snap(page, 'results-events');

  // runs history and data quality
  await page.getByRole('tab', { name: 'Runs' }).click();
  await expect(
    page.getByTestId('runs-table').locator('tr[data-run-status="succeeded"]').first(),
  ).toBeVisible();
  await page.getByRole('tab', { name: 'Data quality' }).click();
  await expect(page.getByTestId('quality-totals')).toContainText('invalid');
  await expect(page.getByTestId('quality-table').locator('tbody tr')).toHaveCount(nodes);
  // counted by the database: the totals are the sums of the per-node counts the API gives
  const sum = (name: 'rows' | 'invalid') =>
    quality.reduce((acc, q) => acc + q[name], 0).toLocaleString('en-US');
  await expect(page.getByTestId('quality-totals')).toContainText(`${sum('rows')}rows`);
  await expect(page.getByTestId('quality-totals')).toContainText(`${sum('invalid')}invalid`);
  await snap(page, 'results-quality');

  // the chosen tab is kept when the operator opens another chain
  await page.getByTestId('stations-table').locator('tr[data-chain="CU003-B"]').click();
  await expect(page.getByRole('heading', { name: 'Results CU003-B' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Data quality' })).toHaveAttribute('aria-selected', 'true');
});

test('the profile shows the datum the engine used: the chain’s referenceTime when it has one', async ({
  page,
  request,
}) => {
  const WITH_REFERENCE = { controlUnitCode: 'CU002', chain: 'A' } as const; // referenceTime 2026-09-09 00:00
  await ensureElaborated(request, [WITH_REFERENCE]);
  await page.goto('/');
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(WITH_REFERENCE)}"]`)
    .click();
  await page.getByRole('tab', { name: 'Profile' }).click();
  const profile = page.getByTestId('results-profile');
  await expect(profile.getByTestId('profile-datum')).toHaveText('datum 2026-09-09 00:00 (referenceTime)');
  // the drawn dates are the legend: the latest one, under the slider
  await expect(profile.getByTestId('profile-dates')).toContainText('(slider)');
});
