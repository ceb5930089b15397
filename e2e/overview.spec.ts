/**
 * The stations overview tells the state of each chain at a glance: its
 * current alarm level per metric (colour and word), how old its newest data
 * is, its last run; the worst chains come first, and the header counts the
 * chains that need a look. Every figure is checked against the API.
 */
import {
  BROKEN,
  type ChainRow,
  callApi,
  currentLevels,
  ensureUpToDate,
  label,
  waitForLaunch,
} from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const DANGER = { controlUnitCode: 'CU001', chain: 'A' } as const; // reaches level 3 (alarm) on cumulative
const ELABORATED = [
  DANGER,
  { controlUnitCode: 'CU001', chain: 'B' },
  { controlUnitCode: 'CU002', chain: 'A' },
  { controlUnitCode: 'CU003', chain: 'A' },
  { controlUnitCode: 'CU003', chain: 'B' },
] as const;
const WORDS = ['normal', 'attention', 'pre-alarm', 'alarm'];
const METRIC_COLUMNS = ['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg'];

interface RunRow {
  controlUnitCode: string;
  chain: string;
  status: string;
  startedAt: number;
  runId: number;
}

test.beforeAll(async ({ request }) => {
  await ensureUpToDate(request, ELABORATED);
  // the broken chain's last run failed
  const runs = await callApi<RunRow[]>(request, 'listRuns', { key: BROKEN, limit: 1 });
  if (runs[0]?.status !== 'failed') {
    const { launchId } = await callApi<{ launchId: string }>(request, 'launch', {
      chains: [BROKEN],
      mode: 'full',
    });
    await waitForLaunch(request, launchId);
  }
});

test('the overview shows each chain’s alarm levels, data age and last run, worst first', async ({
  page,
  request,
}) => {
  const chains = await callApi<ChainRow[]>(request, 'listChains');
  const runs = await callApi<RunRow[]>(request, 'listRuns', { limit: 500 });
  const lastRun = (c: ChainRow) =>
    runs
      .filter((r) => label(r) === label(c))
      .sort((a, b) => b.startedAt - a.startedAt || b.runId - a.runId)[0];
  const levels = new Map<string, number[]>();
  for (const c of chains) levels.set(label(c), await currentLevels(request, c));

  await page.goto('/');
  const table = page.getByTestId('stations-table');
  const rows = table.locator('tbody tr[data-chain]');
  await expect(rows).toHaveCount(chains.length);
  // the levels arrive after the chains: wait until the danger is shown
  await expect(rows.first()).toHaveAttribute('data-chain', label(DANGER));

  const now = Date.now() / 1000;
  for (const c of chains) {
    const row = table.locator(`tr[data-chain="${label(c)}"]`);
    // alarm level per metric, as a colour and a word
    if (c.lastElaboratedAt !== null) {
      const expected = levels.get(label(c)) ?? [];
      for (const [i, metric] of METRIC_COLUMNS.entries()) {
        const cell = row.locator(`td[data-col="${metric}"]`);
        await expect(cell).toHaveAttribute('data-level', String(expected[i]));
        await expect(cell).toHaveText(WORDS[expected[i] ?? 0] ?? '');
      }
    }
    // freshness: "no data for 31 d 4 h" since the newest raw row, grey and marked when stale (> 24 h)
    const days = Math.floor((now - (c.lastRawAt ?? 0)) / 86400);
    const data = row.locator('td[data-col="data"]');
    await expect(data).toContainText(`no data for ${days} d`);
    await expect(row).toHaveAttribute('data-stale', 'true');
    await expect(data).toContainText('stale');
    await expect(data).toHaveCSS('color', 'rgb(139, 150, 163)');
    // last run
    const run = lastRun(c);
    if (run)
      await expect(row.locator('td[data-col="run"]')).toContainText(
        run.status === 'succeeded' ? /succeeded|no new data/ : run.status,
      );
    // the full site name, never cut
    await expect(row.locator('td[data-col="site"]')).toHaveText(c.siteName ?? '—');
    expect(await row.locator('td[data-col="site"]').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(
      true,
    );
  }
  // the danger reads as such: CU001-A at level 3 on the cumulative displacement
  const danger = table.locator(`tr[data-chain="${label(DANGER)}"] td[data-col="cumulative_mm"]`);
  await expect(danger).toHaveText('alarm');
  await expect(danger.locator('.level-chip')).toHaveCSS('background-color', 'rgb(122, 32, 41)');
  await expect(table.locator(`tr[data-chain="${label(BROKEN)}"] td[data-col="run"]`)).toContainText('failed');

  // worst first: alarm levels never rise down the table
  const worst = await rows.evaluateAll((trs) => trs.map((r) => Number(r.getAttribute('data-worst'))));
  expect(worst).toEqual([...worst].sort((a, b) => b - a));

  // the header counts chains in alarm, stale and failed, as the API tells
  const inAlarm = chains.filter((c) => (levels.get(label(c)) ?? []).some((l) => l > 0)).length;
  const failed = chains.filter((c) => lastRun(c)?.status === 'failed').length;
  expect(inAlarm).toBeGreaterThan(0);
  await expect(page.getByTestId('count-alarm')).toHaveText(`${inAlarm} in alarm`);
  await expect(page.getByTestId('count-stale')).toHaveText(`${chains.length} stale`);
  await expect(page.getByTestId('count-failed')).toHaveText(`${failed} failed`);
  await snap(page, 'overview');
});

test('an operator filters the stations by state, control unit and site, and sorts them by name', async ({
  page,
  request,
}) => {
  const chains = await callApi<ChainRow[]>(request, 'listChains');
  await page.goto('/');
  const rows = page.getByTestId('stations-table').locator('tbody tr[data-chain]');
  await expect(rows).toHaveCount(chains.length);

  // a header count shows only its chains
  await page.getByTestId('count-failed').click();
  await expect(page.getByTestId('count-failed')).toHaveAttribute('aria-pressed', 'true');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-chain', label(BROKEN));
  await page.getByTestId('count-failed').click();
  await expect(rows).toHaveCount(chains.length);

  await page.getByLabel('State').selectOption({ label: 'in alarm' });
  const alarmed = await rows.count();
  expect(alarmed).toBeGreaterThan(0);
  for (let i = 0; i < alarmed; i++)
    expect(Number(await rows.nth(i).getAttribute('data-worst'))).toBeGreaterThan(0);
  await page.getByLabel('State').selectOption({ label: 'any state' });

  await page.getByLabel('Control unit').selectOption('CU003');
  await expect(rows).toHaveCount(chains.filter((c) => c.controlUnitCode === 'CU003').length);
  for (const c of chains.filter((x) => x.controlUnitCode === 'CU003')) {
    await expect(page.locator(`tr[data-chain="${label(c)}"]`)).toBeVisible();
  }
  await expect(page.getByTestId('stations-count')).toContainText('2 shown');
  await page.getByLabel('Control unit').selectOption('');

  const site = chains.find((c) => label(c) === 'CU001-B')?.siteName ?? '';
  await page.getByLabel('Site').selectOption(site);
  await expect(rows).toHaveCount(chains.filter((c) => c.siteName === site).length);
  await expect(rows.first()).toContainText('sondaggio S2, piede frana');
  await page.getByLabel('Site').selectOption('');

  await page.getByLabel('Sort').selectOption('name');
  const names = await rows.evaluateAll((trs) => trs.map((r) => r.getAttribute('data-chain')));
  expect(names).toEqual(chains.map(label).sort());
});

test('at start the page asks for the stations and the runs once each', async ({ page }) => {
  const calls = new Map<string, number>();
  page.on('request', (request) => {
    const method = new URL(request.url()).pathname.replace('/api/', '');
    calls.set(method, (calls.get(method) ?? 0) + 1);
  });
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  await expect(page.getByRole('heading', { name: /^Results / })).toBeVisible();
  await page.waitForTimeout(1500); // whatever the start asks for has been asked
  console.log(`calls at start: ${JSON.stringify(Object.fromEntries(calls))}`);
  expect(calls.get('listChains')).toBe(1);
  expect(calls.get('listRuns')).toBe(1);
  expect(calls.get('info')).toBe(1);
});
