/**
 * Exports against real databases (a SQLite file and MariaDB): the CSV holds
 * exactly the store's rows, whatever the page size; the XLSX reads back with
 * exceljs to the same cells.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { ELABORATED_VALUES } from '../../src/core/domain/columns.ts';
import { chainRuns, type ExportProgress, runExport } from '../../src/core/export/export.ts';
import { formatLocalIso } from '../../src/core/export/format.ts';
import { pageElaborated } from '../../src/core/export/pager.ts';
import { csvLine } from '../../src/core/export/sinks.ts';
import type { CatenaStore } from '../../src/core/store/open.ts';
import { STEP, T0 } from '../store/fixtures.ts';
import { DIALECTS, type Opened, removeTmp, tmpFile } from '../store/targets.ts';
import { A, A_NODES, B, seed } from './seed.ts';

/** RFC 4180 parsing, enough for the files we write. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const num = (cell: string) => (cell === '' ? Number.NaN : Number(cell));

/** The store's rows of the chains, as the expected CSV cells (read whole: the test data is small). */
async function expectedSeries(
  store: CatenaStore,
  chains: ChainKey[],
  nodes: number[] = [],
): Promise<string[][]> {
  const out: string[][] = [];
  for (const key of chains) {
    const setup = await store.readChainSetup(key);
    const depth = new Map(setup!.nodes.map((n) => [n.nodeIndex, n.depthM]));
    const rows = await store.readElaborated({ ...key, from: null, to: null });
    for (let i = 0; i < rows.length; i++) {
      const n = rows.nodeIndex[i]!;
      if (nodes.length > 0 && !nodes.includes(n)) continue;
      const cells = [
        key.controlUnitCode,
        key.chain,
        `${new Date(rows.timestamp[i]! * 1000).toISOString().slice(0, 19)}Z`,
        n,
        depth.get(n) ?? null,
        ...ELABORATED_VALUES.map((v) => rows[v][i]!),
        rows.flags[i]!,
      ];
      out.push(parseCsv(csvLine(cells))[0]!);
    }
  }
  return out;
}

describe.each(DIALECTS)('exports on $name', (target) => {
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
    'the pager reads every row once, in order, whatever the page size',
    async () => {
      const all = await db.store.readElaborated({ ...A, from: null, to: null });
      for (const pageRows of [2, 3, 7, 64, 1000, 100_000]) {
        const ts: number[] = [];
        const ns: number[] = [];
        for await (const page of pageElaborated(db.store, A, { from: null, to: null, pageRows })) {
          expect(page.rows.length).toBeLessThanOrEqual(Math.max(pageRows, A_NODES.length));
          ts.push(...page.rows.timestamp);
          ns.push(...page.rows.nodeIndex);
        }
        expect(ts).toEqual(Array.from(all.timestamp));
        expect(ns).toEqual(Array.from(all.nodeIndex));
      }
    },
  );

  it.skipIf(!target.available)(
    'series CSV: the header has the units; the rows are the store rows',
    async () => {
      const out = tmpFile('series').replace(/\.db$/, '.csv');
      const progress: ExportProgress[] = [];
      const result = await runExport(db.store, {
        kind: 'series',
        chains: [A, B],
        format: 'csv',
        out,
        pageRows: 50,
        onProgress: (p) => progress.push(p),
      });
      const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
      expect(header).toEqual([
        'controlUnitCode',
        'chain',
        'time_utc',
        'nodeIndex',
        'depth_m',
        'alphaX_deg',
        'alphaY_deg',
        'temperature_degC',
        'dispX_mm',
        'dispY_mm',
        'cumX_mm',
        'cumY_mm',
        'cumR_mm',
        'velR_mm_per_day',
        'flags',
      ]);
      const expected = await expectedSeries(db.store, [A, B]);
      expect(rows.length).toBe(expected.length);
      expect(rows).toEqual(expected);
      expect(result.rows).toBe(expected.length);
      // The values round-trip to the same doubles.
      const a = await db.store.readElaborated({ ...A, from: null, to: null });
      for (let i = 0; i < a.length; i++) expect(Object.is(num(rows[i]![8]!), a.dispX[i]!)).toBe(true);
      expect(progress.length).toBeGreaterThan(5);
      expect(progress.at(-1)).toMatchObject({ chain: B, fraction: 1, rows: expected.length });
    },
  );

  it.skipIf(!target.available)('series with --from/--to and --node keeps only those rows', async () => {
    const out = tmpFile('series-nodes').replace(/\.db$/, '.csv');
    const from = T0 + 50 * STEP;
    const to = T0 + 160 * STEP;
    await runExport(db.store, {
      kind: 'series',
      chains: [A],
      format: 'csv',
      out,
      from,
      to,
      nodes: [2, 4],
      pageRows: 9,
    });
    const [, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    const expected = (await expectedSeries(db.store, [A], [2, 4])).filter((r) => {
      const t = Date.parse(r[2]!) / 1000;
      return t >= from && t <= to;
    });
    expect(rows).toEqual(expected);
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(['2', '4']));
    // One node: read by the database's filter.
    await runExport(db.store, {
      kind: 'series',
      chains: [A],
      format: 'csv',
      out,
      from,
      to,
      nodes: [3],
      pageRows: 5,
    });
    const [, ...node3] = parseCsv(readFileSync(out, 'utf8'));
    expect(node3).toEqual(
      (await expectedSeries(db.store, [A], [3])).filter((r) => {
        const t = Date.parse(r[2]!) / 1000;
        return t >= from && t <= to;
      }),
    );
  });

  it.skipIf(!target.available)('local time: ISO 8601 with the offset, the same instant', async () => {
    const out = tmpFile('series-local').replace(/\.db$/, '.csv');
    await runExport(db.store, { kind: 'series', chains: [B], format: 'csv', out, time: 'local' });
    const [header, first] = parseCsv(readFileSync(out, 'utf8'));
    expect(header![2]).toBe('time_local');
    expect(first![2]).toBe(formatLocalIso(T0));
    expect(Date.parse(first![2]!) / 1000).toBe(T0);
  });

  it.skipIf(!target.available)('events CSV: oldest first, acknowledgements and notes quoted', async () => {
    const out = tmpFile('events').replace(/\.db$/, '.csv');
    await runExport(db.store, { kind: 'events', chains: [A, B], format: 'csv', out, pageRows: 8 });
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toContain('acknowledgedAt_utc');
    const stored = [
      ...(await db.store.listEvents({ key: A, limit: 10_000 })).reverse(),
      ...(await db.store.listEvents({ key: B, limit: 10_000 })).reverse(),
    ];
    expect(rows.length).toBe(stored.length);
    const iso = (t: number | null) => (t === null ? '' : `${new Date(t * 1000).toISOString().slice(0, 19)}Z`);
    expect(rows).toEqual(
      stored.map((e) => [
        e.controlUnitCode,
        e.chain,
        e.metric,
        iso(e.timestamp),
        String(e.level),
        String(e.previousLevel),
        e.nodeIndex === null ? '' : String(e.nodeIndex),
        e.value === null ? '' : String(e.value),
        String(e.runId),
        iso(e.createdAt),
        iso(e.notifiedAt),
        iso(e.acknowledgedAt),
        e.acknowledgedBy ?? '',
        e.ackNote ?? '',
      ]),
    );
    expect(rows.some((r) => r[13] === 'ok, "checked"\nnext day')).toBe(true);
    const times = rows.map((r) => Date.parse(r[3]!));
    const aRows = rows.filter((r) => r[0] === A.controlUnitCode).length;
    expect(times.slice(0, aRows)).toEqual([...times.slice(0, aRows)].sort((x, y) => x - y));
  });

  it.skipIf(!target.available)('runs CSV: the run history with durations', async () => {
    const out = tmpFile('runs').replace(/\.db$/, '.csv');
    await runExport(db.store, { kind: 'runs', chains: [A, B], format: 'csv', out });
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header!.slice(0, 6)).toEqual(['runId', 'launchId', 'controlUnitCode', 'chain', 'mode', 'status']);
    const runs = [
      ...(await chainRuns(db.store, A, null, null)),
      ...(await chainRuns(db.store, B, null, null)),
    ];
    expect(rows.map((r) => [Number(r[0]), r[5]])).toEqual(runs.map((r) => [r.runId, r.status]));
    expect(rows[1]![header!.indexOf('message')]).toBe('stopped, "on purpose"');
  });

  it.skipIf(!target.available)(
    'series XLSX reads back with exceljs to the same cells; sheets split at the row limit',
    async () => {
      const out = tmpFile('series').replace(/\.db$/, '.xlsx');
      await runExport(db.store, {
        kind: 'series',
        chains: [A, B],
        format: 'xlsx',
        out,
        pageRows: 100,
        maxSheetRows: 500,
      });
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(out);
      const expected = await expectedSeries(db.store, [A, B]);
      const cells: string[][] = [];
      let header: string[] = [];
      for (const sheet of book.worksheets) {
        sheet.eachRow({ includeEmpty: false }, (row, n) => {
          const values = (row.values as unknown[]).slice(1);
          const texts = Array.from({ length: 15 }, (_, i) => {
            const v = values[i];
            return v === undefined || v === null ? '' : String(v);
          });
          if (n === 1) header = texts;
          else cells.push(texts);
        });
      }
      expect(book.worksheets.map((s) => s.name)).toEqual(
        Array.from({ length: Math.ceil(expected.length / 500) }, (_, i) =>
          i === 0 ? 'series' : `series (${i + 1})`,
        ),
      );
      expect(header[13]).toBe('velR_mm_per_day');
      expect(cells).toEqual(expected);
    },
  );

  it.skipIf(!target.available)('events XLSX reads back', async () => {
    const out = tmpFile('events').replace(/\.db$/, '.xlsx');
    const result = await runExport(db.store, { kind: 'events', chains: [A], format: 'xlsx', out });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const sheet = book.getWorksheet('events')!;
    expect(sheet.rowCount).toBe(result.rows + 1);
    expect(result.rows).toBe((await db.store.listEvents({ key: A, limit: 10_000 })).length);
  });

  it.skipIf(!target.available)(
    'profiles CSV: each date is the newest timestamp at or before it, every node by depth; a date before the data is refused',
    async () => {
      const out = tmpFile('profiles').replace(/\.db$/, '.csv');
      // in the gap 100..139: the profile of timestamp 99; just after timestamp 10: that of 10
      const inGap = T0 + 120 * STEP;
      const after10 = T0 + 10 * STEP + 5;
      const result = await runExport(db.store, {
        kind: 'profiles',
        chains: [A],
        format: 'csv',
        out,
        at: [inGap, after10],
        nodes: [1, 3, 4],
      });
      const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
      expect(header!.slice(0, 6)).toEqual([
        'controlUnitCode',
        'chain',
        'requested_utc',
        'time_utc',
        'nodeIndex',
        'depth_m',
      ]);
      expect(header).toContain('cumR_mm');
      expect(result.rows).toBe(6);
      const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
      expect(rows.map((r) => [r[2], r[3], r[4], r[5]])).toEqual([
        ...[1, 3, 4].map((n) => [iso(after10), iso(T0 + 10 * STEP), String(n), String(n * 1.5)]),
        ...[1, 3, 4].map((n) => [iso(inGap), iso(T0 + 99 * STEP), String(n), String(n * 1.5)]),
      ]);
      // the values are the store's rows of that timestamp
      const at99 = await db.store.readElaborated({ ...A, from: T0 + 99 * STEP, to: T0 + 99 * STEP });
      const cumR = header!.indexOf('cumR_mm');
      for (const row of rows.slice(3)) {
        const i = Array.from(at99.nodeIndex).indexOf(Number(row[4]));
        expect(num(row[cumR]!)).toEqual(at99.cumR[i]);
      }
      await expect(
        runExport(db.store, { kind: 'profiles', chains: [A], format: 'csv', out, at: [T0 - 86_400] }),
      ).rejects.toThrow(/CU001-A has no elaborated rows at or before .*; choose a later --at/);
      await expect(
        runExport(db.store, { kind: 'profiles', chains: [A], format: 'csv', out }),
      ).rejects.toThrow(/needs a date: pass --at/);
    },
  );

  it.skipIf(!target.available)('an unknown chain fails with one sentence', async () => {
    const out = tmpFile('none').replace(/\.db$/, '.csv');
    await expect(
      runExport(db.store, {
        kind: 'series',
        chains: [{ controlUnitCode: 'NOPE', chain: 'Z' }],
        format: 'csv',
        out,
      }),
    ).rejects.toThrow(/NOPE-Z is not in active_stations/);
  });
});
