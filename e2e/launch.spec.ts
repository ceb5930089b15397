import { label, SMALL_A, SMALL_B } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';
import { confirmFull } from './ui.ts';

test('an operator launches a full run on two chains and watches it to completion', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');

  for (const key of [SMALL_A, SMALL_B]) await page.getByLabel(`Select ${label(key)}`).check();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByRole('button', { name: 'Elaborate 2 chains' }).click();
  await confirmFull(page);

  const launch = page.getByTestId('launch').first();
  await expect(launch).toBeVisible();
  for (const key of [SMALL_A, SMALL_B]) {
    await expect(launch.getByTestId(`run-${label(key)}`)).toBeVisible();
    await expect(launch.getByRole('progressbar', { name: `${label(key)} progress` })).toBeVisible();
  }
  await snap(page, 'launch-running');

  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  for (const key of [SMALL_A, SMALL_B]) {
    const run = launch.getByTestId(`run-${label(key)}`);
    await expect(run).toHaveAttribute('data-status', 'succeeded');
    await expect(run.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    await expect(run).toContainText('rows written');
  }
  await expect(launch).toContainText('2 ok');

  // the stations table now shows when the chains were elaborated
  for (const key of [SMALL_A, SMALL_B]) {
    const row = page.getByTestId('stations-table').locator(`tr[data-chain="${label(key)}"]`);
    await expect(row.locator('td[data-col="elaborated"]')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await expect(row).toContainText('succeeded');
  }
  await snap(page, 'launch-finished');
});
