import { label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

test('an operator opens the console and sees the demo stations', async ({ page }) => {
  const calls = new Map<string, number>();
  page.on('request', (request) => {
    const method = new URL(request.url()).pathname;
    calls.set(method, (calls.get(method) ?? 0) + 1);
  });
  await page.goto('/');

  await expect(page.getByTestId('db-info')).toContainText('SQLite');
  await expect(page.getByTestId('db-info')).toContainText(process.env.CATENA_E2E_DB ?? '.db');
  await expect(page.getByTestId('conn-state')).toContainText('live');

  const table = page.getByTestId('stations-table');
  const rows = table.locator('tbody tr[data-chain]');
  await expect(rows).toHaveCount(6);
  for (const chain of ['CU001-A', 'CU001-B', 'CU002-A', 'CU002-B', 'CU003-A', 'CU003-B']) {
    await expect(table.locator(`tr[data-chain="${chain}"]`)).toBeVisible();
  }
  const cu001a = table.locator(`tr[data-chain="${label({ controlUnitCode: 'CU001', chain: 'A' })}"]`);
  await expect(cu001a).toContainText('Frana del Col de Rio');
  await expect(cu001a.locator('td[data-col="nodes"]')).toHaveText(/^(50|49\/50)$/);

  // selecting the active chains fills the launch button
  await page.getByRole('button', { name: 'Select active' }).click();
  await expect(page.getByRole('button', { name: /^Elaborate \d+ chains$/ })).toBeEnabled();
  await snap(page, 'stations');
  // the lists are fetched once at start, not again when the event stream opens
  expect(calls.get('/api/listChains')).toBe(1);
  expect(calls.get('/api/listRuns')).toBe(1);
});
