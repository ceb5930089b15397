/**
 * The stations table says when stored outputs are not those of the chain's
 * configuration now: a calibration changed after the rows were written.
 */
import { DatabaseSync } from 'node:sqlite';
import { callApi, label, waitForLaunch } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const CHAIN = { controlUnitCode: 'CU002', chain: 'A' } as const;

/** Sets node 1's offsetX in the e2e database (as an operator's calibration tool would); returns the old value. */
function setOffsetX(value: number | null): number | null {
  const db = new DatabaseSync(String(process.env.CATENA_E2E_DB));
  try {
    const where = 'WHERE controlUnitCode = ? AND chain = ? AND nodeIndex = 1';
    const row = db
      .prepare(`SELECT offsetX AS v FROM rsn_nodes ${where}`)
      .get(CHAIN.controlUnitCode, CHAIN.chain);
    db.prepare(`UPDATE rsn_nodes SET offsetX = ? ${where}`).run(value, CHAIN.controlUnitCode, CHAIN.chain);
    return (row?.v as number | null | undefined) ?? null;
  } finally {
    db.close();
  }
}

test('a calibration changed after the rows were written shows "re-elaboration needed" until a full run', async ({
  page,
  request,
}) => {
  // rows written by a run that recorded its configuration
  const first = await callApi<{ launchId: string }>(request, 'launch', { chains: [CHAIN], mode: 'full' });
  await waitForLaunch(request, first.launchId);
  const cell = page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"] td[data-col="elaborated"]`);
  await page.goto('/');
  await expect(cell).toBeVisible();
  await expect(cell.locator('[data-outputs]')).toHaveCount(0);

  const original = setOffsetX(123.5);
  try {
    await page.reload();
    await expect(cell.locator('[data-outputs="changed"]')).toHaveText('re-elaboration needed');
    await snap(page, 'outputs-changed');
    // a full run with the new calibration makes the stored outputs current again
    const again = await callApi<{ launchId: string }>(request, 'launch', { chains: [CHAIN], mode: 'full' });
    await waitForLaunch(request, again.launchId);
    await page.reload();
    await expect(cell).toBeVisible();
    await expect(cell.locator('[data-outputs]')).toHaveCount(0);
  } finally {
    setOffsetX(original);
    const back = await callApi<{ launchId: string }>(request, 'launch', { chains: [CHAIN], mode: 'full' });
    await waitForLaunch(request, back.launchId);
  }
});
