/**
 * Another program holds the demo file's write lock in the middle of a run:
 * the chain shows what it waits for instead of a bar that stopped for no
 * reason, and finishes as usual once the lock is released.
 */
import { DatabaseSync } from 'node:sqlite';
import { takeWriteLock } from '../tests/support/sqlite-lock.ts';
import { label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';
import { confirmFull } from './ui.ts';

const BIG = { controlUnitCode: 'CU001', chain: 'A' } as const; // 50 nodes, the longest run

test('a run kept waiting by another program says what it waits for, then goes on', async ({ page }) => {
  const path = process.env.CATENA_E2E_DB;
  if (!path) throw new Error('CATENA_E2E_DB is not set (playwright.config.ts sets it)');
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  await page.getByLabel(`Select ${label(BIG)}`).check();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByRole('button', { name: 'Elaborate 1 chain' }).click();
  await confirmFull(page);

  const launch = page.getByTestId('launch').first();
  const run = launch.getByTestId(`run-${label(BIG)}`);
  const bar = run.getByRole('progressbar', { name: `${label(BIG)} progress` });
  await expect
    .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 60_000 })
    .toBeGreaterThan(0);

  const other = new DatabaseSync(path);
  try {
    await takeWriteLock(other);
    const waiting = run.getByTestId(`waiting-${label(BIG)}`);
    await expect(waiting).toContainText('waiting for the write lock on', { timeout: 10_000 });
    await expect(waiting).toContainText('held by another program');
    await expect(run.locator('.badge')).toHaveText('waiting');
    await snap(page, 'waiting-for-lock');
    other.exec('COMMIT');
    await expect(waiting).toBeHidden({ timeout: 10_000 });
  } finally {
    if (other.isTransaction) other.exec('ROLLBACK');
    other.close();
  }
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await expect(run).toHaveAttribute('data-status', 'succeeded');
});
