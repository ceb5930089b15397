/**
 * The profile and series tools (issue 11 §5), as an operator uses them on the
 * chain that moves most: two nodes compared, a brush zoom fetched again at the
 * new resolution, raw against elaborated; then the profile with three dates,
 * a moved datum and the A/B axes of the chain's azimuth. Screenshots at
 * 1440×900 and 1024×768; axe finds no serious or critical violation.
 */
import { DatabaseSync } from 'node:sqlite';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { callApi, ensureElaborated, label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const CHAIN = { controlUnitCode: 'CU001', chain: 'B' } as const;
const AZIMUTH = 30;

/** The chain's azimuth as an operator's database would have it (migration 008's column). */
function setAzimuth(degrees: number | null): void {
  const path = process.env.CATENA_E2E_DB;
  if (!path) throw new Error('CATENA_E2E_DB is not set (playwright.config.ts sets it)');
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.prepare('UPDATE active_stations SET azimuthDeg = ? WHERE controlUnitCode = ? AND chain = ?').run(
      degrees,
      CHAIN.controlUnitCode,
      CHAIN.chain,
    );
  } finally {
    db.close();
  }
}

async function noSeriousViolation(page: Page, screen: string): Promise<void> {
  // the tools are in the results panel (the stations table is the a11y spec's)
  const { violations } = await new AxeBuilder({ page })
    .include('#results-panel')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `serious or critical violations on ${screen}`,
  ).toEqual([]);
}

/** The number of timestamps the series summary says ("8,640 timestamps, …"). */
async function timestamps(page: Page): Promise<number> {
  const text = (await page.getByTestId('series-summary').textContent()) ?? '';
  return Number(/^([\d,]+) timestamps/.exec(text)?.[1]?.replace(/,/g, '') ?? Number.NaN);
}

test.beforeAll(async ({ request }) => {
  await ensureElaborated(request, [CHAIN]);
  setAzimuth(AZIMUTH);
});

test.afterAll(() => setAzimuth(null));

test('series: two nodes compared, a brush zoom fetched again, raw against elaborated', async ({ page }) => {
  await page.goto('/');
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  const series = page.getByTestId('results-series');
  const cumulative = series.getByTestId('chart-Cumulative displacement').locator('canvas');
  await expect(cumulative).toHaveAttribute('data-drawn', 'true');

  // a second node, drawn with the first in one chart, a legend line each
  const first = await series.getByTestId('node-select').inputValue();
  const other = first === '1' ? '2' : '1';
  await series.getByTestId('compare-select').selectOption(other);
  const compare = series.getByTestId('chart-compare');
  await expect(compare.locator('canvas[data-drawn="true"]')).toBeVisible();
  await expect(compare.locator('.chart-legend span')).toHaveText([`― node ${first}`, `― node ${other}`]);
  await expect(series.getByTestId('compared-nodes')).toContainText(`node ${other}`);

  // brush: a drag over the middle fifth of the chart asks the service for that period alone
  const before = await timestamps(page);
  const zoomed = page.waitForRequest(
    (r) => r.url().endsWith('/api/series') && /"from":\d+/.test(r.postData() ?? ''),
  );
  const box = (await cumulative.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const request = await zoomed;
  const body = JSON.parse(request.postData() ?? '{}') as { from: number; to: number };
  expect(body.to).toBeGreaterThan(body.from);
  await expect(series.getByTestId('period-select')).toHaveValue('zoom');
  // the period holds fewer rows, all of them drawn
  await expect.poll(() => timestamps(page)).toBeLessThan(before);
  const after = await timestamps(page);
  expect(Number(await cumulative.getAttribute('data-points'))).toBeLessThanOrEqual(after);
  await expect(series.getByTestId('series-summary')).not.toContainText('drawn at');

  // raw against elaborated for the chosen node, over the zoomed period
  const raw = page.waitForRequest((r) => r.url().endsWith('/api/rawReadings'));
  await series.getByTestId('raw-toggle').check();
  expect(JSON.parse((await raw).postData() ?? '{}')).toMatchObject({
    from: body.from,
    to: body.to,
    nodeIndex: Number(first),
  });
  await expect(series.getByTestId('raw-summary')).toContainText('raw rows');
  for (const id of ['chart-raw-counts', 'chart-raw-g', 'chart-raw-tilt']) {
    await expect(series.getByTestId(id).locator('canvas[data-drawn="true"]')).toBeVisible();
  }
  await snap(page, 'profile-tools-series-1440');
  await series.getByTestId('raw-vs').scrollIntoViewIfNeeded();
  await snap(page, 'profile-tools-raw-1440');
  await noSeriousViolation(page, 'the series tools');

  // a canvas is still one tab stop; + zooms in from the keyboard
  await cumulative.focus();
  const keyZoom = page.waitForRequest((r) => r.url().endsWith('/api/series'));
  await page.keyboard.press('+');
  await keyZoom;

  await page.setViewportSize({ width: 1024, height: 768 });
  await series.getByTestId('zoom-reset').click();
  await expect(series.getByTestId('period-select')).not.toHaveValue('zoom');
  // the newest rows again, as before the zoom
  await expect.poll(() => timestamps(page)).toBe(before);
  await expect(cumulative).toHaveAttribute('data-drawn', 'true');
  await snap(page, 'profile-tools-series-1024');
  await series.getByTestId('raw-vs').scrollIntoViewIfNeeded();
  await snap(page, 'profile-tools-raw-1024');
});

test('profile: three dates, a moved datum and the A/B axes of the chain’s azimuth', async ({
  page,
  request,
}) => {
  await page.goto('/');
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  await page.getByRole('tab', { name: 'Profile' }).click();
  const profile = page.getByTestId('results-profile');
  await expect(profile.getByTestId('chart-profile').locator('.recharts-line-curve').first()).toBeVisible();

  // three dates: the latest, one in the middle and the first, each in the legend
  const slider = profile.getByLabel('Profile time');
  const max = Number(await slider.getAttribute('max'));
  await profile.getByTestId('profile-overlay-add').click();
  await slider.fill(String(Math.round(max / 2)));
  await profile.getByTestId('profile-overlay-add').click();
  await slider.fill('0');
  const dates = profile.getByTestId('profile-dates').locator('li');
  await expect(dates).toHaveCount(3);
  // oldest first: the one under the slider is the first reading, not overlaid yet
  await expect(dates.first()).toContainText('(slider)');
  await profile.getByTestId('profile-overlay-add').click();
  await expect(dates.first()).not.toContainText('(slider)');
  for (const id of ['chart-profile-v', 'chart-profile-r']) {
    await expect(profile.getByTestId(id).locator('.recharts-line-curve').first()).toBeVisible();
  }
  const legend = profile.getByTestId('chart-profile').locator('.recharts-legend-item');
  await expect(legend.filter({ hasText: /^\d{4}-\d\d-\d\d \d\d:\d\d$/ })).toHaveCount(3);
  // the threshold envelope: one legend entry per level of the chain's cumulative_mm thresholds
  const config = await callApi<{ thresholds: { metric: string; level: number }[] }>(request, 'chainNodes', {
    key: CHAIN,
  });
  const levels = new Set(config.thresholds.filter((t) => t.metric === 'cumulative_mm').map((t) => t.level));
  await expect(legend.filter({ hasText: 'threshold level' })).toHaveCount(levels.size);

  // the slider back to the latest date: its table shows cumulative values since the engine's datum
  await slider.fill(String(max));
  const cell = profile.locator('.profile-table tbody tr').first().locator('td').nth(4);
  await expect(cell).not.toHaveText('—');
  const sinceEngineDatum = await cell.textContent();

  // the datum moved to the middle date: the change since then, smaller on a chain that keeps moving
  await profile.getByLabel('move the datum').check();
  await profile.getByLabel('Datum time').fill(String(Math.round(max / 2)));
  await expect(profile.getByTestId('profile-moved-datum')).toContainText('change since');
  await expect(cell).not.toHaveText(sinceEngineDatum ?? '');
  await expect(profile.getByTestId('chart-profile')).toContainText('change since');

  // A/B: the chain's azimuth (30°) rotates X/Y; the resultant does not change
  const resultant = await cell.textContent();
  await profile.getByLabel('Profile axes').selectOption('ab');
  await expect(profile.getByTestId('profile-azimuth-source')).toHaveText(`(chain: ${AZIMUTH.toFixed(1)}°)`);
  await expect(profile.locator('.profile-table thead')).toContainText('cumA');
  await expect(profile.getByTestId('chart-profile')).toContainText('Cumulative A');
  await expect(cell).toHaveText(resultant ?? '');

  // incremental: each node's own share
  await profile.getByLabel('Profile mode').selectOption('incremental');
  await expect(profile.locator('.profile-table thead')).toContainText('incA');
  await profile.getByLabel('Profile mode').selectOption('cumulative');
  await snap(page, 'profile-tools-profile-1440');
  await noSeriousViolation(page, 'the profile tools');

  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(profile.getByTestId('chart-profile-r').locator('.recharts-legend-item').first()).toBeVisible();
  await snap(page, 'profile-tools-profile-1024');
});
