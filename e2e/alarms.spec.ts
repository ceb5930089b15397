/**
 * The alarm panel and stale data, as an operator meets them on the demo site:
 * acknowledging an alarm with a note (the operator's name asked first, and
 * kept), seeing it in the log with name and note; and a chain whose data
 * stopped (the demo's data is a month old) in grey with "no data for …".
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callApi, ensureElaborated, label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

/** Moves the most in the demo (a landslide body) and raises alarms. */
const CHAIN = { controlUnitCode: 'CU001', chain: 'B' } as const;

interface EventRow {
  metric: string;
  timestamp: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
}

interface ChainRow {
  controlUnitCode: string;
  chain: string;
  lastRawAt: number | null;
  stale: boolean;
}

test.beforeAll(async ({ request }) => {
  await ensureElaborated(request, [CHAIN]);
});

test('an operator acknowledges an alarm with a note and sees it in the log with name and note', async ({
  page,
  request,
}) => {
  const before = await callApi<EventRow[]>(request, 'events', { key: CHAIN, limit: 1000 });
  const open = before.filter((e) => e.acknowledgedAt === null).sort((a, b) => b.timestamp - a.timestamp);
  expect(open.length, 'the demo chain has open alarm events').toBeGreaterThan(1);
  const newest = open[0]!;

  await page.goto('/');
  await page.evaluate(() => localStorage.removeItem('catena.operatorName'));
  await page.reload();
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  await page.getByRole('tab', { name: 'Alarms' }).click();
  const panel = page.getByTestId('alarm-panel');
  const openTable = panel.getByTestId('alarms-open');
  await expect(openTable.locator('tbody tr.open')).toHaveCount(open.length);
  // newest first, and no acknowledging without a name
  const first = openTable.locator('tbody tr.open').first();
  await expect(first).toHaveAttribute('data-event', `${newest.metric}@${newest.timestamp}`);
  await expect(first.getByRole('button', { name: 'Acknowledge' })).toBeDisabled();
  await expect(panel.getByTestId('ack-all')).toBeDisabled();

  await panel.getByTestId('operator-name').fill('M. Rossi');
  await panel.getByTestId('ack-note').fill('inspected on site, crack gauge unchanged');
  await first.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(panel.getByRole('status')).toHaveText('Acknowledged 1 event as M. Rossi.');
  await expect(openTable.locator('tbody tr.open')).toHaveCount(open.length - 1);
  const logRow = panel
    .getByTestId('alarms-log')
    .locator(`tr[data-event="${newest.metric}@${newest.timestamp}"]`);
  await expect(logRow).toContainText('M. Rossi');
  await expect(logRow).toContainText('inspected on site, crack gauge unchanged');
  await snap(page, 'alarms-acknowledged');

  // stored as shown
  const after = await callApi<EventRow[]>(request, 'events', { key: CHAIN, limit: 1000 });
  const stored = after.find((e) => e.metric === newest.metric && e.timestamp === newest.timestamp)!;
  expect([stored.acknowledgedBy, stored.ackNote]).toEqual([
    'M. Rossi',
    'inspected on site, crack gauge unchanged',
  ]);
  expect(after.filter((e) => e.acknowledgedAt !== null)).toHaveLength(
    before.filter((e) => e.acknowledgedAt !== null).length + 1,
  );

  // the name is a setting of this workstation: still there after a reload
  await page.reload();
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  await page.getByRole('tab', { name: 'Alarms' }).click();
  await expect(page.getByTestId('operator-name')).toHaveValue('M. Rossi');
  await expect(page.getByTestId('alarms-log')).toContainText('inspected on site, crack gauge unchanged');
});

test('a chain whose data stopped is shown in grey with "no data for …"', async ({ page, request }) => {
  const chains = await callApi<ChainRow[]>(request, 'listChains');
  const stale = chains.find((c) => c.stale && c.lastRawAt !== null);
  expect(stale, 'the demo data is a month old: its chains are stale').toBeDefined();
  const days = Math.floor((Date.now() / 1000 - stale!.lastRawAt!) / 86400);

  await page.goto('/');
  const row = page.getByTestId('stations-table').locator(`tr[data-chain="${label(stale!)}"]`);
  await expect(row).toHaveAttribute('data-stale', 'true');
  const data = row.locator('td[data-col="data"]');
  await expect(data).toContainText(new RegExp(`no data for ${days} d( \\d+ h)?`));
  // grey: the row's cells in the muted colour
  await expect(row.locator('td[data-col="site"]')).toHaveCSS('color', 'rgb(139, 150, 163)');
  await expect(data).toHaveCSS('color', 'rgb(139, 150, 163)');
  await snap(page, 'stale-chain');
});

test('an operator adds a webhook rule, tests it (the receiver gets the POST) and removes it', async ({
  page,
  request,
}) => {
  const bodies: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await page.goto('/');
    const panel = page.getByTestId('notify-rules');
    await panel.locator('summary').click();
    await expect(panel.getByTestId('rule-list')).toContainText('No rules');
    await panel.getByLabel('Channel').selectOption('webhook');
    await panel.getByLabel('Target').fill(hook);
    await panel.getByLabel('Chain').fill('CU001:B');
    await panel.getByLabel('Minimum level').selectOption('2');
    await panel.getByLabel('Metric').selectOption('stale');
    await panel.getByRole('button', { name: 'Add rule' }).click();
    const row = panel.getByTestId('rule-list').locator('li[data-rule]');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(hook);
    await expect(row).toContainText('level ≥ 2 · CU001-B · no new data');
    const stored = await callApi<{ rules: { target: string; metric: string | null; minLevel: number }[] }>(
      request,
      'notifyRules',
    );
    expect(stored.rules).toMatchObject([{ target: hook, metric: 'stale', minLevel: 2 }]);

    await row.getByRole('button', { name: 'Test' }).click();
    await expect(panel.getByRole('status')).toHaveText(`Test message sent to ${hook}.`);
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0]!)).toMatchObject({ type: 'test', metric: 'stale' });
    await snap(page, 'notify-rules');

    await row.getByRole('button', { name: 'Remove' }).click();
    await expect(panel.getByTestId('rule-list')).toContainText('No rules');
    expect((await callApi<{ rules: unknown[] }>(request, 'notifyRules')).rules).toEqual([]);

    // the SMTP server of this host, set in the app (the password is never shown back)
    await expect(panel.getByTestId('smtp-server')).toHaveText(/No SMTP server on this host/);
    await panel.getByLabel('SMTP server').fill('smtp://catena:s3cret@127.0.0.1:2525');
    await panel.getByLabel('Sender').fill('Catena <catena@example.org>');
    await panel.getByRole('button', { name: 'Save SMTP server' }).click();
    await expect(panel.getByTestId('smtp-server')).toHaveText(
      'E-mail through smtp://catena:***@127.0.0.1:2525.',
    );
    await expect(panel.locator('summary')).not.toContainText('no e-mail on this host');
    await panel.locator('.smtp-form').getByRole('button', { name: 'Remove' }).click();
    await expect(panel.getByTestId('smtp-server')).toHaveText(/No SMTP server on this host/);
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});
