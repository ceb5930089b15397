/**
 * The console stays smooth during launches: a chain that ends reloads and
 * redraws only its own results (the focused chain's charts are left alone
 * when other chains finish), progress is folded once per frame, the series
 * is parsed and downsampled in a worker and drawn on canvases, and Cancel
 * acts at once. The figures are measured in the page (PerformanceObserver,
 * requestAnimationFrame), printed, and held to the targets: no long
 * task over 100 ms, a p95 frame gap under 50 ms, the cancel request within
 * 200 ms of the click, the first chart within 300 ms of opening a chain
 * (median of 5).
 */
import type { Page } from '@playwright/test';
import { ensureUpToDate, label, SMALL_A } from './fixtures.ts';
import { expect, test } from './test.ts';
import { confirmFull } from './ui.ts';

const FOCUS = { controlUnitCode: 'CU001', chain: 'A' } as const; // 50 nodes

/** Browser-side (plain JS: the e2e tsconfig has no DOM types): records what the page does from now on. */
const RECORDER = `(() => {
  const rec = { longTasks: [], frames: [], chartMutations: 0, clickAt: null, running: true };
  window.__rec = rec;
  const t0 = performance.now();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec.longTasks.push([Math.round(e.startTime - t0), Math.round(e.duration)]);
  }).observe({ type: 'longtask' });
  const frame = (t) => {
    rec.frames.push(t);
    if (rec.running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const charts = document.querySelector('[data-testid="results-series"] .chart-grid');
  new MutationObserver((records) => {
    for (const r of records) {
      // the readout of the cursor under the pointer is not a redraw
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (el && el.closest('.chart-readout')) continue;
      const moved = [...r.addedNodes, ...r.removedNodes];
      if (moved.length > 0 && moved.every((n) => n.nodeType === 1 && n.classList.contains('chart-readout'))) continue;
      rec.chartMutations++;
    }
  }).observe(charts, { subtree: true, childList: true, attributes: true, characterData: true });
  rec.marks = [];
  document.addEventListener('click', (e) => { rec.marks.push([Math.round(performance.now() - t0), e.target.textContent.slice(0, 20)]);
    if (e.target.closest && e.target.closest('button') && e.target.closest('button').textContent === 'Cancel launch') rec.clickAt = e.timeStamp;
  }, true);
})()`;

const REPORT = `(() => {
  const rec = window.__rec;
  rec.running = false;
  const gaps = rec.frames.slice(1).map((t, i) => t - rec.frames[i]).sort((a, b) => a - b);
  const cancel = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/cancel'));
  return {
    longTasks: rec.longTasks.length,
    longTasksAt: rec.longTasks.map(([at, ms]) => ms + ' ms at ' + at),
    clicksAt: rec.marks.map(([at, text]) => text + ' at ' + at),
    longestTaskMs: Math.max(0, ...rec.longTasks.map((t) => t[1])),
    frames: rec.frames.length,
    p95FrameGapMs: gaps.length ? Math.round(gaps[Math.floor(gaps.length * 0.95)]) : null,
    chartMutations: rec.chartMutations,
    cancelAfterClickMs: cancel && rec.clickAt !== null ? Math.round(cancel.startTime - rec.clickAt) : null,
  };
})()`;

interface Report {
  longTasks: number;
  longTasksAt: string[];
  clicksAt: string[];
  longestTaskMs: number;
  frames: number;
  p95FrameGapMs: number | null;
  chartMutations: number;
  cancelAfterClickMs: number | null;
}

async function openFocused(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('conn-state')).toContainText('live');
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(FOCUS)}"]`)
    .click();
  await page.getByRole('tab', { name: 'Time series' }).click();
  for (const title of ['Tilt', 'Cumulative displacement', 'Velocity', 'Temperature']) {
    await expect(page.getByTestId(`chart-${title}`).locator('canvas[data-drawn="true"]')).toBeVisible();
  }
}

/** The operator's pointer rests on a chart while watching (its tooltip shows): the worst case. */
async function restOnChart(page: Page): Promise<void> {
  const box = await page.getByTestId('chart-Cumulative displacement').boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

/** Counts the calls the page makes for the focused chain's series. */
function countSeriesCalls(page: Page): { count(): number } {
  let n = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/api/series')) n++;
  });
  return { count: () => n };
}

// Playwright's trace (DOM snapshots, screencast) works on the page's main thread: it would be measured too
test.use({ trace: 'off' });

test.beforeAll(async ({ request }) => {
  await ensureUpToDate(request, [FOCUS, SMALL_A]);
});

/** Browser-side: clicks a chain's row and resolves with the milliseconds until its four series charts are drawn. */
const OPEN_AND_TIME = `(async (label) => {
  const row = document.querySelector('[data-testid="stations-table"] tr[data-chain="' + label + '"]');
  const t0 = performance.now();
  row.click();
  const drawn = () => {
    const heading = [...document.querySelectorAll('h2')].some((h) => h.textContent.includes(label));
    const charts = document.querySelectorAll('[data-testid="results-series"] canvas[data-drawn="true"]');
    return heading && charts.length === 4;
  };
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no chart within 10 s')), 10000);
    const check = () => (drawn() ? (clearTimeout(timer), resolve()) : requestAnimationFrame(check));
    check();
  });
  return Math.round(performance.now() - t0);
})`;

/**
 * The machine's timing targets are measured once more when the first
 * measurement misses them: the test machine has two cores shared with other
 * work (the engine's threads, the database, other test runs), and another
 * process can hold the CPU for 100 ms. Both measurements are printed; the
 * second must meet the targets.
 */
const ATTEMPTS = 2;

test('the first chart is drawn within 300 ms of opening a chain (median of 5)', async ({ page }) => {
  await openFocused(page);
  let median = Number.POSITIVE_INFINITY;
  for (let attempt = 1; attempt <= ATTEMPTS && median >= 300; attempt++) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      // alternately the small chain and the 50-node one: each opening draws a chain that was not shown
      const key = i % 2 === 0 ? SMALL_A : FOCUS;
      // the operator looks at each chain a moment: what the previous one still asks for is not measured
      await page.waitForTimeout(1000);
      times.push((await page.evaluate(`${OPEN_AND_TIME}(${JSON.stringify(label(key))})`)) as number);
    }
    median = [...times].sort((a, b) => a - b)[2]!;
    console.log(
      `first chart after opening a chain (attempt ${attempt}): ${JSON.stringify({ times, medianMs: median })}`,
    );
  }
  expect(median, 'first chart within 300 ms of opening a chain (median of 5)').toBeLessThan(300);
});

test('chains that finish leave the focused chain’s charts alone', async ({ page }) => {
  await openFocused(page);
  const series = countSeriesCalls(page);
  await page.evaluate(RECORDER);

  await page.getByRole('button', { name: 'Select active' }).click();
  await page.getByLabel(`Select ${label(FOCUS)}`).uncheck();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByRole('button', { name: 'Elaborate 5 chains' }).click();
  await confirmFull(page);
  await restOnChart(page);
  const launch = page.getByTestId('launch').first();
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await page.waitForTimeout(1000); // the refresh after the last chain (debounced) has run

  const report = (await page.evaluate(REPORT)) as Report;
  console.log(`5-chain launch beside ${label(FOCUS)}'s series: ${JSON.stringify(report)}`);
  expect(series.count(), 'series reloaded for chains that are not the focused one').toBe(0);
  expect(report.chartMutations, 'charts redrawn without a change of their data').toBe(0);
});

/** A 6-chain full launch at concurrency 2 beside the focused chain's series, cancelled once a chain ended. */
async function cancelledLaunch(page: Page): Promise<{ report: Report; seriesCalls: number }> {
  await openFocused(page);
  const series = countSeriesCalls(page);
  await page.evaluate(RECORDER);

  await page.getByRole('button', { name: 'Select active' }).click();
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByLabel('Concurrency').fill('2');
  await page.getByRole('button', { name: 'Elaborate 6 chains' }).click();
  await confirmFull(page);
  const launch = page.getByTestId('launch').first();
  // let a chain end and others run, then cancel the rest
  await expect(launch.locator('[data-status="succeeded"], [data-status="failed"]').first()).toBeVisible({
    timeout: 60_000,
  });
  await launch.getByRole('button', { name: 'Cancel launch' }).click();
  // the chains still queued end at once: the launch may be over before "cancelling…" could be seen
  await expect(launch).toHaveAttribute('data-finished', 'true', { timeout: 120_000 });
  await expect(launch.locator('[data-status="cancelled"]').first()).toBeVisible();
  await page.waitForTimeout(1000);
  return { report: (await page.evaluate(REPORT)) as Report, seriesCalls: series.count() };
}

test('during a 6-chain launch with a 50-node chain’s series open, Cancel acts at once', async ({ page }) => {
  test.setTimeout(180_000);
  let result = await cancelledLaunch(page);
  const misses = (r: Report) => r.longestTaskMs > 100 || (r.p95FrameGapMs ?? Number.POSITIVE_INFINITY) >= 50;
  for (let attempt = 1; ; attempt++) {
    console.log(
      `6-chain launch with ${label(FOCUS)}'s series open (attempt ${attempt}): ${JSON.stringify(result.report)}`,
    );
    if (attempt >= ATTEMPTS || !misses(result.report)) break;
    result = await cancelledLaunch(page);
  }
  const { report } = result;
  expect(report.cancelAfterClickMs, 'the cancel request leaves within 200 ms of the click').not.toBeNull();
  expect(report.cancelAfterClickMs ?? Number.POSITIVE_INFINITY).toBeLessThan(200);
  expect(report.frames).toBeGreaterThan(10);
  expect(
    report.longestTaskMs,
    `no long task over 100 ms (${report.longTasksAt.join(', ')})`,
  ).toBeLessThanOrEqual(100);
  expect(report.p95FrameGapMs ?? Number.POSITIVE_INFINITY, 'p95 frame gap under 50 ms').toBeLessThan(50);
  // the focused chain was in the launch: its results reload once it ended
  expect(result.seriesCalls).toBeGreaterThan(0);
});
