/**
 * The renderer over the preload bridge's shape (`window.catena`), for machines
 * where Electron cannot run: a stand-in bridge that carries each call and
 * event exactly as src/preload does (method name + input → envelope; raw
 * event payloads), over this page's HTTP host. The Electron project drives
 * the real preload wherever the binary exists.
 */
import { label } from './fixtures.ts';
import { expect, test } from './test.ts';
import { confirmFull } from './ui.ts';

/** Browser-side script (plain JS: this project's Node-side tsconfig has no DOM types). */
const STAND_IN_BRIDGE = `
  const calls = [];
  window.bridgeCalls = calls;
  window.catena = Object.freeze({
    async invoke(method, input) {
      calls.push(method);
      const response = await fetch('/api/' + method, {
        method: 'POST',
        ...(input === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }),
      });
      const body = await response.json();
      return response.ok ? { ok: true, value: body } : { ok: false, error: body.error };
    },
    onEvent(listener) {
      const ws = new WebSocket('ws://' + location.host + '/api/events');
      ws.onmessage = (message) => listener(JSON.parse(String(message.data)));
      return () => ws.close();
    },
  });
`;

test('the interface picks the preload bridge when present and works through it', async ({ page }) => {
  await page.addInitScript(STAND_IN_BRIDGE);
  await page.goto('/');
  await expect(page.locator('.header')).toContainText('desktop');
  await expect(page.getByTestId('stations-table').locator('tbody tr[data-chain]')).toHaveCount(6);

  const key = { controlUnitCode: 'CU003', chain: 'B' };
  await page.getByLabel(`Select ${label(key)}`).check();
  // full: earlier specs may have brought the chain up to date, and an incremental run would find nothing new
  await page.getByRole('radio', { name: 'Full' }).check();
  await page.getByRole('button', { name: 'Elaborate 1 chain' }).click();
  await confirmFull(page);
  const run = page
    .getByTestId('launch')
    .first()
    .getByTestId(`run-${label(key)}`);
  await expect(run).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });

  // a range in the wrong order is refused before anything is sent
  await page.getByRole('radio', { name: 'Range' }).check();
  await page.getByLabel('From (UTC)').fill('2026-10-30T00:00');
  await page.getByLabel('To (UTC)').fill('2026-10-29T00:00');
  await page.getByRole('button', { name: 'Elaborate 1 chain' }).click();
  await expect(page.getByRole('alert')).toContainText('"To" is before "from"');

  const calls = (await page.evaluate('window.bridgeCalls')) as string[];
  expect(calls).toEqual(expect.arrayContaining(['info', 'listChains', 'listRuns', 'launch']));
});
