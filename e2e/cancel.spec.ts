import { callApi, label, waitForLaunch } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';
import { confirmFull } from './ui.ts';

const BIG = { controlUnitCode: 'CU001', chain: 'A' } as const; // 50 nodes, the longest run
const OTHER = { controlUnitCode: 'CU003', chain: 'A' } as const; // 30 nodes

test('an operator cancels one chain of a launch and the other chain goes on', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');

  for (const key of [BIG, OTHER]) await page.getByLabel(`Select ${label(key)}`).check();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByLabel('Concurrency').fill('2');
  await page.getByRole('button', { name: 'Elaborate 2 chains' }).click();
  await confirmFull(page);

  const launch = page.getByTestId('launch').first();
  const big = launch.getByTestId(`run-${label(BIG)}`);
  await expect(big).toHaveAttribute('data-status', 'running');
  await big.getByRole('button', { name: `Cancel ${label(BIG)}` }).click();

  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await expect(big).toHaveAttribute('data-status', 'cancelled');
  await expect(launch.getByTestId(`run-${label(OTHER)}`)).toHaveAttribute('data-status', 'succeeded');
  await snap(page, 'cancel-chain');

  const launchId = await launch.getAttribute('data-launch-id');
  const runs = await waitForLaunch(request, launchId ?? '');
  expect(runs.map((r) => r.status).sort()).toEqual(['cancelled', 'succeeded']);
  // the final counts of a cancelled chain are the run's own, not the last progress event's
  const records = await callApi<{ controlUnitCode: string; chain: string; timestamps: number }[]>(
    request,
    'listRuns',
    { launchId },
  );
  const cancelled = records.find((r) => label(r) === label(BIG));
  await expect(big).toContainText(`${(cancelled?.timestamps ?? -1).toLocaleString('en-US')} / `);
});

test('an operator cancels a whole launch', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');

  // the stations are there before they are selected
  await expect(page.getByTestId('stations-table').locator('tbody tr[data-chain]')).toHaveCount(6);
  await page.getByRole('button', { name: 'Select active' }).click();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByLabel('Concurrency').fill('1');
  await page.getByRole('button', { name: /^Elaborate \d+ chains$/ }).click();
  await confirmFull(page);

  const launch = page.getByTestId('launch').first();
  // A chain well under way, with at least three chains queued behind it: the cancel lands inside a
  // run and well before the launch's end (a demo chain takes under a second, the launch 2–3 s).
  await expect
    .poll(
      () =>
        launch.evaluate((el) => {
          const bars = [...el.querySelectorAll('[data-status="running"] [role="progressbar"]')];
          const underWay = bars.some((b) => {
            const v = Number(b.getAttribute('aria-valuenow'));
            return v > 0 && v < 80;
          });
          return underWay && el.querySelectorAll('[data-status="queued"]').length >= 3;
        }),
      { intervals: [25] },
    )
    .toBe(true);
  await launch.getByRole('button', { name: 'Cancel launch' }).click();

  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await expect(launch.locator('[data-status="cancelled"]').first()).toBeVisible();
  await expect(launch.locator('[data-status="running"], [data-status="queued"]')).toHaveCount(0);
  await snap(page, 'cancel-launch');

  const launchId = (await launch.getAttribute('data-launch-id')) ?? '';
  const runs = await waitForLaunch(request, launchId);
  expect(runs.some((r) => r.status === 'cancelled')).toBe(true);
  // nothing is left running in the service either
  const chains = await callApi<unknown[]>(request, 'listChains');
  expect(chains.length).toBe(6);
});
