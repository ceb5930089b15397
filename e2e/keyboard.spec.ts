/**
 * A keyboard-only operator: the stations are one tab stop whose rows move
 * with the arrows, Space ticks a chain and Enter opens it; the results' tabs
 * follow the WAI-ARIA tabs pattern; a chart is one tab stop (after its two save buttons); the focus ring
 * is 2 px and plain to see. The operator selects two chains, launches,
 * opens a chain's results from the progress and cancels, without a mouse.
 */
import type { Page } from '@playwright/test';
import { ensureUpToDate } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

interface Active {
  tag: string;
  role: string | null;
  name: string;
  chain: string | null;
  outlineWidth: string;
  outlineStyle: string;
  outlineColor: string;
}

/** Browser-side (plain JS): what has the focus, and how its ring looks. */
const ACTIVE = `(() => {
  const a = document.activeElement;
  const style = getComputedStyle(a);
  return {
    tag: a.tagName,
    role: a.getAttribute('role'),
    name: (a.getAttribute('aria-label') || (a.labels && a.labels[0] ? a.labels[0].textContent : a.textContent) || '').trim().slice(0, 80),
    chain: a.getAttribute('data-chain'),
    outlineWidth: style.outlineWidth,
    outlineStyle: style.outlineStyle,
    outlineColor: style.outlineColor,
  };
})()`;

async function active(page: Page): Promise<Active> {
  return (await page.evaluate(ACTIVE)) as Active;
}

/** Presses Tab (or Shift+Tab) until the focus is where `found` says, as a keyboard user would. */
async function tabTo(page: Page, found: (a: Active) => boolean, back = false): Promise<Active> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const a = await active(page);
    if (process.env.DEBUG_TAB) console.log(JSON.stringify(a));
    if (found(a)) return a;
  }
  throw new Error('the focus never got there with the Tab key');
}

function expectRing(a: Active): void {
  expect(a.outlineStyle).toBe('solid');
  expect(a.outlineWidth).toBe('2px');
  expect(a.outlineColor).toBe('rgb(255, 255, 255)');
}

test.beforeAll(async ({ request }) => {
  await ensureUpToDate(request, [
    { controlUnitCode: 'CU001', chain: 'A' },
    { controlUnitCode: 'CU003', chain: 'A' },
  ]);
});

test('a keyboard-only operator selects two chains, launches, opens results and cancels', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  const rows = page.getByTestId('stations-table').locator('tbody tr[data-chain]');
  await expect(rows).toHaveCount(6);
  await expect(rows.first()).toHaveAttribute('data-chain', 'CU001-A'); // levels known: worst first
  // the other chains' levels may still be arriving and moving rows: wait until the order holds still
  const order = () => rows.evaluateAll((trs) => trs.map((r) => r.getAttribute('data-chain')).join(','));
  let seen = '';
  await expect
    .poll(
      async () => {
        const now = await order();
        const still = now === seen;
        seen = now;
        return still;
      },
      { intervals: [500] },
    )
    .toBe(true);
  const first = (await rows.nth(0).getAttribute('data-chain')) ?? '';
  const second = (await rows.nth(1).getAttribute('data-chain')) ?? '';

  // the stations table is one tab stop: its open (first) row
  const row = await tabTo(page, (a) => a.chain !== null);
  expect(row.chain).toBe(first);
  expectRing(row);
  expect(await rows.evaluateAll((trs) => trs.filter((r) => r.getAttribute('tabindex') === '0').length)).toBe(
    1,
  );
  await snap(page, 'keyboard-row-focus');

  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  expect((await active(page)).chain).toBe(second);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('stations-count')).toContainText('2 selected');
  await expect(page.getByLabel(`Select ${first}`)).toBeChecked();
  await expect(page.getByLabel(`Select ${second}`)).toBeChecked();

  // Enter opens the chain; the keyboard goes on in its results' tabs
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: `Results ${second}` })).toBeVisible();
  let focus = await active(page);
  expect(focus).toMatchObject({ role: 'tab', name: 'Time series' });
  expectRing(focus);

  // tabs: the arrows move and select, Home and End go to the ends, one tab stop
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Profile' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Profile' })).toBeFocused();
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'results-tab-profile');
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Live' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Time series' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'Live' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: 'Time series' })).toHaveAttribute('aria-selected', 'true');
  expect(
    await page
      .getByRole('tab')
      .evaluateAll((tabs) => tabs.filter((t) => t.getAttribute('tabindex') === '0').length),
  ).toBe(1);

  // a chart is three tab stops (save as PNG, save as SVG, the chart): from the series tools' last control
  // (raw against elaborated), each chart in turn
  const titles = ['Tilt', 'Cumulative displacement', 'Velocity', 'Temperature'];
  await expect(page.getByTestId('chart-Temperature').locator('canvas[data-drawn="true"]')).toBeVisible();
  await tabTo(page, (a) => a.name === 'Node');
  await tabTo(page, (a) => a.name === 'raw against elaborated');
  for (const title of titles) {
    for (const stop of ['Save chart as PNG', 'Save chart as SVG', 'the chart']) {
      await page.keyboard.press('Tab');
      const inChart = await page
        .getByTestId(`chart-${title}`)
        .evaluate((el) => el.contains(el.ownerDocument.activeElement));
      expect(inChart, `${stop} of the ${title} chart is the next tab stop`).toBe(true);
    }
  }
  expectRing(await active(page));
  await snap(page, 'keyboard-chart-focus');
  await page.getByRole('tab', { name: 'Time series' }).focus();

  // the launch panel, back up the page: a full run at concurrency 1, confirmed from the keyboard
  await tabTo(page, (a) => a.name === 'Concurrency', true);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('1');
  await tabTo(page, (a) => a.tag === 'INPUT' && a.name === 'Incremental', true);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: 'Full' })).toBeChecked();
  focus = await tabTo(page, (a) => a.name === 'Elaborate 2 chains');
  expectRing(focus);
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('confirm-full');
  await expect(dialog.getByRole('button', { name: 'Keep the data' })).toBeFocused();
  await expect(dialog.getByRole('button', { name: /^Replace/ })).toBeEnabled();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: /^Replace/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();

  // cancel at once: the focus came back to the Elaborate button, Cancel launch is the next stop
  const launch = page.getByTestId('launch').first();
  await expect(launch).toBeVisible();
  focus = await tabTo(page, (a) => a.name === 'Cancel launch' || a.name === 'Clear finished');
  expect(focus.name).toBe('Cancel launch');
  await page.keyboard.press('Enter');
  expectRing(focus);
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await expect(launch.locator('[data-status="cancelled"]').first()).toBeVisible();

  // then the results of a chain of the launch, from its progress row
  await tabTo(page, (a) => a.name === first);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: `Results ${first}` })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Time series' })).toBeFocused();
  await snap(page, 'keyboard-results-after-cancel');
});
