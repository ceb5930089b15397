/**
 * Layouts from a laptop to a wall screen (1024×768 … 2560×1440) and the
 * narrow stacked one (800 px): every main screen is screenshot at each size
 * (test-results/screens/layout-*.png, to be looked at), and the controls an
 * operator needs are asserted whole inside the window.
 */
import type { Locator, Page } from '@playwright/test';
import { ensureElaborated, label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const CHAIN = { controlUnitCode: 'CU001', chain: 'B' } as const; // 20 nodes, raises alarms
const OTHER = { controlUnitCode: 'CU003', chain: 'B' } as const;

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
  { width: 2560, height: 1440 },
] as const;

test.beforeAll(async ({ request }) => {
  await ensureElaborated(request, [CHAIN, OTHER]);
});

/** The controls of the overview and the launch panel, which must never be cut. */
function controls(page: Page): Locator[] {
  const stations = page.getByRole('region', { name: 'Stations' });
  const launch = page.getByRole('region', { name: 'Launch' });
  return [
    page.getByTestId('count-alarm'),
    page.getByTestId('count-stale'),
    page.getByTestId('count-failed'),
    stations.getByLabel('Site'),
    stations.getByLabel('Control unit'),
    stations.getByLabel('State'),
    stations.getByLabel('Sort'),
    stations.getByRole('button', { name: 'Select active' }),
    stations.getByRole('button', { name: 'Clear' }),
    stations.getByRole('button', { name: 'Reload stations' }),
    launch.getByRole('radio', { name: 'Incremental' }),
    launch.getByRole('radio', { name: 'Range' }),
    launch.getByRole('radio', { name: 'Full' }),
    launch.getByLabel('Concurrency'),
    launch.getByRole('button', { name: /^Elaborate \d+ chains?$/ }),
    page.getByRole('button', { name: 'Clear finished' }),
    ...['Time series', 'Profile', 'Alarms', 'Alarm events', 'Runs', 'Data quality', 'Live'].map((name) =>
      page.getByRole('tab', { name }),
    ),
  ];
}

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  );
  const [scroll, client] = overflow as [number, number];
  expect(scroll, 'the page scrolls sideways').toBeLessThanOrEqual(client);
}

async function openChain(page: Page): Promise<void> {
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  await expect(page.getByRole('heading', { name: `Results ${label(CHAIN)}` })).toBeVisible();
  await expect(page.getByTestId('chart-Tilt').locator('canvas[data-drawn="true"]')).toBeVisible();
}

for (const size of SIZES) {
  const name = `${size.width}x${size.height}`;
  test(`at ${size.width}×${size.height} every main screen fits and every control is whole in the window`, async ({
    page,
  }) => {
    await page.setViewportSize(size);
    await page.goto('/');
    const rows = page.getByTestId('stations-table').locator('tbody tr[data-chain]');
    await expect(rows).toHaveCount(6);
    await openChain(page);

    for (const control of controls(page)) {
      await expect(control).toBeInViewport({ ratio: 1 });
      // nothing covers it: a click would land on it (checked without clicking)
      if (await control.isEnabled()) await control.click({ trial: true, timeout: 2_000 });
    }
    // the stations table shows at least five chains whole, without scrolling
    for (let i = 0; i < 5; i++) await expect(rows.nth(i)).toBeInViewport({ ratio: 0.95 });
    await expectNoHorizontalScroll(page);
    await snap(page, `layout-${name}-series`);

    for (const [tab, screen] of [
      ['Profile', 'profile'],
      ['Alarm events', 'events'],
      ['Runs', 'runs'],
      ['Data quality', 'quality'],
      ['Live', 'live'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByTestId(`results-${screen}`)).toBeVisible();
      await expect(page.getByTestId(`results-${screen}`)).not.toContainText('loading');
      // the screen with its data, not while it loads
      if (screen === 'profile') {
        await expect(page.locator('.profile-table tbody tr').first()).toBeVisible();
        await expect(page.getByTestId('profile-datum')).toContainText('first reading');
      }
      if (screen === 'quality')
        await expect(page.getByTestId('quality-table').locator('tbody tr').first()).toBeVisible();
      if (screen === 'runs')
        await expect(page.getByTestId('runs-table').locator('tbody tr').first()).toBeVisible();
      await expectNoHorizontalScroll(page);
      await snap(page, `layout-${name}-${screen}`);
    }
    await page.getByRole('tab', { name: 'Time series' }).click();

    // the confirmation of a full run, whole in the window
    for (const key of [CHAIN, OTHER]) await page.getByLabel(`Select ${label(key)}`).check();
    await page.getByRole('radio', { name: 'Full' }).check();
    await page.getByRole('button', { name: 'Elaborate 2 chains' }).click();
    const dialog = page.getByTestId('confirm-full');
    await expect(dialog.getByTestId('confirm-full-rows')).toContainText('replaces');
    await expect(dialog.getByRole('button', { name: 'Keep the data' })).toBeInViewport({ ratio: 1 });
    await expect(dialog.getByRole('button', { name: /^Replace [\d,]+ rows$/ })).toBeInViewport({ ratio: 1 });
    await snap(page, `layout-${name}-confirm`);
    await dialog.getByRole('button', { name: 'Keep the data' }).click();
    await expect(dialog).toBeHidden();
  });
}

test('at 800 px wide the panels stack and the Elaborate button can be clicked', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 900 });
  await page.goto('/');
  await expect(page.getByTestId('stations-table').locator('tbody tr[data-chain]')).toHaveCount(6);
  await openChain(page);
  await expectNoHorizontalScroll(page);

  // stacked: launch under the stations, results under the launch
  const box = async (name: string) => {
    const b = await page.getByRole('region', { name }).boundingBox();
    if (!b) throw new Error(`no ${name} panel`);
    return b;
  };
  const [stations, launch, results] = [await box('Stations'), await box('Launch'), await box('Results')];
  expect(launch.y).toBeGreaterThanOrEqual(stations.y + stations.height);
  expect(results.y).toBeGreaterThanOrEqual(launch.y + launch.height);
  await snap(page, 'layout-800x900-series');

  await page.getByLabel(`Select ${label(OTHER)}`).check();
  await page.getByRole('radio', { name: 'Full' }).check();
  const elaborate = page.getByRole('button', { name: 'Elaborate 1 chain' });
  await elaborate.scrollIntoViewIfNeeded();
  await expect(elaborate).toBeInViewport({ ratio: 1 });
  // a real click lands on the button (Playwright checks that nothing covers it)
  await elaborate.click();
  await expect(page.getByTestId('confirm-full')).toBeVisible();
  await snap(page, 'layout-800x900-confirm');
  await page.getByRole('button', { name: 'Keep the data' }).click();

  for (const control of controls(page)) {
    await control.scrollIntoViewIfNeeded();
    await expect(control).toBeInViewport({ ratio: 1 });
    if (await control.isEnabled()) await control.click({ trial: true, timeout: 2_000 });
  }
});
