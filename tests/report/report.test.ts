/**
 * Chain reports against real databases (a SQLite file and MariaDB): the PDF
 * is produced from the store alone, holds the chain, its events with their
 * acknowledgements and its parameters, and refuses an unknown chain, an
 * empty period and an unknown node with one sentence. The HTTP route answers
 * the same PDF as application/pdf.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine/engine.ts';
import { isCatenaError } from '../../src/core/errors.ts';
import { buildChainReport } from '../../src/core/report/report.ts';
import { createService } from '../../src/core/service/service.ts';
import { buildServer } from '../../src/server/app.ts';
import { A, seed } from '../export/seed.ts';
import { STEP, T0 } from '../store/fixtures.ts';
import { DIALECTS, type Opened, removeTmp } from '../store/targets.ts';
import { pdfPageCount, pdfText } from './pdf-text.ts';

async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (error) {
    if (isCatenaError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(DIALECTS)('chain report on $name', (target) => {
  let db: Opened;
  beforeAll(async () => {
    if (!target.available) return;
    db = await target.create();
    await seed(db.store);
  });
  afterAll(async () => {
    await db?.drop();
    removeTmp();
  });

  it.skipIf(!target.available)(
    'a PDF with the chain, its profiles, series, events with acknowledgements, quality and parameters',
    async () => {
      const steps: string[] = [];
      const report = await buildChainReport(db.store, {
        key: A,
        compress: false,
        onProgress: (s) => steps.push(s),
      });
      const bytes = report.bytes;
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(bytes.subarray(-6).toString('latin1')).toContain('%%EOF');
      expect(report.pages).toBeGreaterThanOrEqual(3);
      expect(pdfPageCount(bytes)).toBe(report.pages);
      expect(report.fileName).toBe('report-CU001-A-2026-01-01-2026-01-03.pdf');
      // the whole history by default: the seed's first and last rows
      expect(report.from).toBe(T0);
      expect(report.to).toBe(T0 + 299 * STEP);
      const events = await db.store.listEvents({ key: A, limit: 10_000 });
      expect(report.events).toBe(events.length);

      const text = pdfText(bytes);
      for (const expected of [
        'CU001-A',
        'Site, "CU001"',
        'Cumulative displacement profiles',
        'Incremental displacement profiles',
        'Time series',
        'Alarm events',
        'Data quality',
        'Parameters used',
        // an acknowledged event: who, and the first line of the note
        'by Rossi',
        'ok, "checked"',
        'by Bianchi',
        'not acknowledged',
        '2026-01-01 00:00 (reference)',
        'largest displacement',
        `page 1 of ${report.pages}`,
      ]) {
        expect(text, expected).toContain(expected);
      }
      // the oldest event's time as the table writes it
      const oldest = events[events.length - 1]!;
      const when = new Date(oldest.timestamp * 1000).toISOString().slice(0, 16).replace('T', ' ');
      expect(text).toContain(when);
      expect(steps).toContain('drawing');
      // data quality: the total row counts what the store counts (the console's Data quality tab)
      const quality = await db.store.flagCounts({ key: A, from: null, to: null });
      const rows = quality.reduce((sum, q) => sum + q.rows, 0);
      const invalid = quality.reduce((sum, q) => sum + q.invalid, 0);
      expect(text).toMatch(
        new RegExp(`\\nall\\n+${rows.toLocaleString('en-GB')}\\n${invalid.toLocaleString('en-GB')} \\(`),
      );
    },
  );

  it.skipIf(!target.available)('chosen period, dates and nodes', async () => {
    const from = T0 + 150 * STEP;
    const to = T0 + 250 * STEP;
    const report = await buildChainReport(db.store, {
      key: A,
      from,
      to,
      dates: [T0 + 160 * STEP, T0 + 200 * STEP],
      nodes: [3],
      compress: false,
    });
    expect(report.from).toBe(from);
    expect(report.to).toBe(to);
    const events = await db.store.listEvents({ key: A, from, to, limit: 10_000 });
    expect(report.events).toBe(events.length);
    const text = pdfText(report.bytes);
    expect(text).toContain('2026-01-02 02:40 (chosen)');
    expect(text).toContain('Node 3');
    expect(text).not.toContain('Node 1 ');
    // compressed (the default) is smaller and still a PDF with the same pages
    const compressed = await buildChainReport(db.store, { key: A, from, to, nodes: [3] });
    expect(compressed.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(compressed.bytes.length).toBeLessThan(report.bytes.length);
  });

  it.skipIf(!target.available)('refuses an unknown chain, an empty period and an unknown node', async () => {
    const unknown = await refusal(
      buildChainReport(db.store, { key: { controlUnitCode: 'CU404', chain: 'Z' } }),
    );
    expect(unknown.code).toBe('CHAIN_NOT_FOUND');
    expect(unknown.message).toContain('CU404-Z is not in active_stations');

    const empty = await refusal(
      buildChainReport(db.store, { key: A, from: T0 + 1_000_000, to: T0 + 2_000_000 }),
    );
    expect(empty.code).toBe('DATA_INVALID');
    expect(empty.message).toMatch(/^chain CU001-A has no elaborated rows between .* choose another period$/);

    const node = await refusal(buildChainReport(db.store, { key: A, nodes: [99] }));
    expect(node.code).toBe('DATA_INVALID');
    expect(node.message).toBe('chain CU001-A has no node 99; its nodes are 1, 2, 3, 4');
  });

  it.skipIf(!target.available)(
    'GET /api/v1/chains/{unit}/{chain}/report answers the PDF; POST /api/chainReport the same in base64',
    async () => {
      const engine = new Engine({ store: db.store, host: 'report-test' });
      const service = createService(db.store, engine);
      const app = await buildServer({ service, staticDir: null, logLevel: 'silent' });
      try {
        const r = await app.inject({
          url: '/api/v1/chains/CU001/A/report?from=2026-01-01&to=2026-01-02T12:00:00Z&nodes=2,4',
        });
        expect(r.statusCode).toBe(200);
        expect(r.headers['content-type']).toBe('application/pdf');
        expect(r.headers['content-disposition']).toBe(
          'attachment; filename="report-CU001-A-2026-01-01-2026-01-02.pdf"',
        );
        expect(r.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdfPageCount(r.rawPayload)).toBeGreaterThanOrEqual(3);

        const called = await app.inject({
          method: 'POST',
          url: '/api/chainReport',
          payload: { key: A, to: T0 + 200 * STEP },
        });
        expect(called.statusCode).toBe(200);
        const body = called.json() as { fileName: string; base64: string; pages: number };
        expect(Buffer.from(body.base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(body.pages).toBeGreaterThanOrEqual(3);

        // the language asked for: the route's ?lang and the method's lang (the console passes its own)
        const italian = await app.inject({ url: '/api/v1/chains/CU001/A/report?nodes=2&lang=it' });
        expect(italian.statusCode).toBe(200);
        expect(pdfText(italian.rawPayload)).toContain('Profili di spostamento cumulato');
        const viaMethod = await app.inject({
          method: 'POST',
          url: '/api/chainReport',
          payload: { key: A, lang: 'it' },
        });
        const pdf = Buffer.from((viaMethod.json() as { base64: string }).base64, 'base64');
        expect(pdfText(pdf)).toContain('Parametri usati');
        const german = await app.inject({ url: '/api/v1/chains/CU001/A/report?lang=de' });
        expect(german.statusCode).toBe(400);

        const missing = await app.inject({ url: '/api/v1/chains/CU404/Z/report' });
        expect(missing.statusCode).toBe(404);
        expect(missing.json()).toEqual({
          error: expect.objectContaining({ code: 'CHAIN_NOT_FOUND' }),
        });
        const empty = await app.inject({ url: '/api/v1/chains/CU001/A/report?from=2027-01-01' });
        expect(empty.statusCode).toBe(422);
        const bad = await app.inject({ url: '/api/v1/chains/CU001/A/report?dates=2026-01-01,yesterday' });
        expect(bad.statusCode).toBe(400);
        expect((bad.json() as { error: { message: string } }).error.message).toContain(
          '"yesterday" is not a time',
        );
      } finally {
        await app.close();
        await engine.close();
      }
    },
  );
});
