/**
 * Accessibility: axe-core (WCAG 2.1 A and AA rules) on every main screen of
 * the console — the stations overview, each tab of a chain's results, a
 * launch in progress and the confirmation of a full run — with no serious or
 * critical violation. What axe finds is printed, whatever its impact.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ensureUpToDate, label, SMALL_A } from './fixtures.ts';
import { expect, test } from './test.ts';

const FOCUS = { controlUnitCode: 'CU001', chain: 'A' } as const;

async function audit(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const found = violations.map(
    (v) => `${v.impact}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`,
  );
  console.log(`axe on ${screen}: ${found.length === 0 ? 'no violation' : found.join('; ')}`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `serious or critical violations on ${screen}`,
  ).toEqual([]);
}

test.beforeAll(async ({ request }) => {
  await ensureUpToDate(request, [FOCUS, SMALL_A]);
});

test('the overview and every results tab have no serious or critical violation', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  await expect(page.getByTestId('stations-table').locator('tbody tr').first()).toBeVisible();
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(FOCUS)}"]`)
    .click();
  await expect(page.getByTestId('chart-Tilt').locator('canvas[data-drawn="true"]')).toBeVisible();
  await audit(page, 'the overview with the time series');

  const tabs: [string, string][] = [
    ['Profile', 'results-profile'],
    ['Alarm events', 'results-events'],
    ['Runs', 'results-runs'],
    ['Data quality', 'results-quality'],
  ];
  for (const [tab, testId] of tabs) {
    await page.getByRole('tab', { name: tab }).click();
    const body = page.getByTestId(testId);
    await expect(body).toBeVisible();
    await expect(body.getByText('loading…')).toHaveCount(0);
    await audit(page, `the ${tab} tab`);
  }
});

test('a launch in progress and the confirmation of a full run have no serious or critical violation', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  // every active chain, one at a time: the broken one fails, so its error is audited too
  // the stations are there before they are selected
  await expect(page.getByTestId('stations-table').locator('tbody tr[data-chain]')).toHaveCount(6);
  await page.getByRole('button', { name: 'Select active' }).click();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByLabel('Concurrency').fill('1');
  await page.getByRole('button', { name: 'Elaborate 6 chains' }).click();
  const dialog = page.getByTestId('confirm-full');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('confirm-full-rows')).not.toContainText('Counting');
  await audit(page, 'the confirmation of a full run');

  await dialog.getByRole('button', { name: /^Replace/ }).click();
  const launch = page.getByTestId('launch').first();
  await expect(launch.locator('[data-status="running"]').first()).toBeVisible();
  await audit(page, 'a launch in progress');
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await audit(page, 'a finished launch');
});
