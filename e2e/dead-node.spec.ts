/**
 * A node without data is explained, not shown as "—": on a chain that runs
 * (the e2e fixture kills node 7 of CU003-A for its last days, error code 3),
 * the Data quality tab and the time series' node picker say "no valid data
 * since <day>: error code 3", the day being the node's last valid row.
 */
import { callApi, DEAD, DEAD_NODE, ensureElaborated, label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Quality {
  nodeIndex: number;
  lastAt: number;
  lastValidAt: number | null;
  errorCodeAfter: number | null;
}

test.beforeAll(async ({ request }) => {
  await ensureElaborated(request, [DEAD]);
});

test('a dead node on a running chain: "no valid data since <day>: error code 3" in quality and series', async ({
  page,
  request,
}) => {
  // what the service says of the node: valid rows until a day, error code 3 since
  const quality = await callApi<Quality[]>(request, 'quality', { key: DEAD, from: null });
  const dead = quality.find((q) => q.nodeIndex === DEAD_NODE)!;
  expect(dead.errorCodeAfter).toBe(3);
  expect(dead.lastValidAt).not.toBeNull();
  expect(dead.lastValidAt!).toBeLessThan(dead.lastAt);
  const day = new Date(dead.lastValidAt! * 1000);
  const since = new RegExp(
    `^no valid data since ${day.getUTCDate()} ${MONTHS[day.getUTCMonth()]}( \\d{4})?: error code 3$`,
  );

  await page.goto('/');
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(DEAD)}"]`)
    .click();
  await expect(page.getByRole('heading', { name: `Results ${label(DEAD)}` })).toBeVisible();

  await page.getByRole('tab', { name: 'Data quality' }).click();
  const row = page
    .getByTestId('quality-table')
    .locator('tbody tr')
    .filter({
      has: page.locator('td:first-child', { hasText: new RegExp(`^${DEAD_NODE}$`) }),
    });
  await expect(row.locator('td').last()).toHaveText(since);
  await expect(row.locator('td').last()).toHaveClass(/warn-text/);
  await snap(page, 'dead-node-quality');

  // the node picker names it too, and the note shows once the node is chosen
  await page.getByRole('tab', { name: 'Time series' }).click();
  const picker = page.getByTestId('node-select');
  const option = picker.locator(`option[value="${DEAD_NODE}"]`);
  await expect(option).toHaveText(new RegExp(`node ${DEAD_NODE} — no valid data since .*: error code 3$`));
  await picker.selectOption(String(DEAD_NODE));
  await expect(page.getByTestId('node-note')).toHaveText(since);
  await snap(page, 'dead-node-series');
});
