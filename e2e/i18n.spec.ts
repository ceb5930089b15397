/**
 * The console in Italian: on an Italian system (Playwright's locale it-IT)
 * it opens in Italian, numbers have a decimal comma, the header switches to
 * English and back (remembered), and UTC / local moves the times to the
 * site's zone (the demo site: Europe/Rome). Every main screen is
 * screenshot in Italian at 1024×768 (test-results/screens/i18n-it-*.png) with
 * its controls whole in the window: Italian words are longer.
 */
import type { Locator, Page } from '@playwright/test';
import { ensureElaborated, label } from './fixtures.ts';
import { snap } from './screens.ts';
import { expect, test } from './test.ts';

const CHAIN = { controlUnitCode: 'CU001', chain: 'B' } as const; // 20 nodes, raises alarms
const OTHER = { controlUnitCode: 'CU003', chain: 'B' } as const;

test.use({ locale: 'it-IT', viewport: { width: 1024, height: 768 } });

test.beforeAll(async ({ request }) => {
  await ensureElaborated(request, [CHAIN, OTHER]);
});

async function openChain(page: Page): Promise<void> {
  await page
    .getByTestId('stations-table')
    .locator(`tr[data-chain="${label(CHAIN)}"]`)
    .click();
  await expect(page.getByRole('heading', { name: `Risultati ${label(CHAIN)}` })).toBeVisible();
}

/** The controls an operator needs, in Italian, which must never be cut. */
function controls(page: Page): Locator[] {
  const stations = page.getByRole('region', { name: 'Stazioni' });
  const launch = page.getByRole('region', { name: 'Lancio' });
  return [
    page.getByTestId('count-alarm'),
    page.getByTestId('count-stale'),
    page.getByTestId('count-failed'),
    page.getByTestId('zone-switch'),
    page.getByTestId('lang-switch'),
    page.getByRole('button', { name: 'Connessioni…' }),
    stations.getByLabel('Sito'),
    stations.getByLabel('Centralina'),
    stations.getByLabel('Stato'),
    stations.getByLabel('Ordine'),
    stations.getByRole('button', { name: 'Seleziona attive' }),
    stations.getByRole('button', { name: 'Deseleziona' }),
    stations.getByRole('button', { name: 'Ricarica le stazioni' }),
    launch.getByRole('radio', { name: 'Incrementale' }),
    launch.getByRole('radio', { name: 'Intervallo' }),
    launch.getByRole('radio', { name: 'Completa' }),
    launch.getByLabel('Parallelismo'),
    launch.getByRole('button', { name: /^Elabora \d+ caten[ae]$/ }),
    page.getByRole('button', { name: 'Togli le finite' }),
    ...[
      'Serie temporali',
      'Profilo',
      'Allarmi',
      'Eventi di allarme',
      'Esecuzioni',
      'Qualità dei dati',
      'In diretta',
    ].map((name) => page.getByRole('tab', { name })),
  ];
}

/** `ultima elaborazione 2026-10-31 23:50` → minutes since the epoch, as written */
async function shownMinutes(page: Page): Promise<number> {
  const text = (await page.getByTestId('last-elaborated').textContent()) ?? '';
  const m = /(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)/.exec(text);
  if (!m) throw new Error(`no time in "${text}"`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!) / 60_000;
}

test('on an Italian system the console is in Italian, with decimal commas; English and back from the header', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
  await expect(page.getByRole('heading', { name: 'Stazioni' })).toBeVisible();
  await expect(page.getByTestId('stations-count')).toContainText('6 catene');
  await expect(page.getByRole('button', { name: 'Seleziona attive' })).toBeVisible();
  await expect(page.getByTestId('zone-switch').getByRole('button', { name: 'UTC' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.getByTestId('zone-note')).toHaveCount(0); // the switch says UTC
  await openChain(page);
  await expect(page.getByRole('tab', { name: 'Serie temporali' })).toBeVisible();

  // a number with a decimal comma: the share of flagged rows, and the newest angles
  await page.getByRole('tab', { name: 'Qualità dei dati' }).click();
  await expect(page.getByTestId('quality-totals')).toContainText(/non valide · \d+,\d\d%/);
  await page.getByRole('tab', { name: 'In diretta' }).click();
  await expect(page.getByTestId('live-table').locator('tbody tr').first()).toContainText(/-?\d+,\d{3}/);

  // English, and the choice remembered over a reload
  await page.getByTestId('lang-switch').getByRole('button', { name: 'EN' }).click();
  await expect(page.getByRole('heading', { name: 'Stations' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Live' })).toBeVisible();
  await expect(page.getByTestId('live-table').locator('tbody tr').first()).toContainText(/-?\d+\.\d{3}/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Stations' })).toBeVisible();

  // and back to Italian
  await page.getByTestId('lang-switch').getByRole('button', { name: 'IT' }).click();
  await expect(page.getByRole('heading', { name: 'Stazioni' })).toBeVisible();
  await expect(page.getByTestId('lang-switch').getByRole('button', { name: 'IT' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
});

test("UTC / local moves the times to the site's zone and says which zone is shown", async ({ page }) => {
  await page.goto('/');
  await openChain(page);
  await expect(page.getByTestId('last-elaborated')).toContainText('ultima elaborazione');
  const utc = await shownMinutes(page);

  await page.getByTestId('zone-switch').getByRole('button', { name: 'locale' }).click();
  // the demo site is in the Italian Alps: Rome's time, one or two hours ahead of UTC
  await expect(page.getByTestId('zone-note')).toHaveText('Europe/Rome (sito)');
  await expect.poll(() => shownMinutes(page)).not.toBe(utc);
  expect([60, 120]).toContain((await shownMinutes(page)) - utc);
  await expect(page.getByTestId('zone-note')).toBeInViewport({ ratio: 1 });
  await snap(page, 'i18n-it-local-time');

  // remembered, and back to UTC
  await page.reload();
  await expect(page.getByTestId('zone-note')).toHaveText('Europe/Rome (sito)');
  await page.getByTestId('zone-switch').getByRole('button', { name: 'UTC' }).click();
  await expect(page.getByTestId('zone-note')).toHaveCount(0);
  await expect.poll(() => shownMinutes(page)).toBe(utc);
});

test('every main screen in Italian at 1024×768: controls whole, nothing cut, screenshot of each', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('stations-table').locator('tbody tr[data-chain]')).toHaveCount(6);
  await openChain(page);
  for (const control of controls(page)) {
    await expect(control).toBeInViewport({ ratio: 1 });
    if (await control.isEnabled()) await control.click({ trial: true, timeout: 2_000 });
  }
  const overflow = (await page.evaluate(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  )) as [number, number];
  expect(overflow[0], 'the page scrolls sideways').toBeLessThanOrEqual(overflow[1]);
  await snap(page, 'i18n-it-series');

  for (const [tab, screen] of [
    ['Profilo', 'profile'],
    ['Allarmi', 'alarms'],
    ['Eventi di allarme', 'events'],
    ['Esecuzioni', 'runs'],
    ['Qualità dei dati', 'quality'],
    ['In diretta', 'live'],
  ] as const) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(page.getByTestId(`results-${screen}`)).toBeVisible();
    await expect(page.getByTestId(`results-${screen}`)).not.toContainText('caricamento');
    if (screen === 'runs')
      await expect(page.getByTestId('runs-table').locator('tbody tr').first()).toBeVisible();
    if (screen === 'quality')
      await expect(page.getByTestId('quality-table').locator('tbody tr').first()).toBeVisible();
    if (screen === 'alarms')
      await expect(page.getByRole('heading', { name: /^Non confermati/ })).toBeVisible();
    await snap(page, `i18n-it-${screen}`);
  }
  await page.getByRole('tab', { name: 'Serie temporali' }).click();

  // the confirmation of a full run, in Italian, whole in the window
  for (const key of [CHAIN, OTHER]) await page.getByLabel(`Seleziona ${label(key)}`).check();
  await page.getByRole('radio', { name: 'Completa' }).check();
  await page.getByRole('button', { name: 'Elabora 2 catene' }).click();
  const dialog = page.getByTestId('confirm-full');
  await expect(dialog.getByRole('heading', { name: 'Rielaborazione completa di 2 catene?' })).toBeVisible();
  await expect(dialog.getByTestId('confirm-full-rows')).toContainText('Sostituisce');
  await expect(dialog.getByRole('button', { name: 'Mantieni i dati' })).toBeInViewport({ ratio: 1 });
  await expect(dialog.getByRole('button', { name: /^Sostituisci [\d.]+ righe$/ })).toBeInViewport({
    ratio: 1,
  });
  await snap(page, 'i18n-it-confirm');
  await dialog.getByRole('button', { name: 'Mantieni i dati' }).click();
  await expect(dialog).toBeHidden();

  // the connection manager and the notification rules
  await page.getByRole('button', { name: 'Connessioni…' }).click();
  const connections = page.getByTestId('connections-dialog');
  await expect(connections.getByRole('heading', { name: 'Connessioni' })).toBeVisible();
  await expect(connections.getByRole('button', { name: 'Chiudi' })).toBeInViewport({ ratio: 1 });
  await snap(page, 'i18n-it-connections');
  await connections.getByRole('button', { name: 'Chiudi' }).click();
  await expect(connections).toBeHidden();
  await page.getByTestId('notify-rules').locator('summary').click();
  await expect(page.getByRole('button', { name: 'Aggiungi regola' })).toBeVisible();
  await snap(page, 'i18n-it-rules');
});

test('the profile and series tools in Italian: three dates overlaid, whole at 1024×768', async ({ page }) => {
  await page.goto('/');
  await openChain(page);
  const series = page.getByTestId('results-series');
  await expect(series.getByTestId('chart-Cumulative displacement').locator('canvas')).toHaveAttribute(
    'data-drawn',
    'true',
  );
  // the series tools' words, the charts' titles and their read-out label
  await expect(series.getByLabel('Confronta con il nodo')).toBeVisible();
  await expect(series.getByText('trascina su un grafico per ingrandire')).toBeVisible();
  await expect(series.getByTestId('chart-Cumulative displacement')).toContainText('Spostamento cumulativo');
  await expect(series.getByTestId('series-summary')).toContainText('istanti');
  await expect(series.getByTestId('chart-Tilt').locator('canvas')).toHaveAttribute(
    'aria-label',
    /^Inclinazione \[°\], [\d.]+ punti dal .*; le frecce spostano il cursore/,
  );
  await expect(series.getByTestId('period-select').locator('option').first()).toHaveText(
    /^righe più recenti \(50\.000\)$/,
  );

  await page.getByRole('tab', { name: 'Profilo' }).click();
  const profile = page.getByTestId('results-profile');
  await expect(profile.getByTestId('chart-profile').locator('.recharts-line-curve').first()).toBeVisible();
  const slider = profile.getByLabel('Data del profilo');
  const max = Number(await slider.getAttribute('max'));
  const overlay = profile.getByRole('button', { name: 'Sovrapponi questa data' });
  await overlay.click();
  await slider.fill(String(Math.round(max / 2)));
  await overlay.click();
  await slider.fill('0');
  await overlay.click();
  await expect(profile.getByTestId('profile-dates').locator('li')).toHaveCount(3);
  await expect(profile.getByRole('button', { name: /^Togli \d{4}-/ })).toHaveCount(3);
  const legend = profile.getByTestId('chart-profile').locator('.recharts-legend-item');
  await expect(legend.filter({ hasText: /^\d{4}-\d\d-\d\d \d\d:\d\d$/ })).toHaveCount(3);
  await expect(legend.filter({ hasText: 'soglia di livello' }).first()).toBeVisible();
  await expect(profile.getByTestId('chart-profile')).toContainText('Cumulativo X');
  await expect(profile.getByTestId('chart-profile')).toContainText(/fisso (al fondo|in testa)/);
  // the note under the title is one line, cut with an ellipsis when too long: the Italian one fits whole
  const note = profile.getByTestId('chart-profile').locator('.profile-note');
  expect(await note.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the profile note is cut').toBe(true);
  await expect(profile.getByTestId('chart-profile-r')).toContainText('Risultante cumulativa');
  await expect(profile.getByTestId('profile-datum')).toContainText('riferimento');
  await expect(profile.locator('.profile-table thead')).toContainText('Profondità [m]');
  for (const control of [
    overlay,
    slider,
    profile.getByLabel('Tipo di profilo'),
    profile.getByLabel('Assi del profilo'),
    profile.getByLabel('sposta il riferimento'),
    profile.getByLabel('inviluppo delle soglie'),
  ]) {
    await expect(control).toBeInViewport({ ratio: 1 });
  }
  const overflow = (await page.evaluate(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  )) as [number, number];
  expect(overflow[0], 'the page scrolls sideways').toBeLessThanOrEqual(overflow[1]);
  await snap(page, 'i18n-it-profile-dates');
  // the charts themselves, their legends (three dates, the threshold levels) whole in the window
  await legend.last().scrollIntoViewIfNeeded();
  await expect(legend.first()).toBeInViewport({ ratio: 1 });
  await expect(legend.last()).toBeInViewport({ ratio: 1 });
  await snap(page, 'i18n-it-profile-charts');
});

test('the report button asks for the PDF in the console language', async ({ page }) => {
  await page.goto('/');
  await openChain(page);
  const asked = page.waitForRequest((r) => r.url().includes('chainReport') || r.url().includes('/report'));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Rapporto (PDF)' }).click();
  await download;
  // over HTTP the console calls the contract's chainReport method with lang: it
  expect((await asked).postData() ?? (await asked).url()).toContain('"lang":"it"');
});
