/**
 * The chain report from the console: "Report (PDF)" in the results header
 * downloads the PDF the core draws; its pages, rendered to PNG by poppler's
 * pdftoppm (poppler-utils, installed by .ci/run), are checked to carry ink.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { callApi, label, waitForLaunch } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

/** Moves the most in the demo (a landslide body) and raises alarms. */
const CHAIN = { controlUnitCode: 'CU001', chain: 'B' } as const;

interface ChainRow {
  controlUnitCode: string;
  chain: string;
  lastElaboratedAt: number | null;
}

test.beforeAll(async ({ request }) => {
  const chains = await callApi<ChainRow[]>(request, 'listChains');
  const row = chains.find((c) => label(c) === label(CHAIN));
  if (row?.lastElaboratedAt !== null) return;
  const { launchId } = await callApi<{ launchId: string }>(request, 'launch', {
    chains: [CHAIN],
    mode: 'full',
  });
  const runs = await waitForLaunch(request, launchId);
  expect(runs.map((r) => r.status)).toEqual(['succeeded']);
});

/** The share of a PNG's pixels that are not near-white. */
function inkShare(file: string): number {
  const png = PNG.sync.read(readFileSync(file));
  let ink = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    if (r < 235 || g < 235 || b < 235) ink++;
  }
  return ink / (png.width * png.height);
}

test('an operator saves the chain report as PDF; every page has content', async ({ page }) => {
  await page.goto('/');
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  await expect(page.getByRole('heading', { name: `Results ${label(CHAIN)}` })).toBeVisible();
  const button = page.getByTestId('report-pdf');
  await expect(button).toHaveText('Report (PDF)');
  await expect(button).toBeEnabled();

  const download = page.waitForEvent('download', { timeout: 60_000 });
  await button.click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^report-CU001-B-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.pdf$/);
  const dir = mkdtempSync(join(tmpdir(), 'catena-e2e-report-'));
  const pdfPath = join(dir, file.suggestedFilename());
  await file.saveAs(pdfPath);
  await expect(button).toHaveText('Report (PDF)');
  await snap(page, 'results-report-button');

  const pdf = readFileSync(pdfPath);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // each page to PNG (pdftoppm names them page-1.png, page-2.png, … with as many digits as needed)
  const converted = spawnSync('pdftoppm', ['-r', '60', '-png', pdfPath, join(dir, 'page')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(converted.error, 'pdftoppm (apt-get install -y poppler-utils)').toBeUndefined();
  expect(converted.status, converted.stderr).toBe(0);
  const pages = readdirSync(dir)
    .filter((f) => /^page-\d+\.png$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  expect(pages.length).toBeGreaterThanOrEqual(3);
  const shares = pages.map((f) => inkShare(join(dir, f)));
  for (const [i, share] of shares.entries()) {
    // a blank page is 0; the lightest page (the tables' tail) still has its rules, text and footer
    expect(share, `ink on page ${i + 1}`).toBeGreaterThan(0.01);
  }
  // the first page has the coloured header band and the profiles: far more than a text page
  expect(shares[0]).toBeGreaterThan(0.08);
});
