import { BROKEN, BROKEN_NODE, label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';
import { confirmFull } from './ui.ts';

test('an operator sees why a chain failed, in words that say what to do', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');

  await page.getByLabel(`Select ${label(BROKEN)}`).check();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByRole('button', { name: 'Elaborate 1 chain' }).click();
  await confirmFull(page);

  const run = page
    .getByTestId('launch')
    .first()
    .getByTestId(`run-${label(BROKEN)}`);
  await expect(run).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  const message = run.getByRole('alert');
  await expect(message).toContainText('CHAIN_CONFIG');
  await expect(message).toContainText(`node ${BROKEN_NODE}`);
  await expect(message).toContainText('gainX');
  await expect(message).not.toContainText('unexpected');
  await expect(message).not.toContainText(/\bat .*\.ts:\d+/); // never a stack

  // the runs history keeps the message
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(BROKEN)}"]`)
    .click();
  await page.getByRole('tab', { name: 'Runs' }).click();
  const failed = page.getByTestId('runs-table').locator('tr[data-run-status="failed"]').first();
  await expect(failed).toContainText('gainX');
  await snap(page, 'failure');
});
