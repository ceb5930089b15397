/**
 * Offline review: a snapshot taken by the CLI from the demo database opens
 * in its own host, read-only. The console says where and when it was taken,
 * offers no launch, and every results screen shows the snapshot's data.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callApi, ensureUpToDate, label, ROOT, SMALL_A, SMALL_B } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const node =
  Number(process.versions.node.split('.')[0]) >= 24
    ? process.execPath
    : join(ROOT, 'node_modules', 'node', 'bin', 'node');

const SOURCE = `sqlite:${process.env.CATENA_E2E_DB}`;
const SNAPSHOT = join(tmpdir(), `catena-e2e-snapshot-${process.pid}.db`);

let host: ChildProcess | null = null;
let url = '';

function removeSnapshot(): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${SNAPSHOT}${suffix}`, { force: true });
}

/** The HTTP host on a database, on a free port; resolves with its address. */
function serve(db: string): Promise<string> {
  host = spawn(node, [join(ROOT, 'src', 'server', 'main.ts'), '--db', db, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CATENA_HOME: join(String(process.env.CATENA_E2E_DB), '..', 'catena-e2e-home') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child = host;
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const m = /serving on (http:\/\/\S+\/)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the snapshot host exited (${code})`)));
  });
}

test.beforeAll(async ({ request }) => {
  await ensureUpToDate(request, [SMALL_A, SMALL_B]);
  removeSnapshot();
  // taken as an operator would, with the CLI
  const taken = spawnSync(
    node,
    [
      join(ROOT, 'bin', 'catena.js'),
      'snapshot',
      '--db',
      SOURCE,
      '--out',
      SNAPSHOT,
      '--chain',
      `${SMALL_A.controlUnitCode}:${SMALL_A.chain}`,
      '--chain',
      `${SMALL_B.controlUnitCode}:${SMALL_B.chain}`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (taken.status !== 0) throw new Error(`catena snapshot failed: ${taken.stderr}${taken.stdout}`);
  expect(taken.stdout).toContain(`written to ${SNAPSHOT}`);
  // as `npm start -- --db site.db` passes it: a bare file name
  url = await serve(SNAPSHOT);
});

test.afterAll(async () => {
  if (host && host.exitCode === null) {
    const exited = new Promise((resolve) => host?.once('exit', resolve));
    host.kill('SIGTERM');
    await exited;
  }
  removeSnapshot();
});

test('a snapshot opens read-only: the banner says where and when, no launch, every results screen works', async ({
  page,
  request,
}) => {
  // the service says it is a snapshot, and refuses a launch with one sentence
  const info = await (await request.post(`${url}api/info`, { data: {} })).json();
  expect(info).toMatchObject({
    kind: 'sqlite',
    readOnly: true,
    snapshot: { source: SOURCE, chains: [label(SMALL_A), label(SMALL_B)], status: 'succeeded' },
  });
  const launch = await request.post(`${url}api/launch`, { data: { chains: [SMALL_A], mode: 'full' } });
  expect(launch.status()).toBe(409);
  const refusal = (await launch.json()) as { error: { code: string; message: string } };
  expect(refusal.error.code).toBe('READ_ONLY');
  expect(refusal.error.message).toMatch(
    /offline snapshot of .* taken at .*Connect to the monitoring database/,
  );

  await page.goto(url);
  const banner = page.getByTestId('offline-banner');
  const takenAt = new Date(info.snapshot.takenAt * 1000).toISOString().slice(0, 16).replace('T', ' ');
  await expect(banner).toContainText(`Offline snapshot of ${SOURCE} taken ${takenAt} UTC`);
  await expect(page.getByRole('region', { name: 'Launch' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Launch/ })).toHaveCount(0);
  const rows = page.getByTestId('stations-table').locator('tbody tr[data-chain]');
  await expect(rows).toHaveCount(2);

  const events = await callApi<unknown[]>(request, 'events', { key: SMALL_A, limit: 1000 });
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(SMALL_A)}"]`)
    .click();
  await expect(page.getByRole('heading', { name: `Results ${label(SMALL_A)}` })).toBeVisible();
  const series = page.getByTestId('results-series');
  await expect(series.getByTestId('chart-Tilt').locator('.recharts-line-curve').first()).toBeVisible();
  await snap(page, 'snapshot-series');

  // every chart saves as SVG and PNG: a drawn chart with its title and legend, not a blank image
  const tilt = series.getByTestId('chart-Tilt');
  const [svgFile] = await Promise.all([
    page.waitForEvent('download'),
    tilt.getByRole('button', { name: 'Save chart as SVG' }).click(),
  ]);
  expect(svgFile.suggestedFilename()).toBe('catena-chart-Tilt.svg');
  const svg = readFileSync((await svgFile.path())!, 'utf8');
  expect(svg).toMatch(/^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('Tilt');
  expect(svg).toContain('αX');
  expect(svg).toMatch(/class="recharts-curve recharts-line-curve"[^>]*d="M[\d.]+,[\d.]+L/);
  const [pngFile] = await Promise.all([
    page.waitForEvent('download'),
    tilt.getByRole('button', { name: 'Save chart as PNG' }).click(),
  ]);
  expect(pngFile.suggestedFilename()).toBe('catena-chart-Tilt.png');
  // kept next to the screenshots, for people to look at
  await pngFile.saveAs(join(ROOT, 'test-results', 'screens', 'snapshot-chart-Tilt.png'));
  const png = readFileSync((await pngFile.path())!);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  // drawn at twice the chart's size, with many colours (lines, axes, text on the background)
  const box = (await tilt.boundingBox())!;
  expect(png.readUInt32BE(16)).toBeGreaterThan(box.width * 1.5);
  // decoded and counted by the browser (the test runs without the DOM's types: a script)
  const colours = await page.evaluate(`(async () => {
    const image = new Image();
    image.src = 'data:image/png;base64,${png.toString('base64')}';
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 28) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  })()`);
  expect(colours).toBeGreaterThan(20);

  await page.getByRole('tab', { name: 'Profile' }).click();
  await expect(
    page.getByTestId('results-profile').getByTestId('chart-profile').locator('.recharts-line-curve').first(),
  ).toBeVisible();
  await expect(page.getByTestId('results-profile').locator('.profile-table tbody tr')).toHaveCount(12);

  await page.getByRole('tab', { name: 'Alarm events' }).click();
  const table = page.getByTestId('events-table');
  if (events.length === 0) await expect(table).toContainText('No alarm events');
  else await expect(table.locator('tbody tr')).toHaveCount(Math.min(events.length, 1000));

  await page.getByRole('tab', { name: 'Runs' }).click();
  await expect(
    page.getByTestId('runs-table').locator('tr[data-run-status="succeeded"]').first(),
  ).toBeVisible();

  await page.getByRole('tab', { name: 'Data quality' }).click();
  await expect(page.getByTestId('quality-table').locator('tbody tr')).toHaveCount(12);
  await snap(page, 'snapshot-quality');
});
