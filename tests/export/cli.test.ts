/**
 * `catena export` and `catena snapshot` as an operator runs them: a real
 * process, a MariaDB source (SQLite when no server), files on disk.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/open.ts';
import { MYSQL, type Opened, SQLITE } from '../store/targets.ts';
import { runCatena } from '../support/cli.ts';
import { A, B, seed } from './seed.ts';

const tmp = mkdtempSync(join(tmpdir(), 'catena-export-cli-'));

const catena = (args: string[]) => runCatena(args, join(tmp, 'home'));

const target = MYSQL.available ? MYSQL : SQLITE;

describe(`catena export and snapshot (source: ${target.name})`, () => {
  let db: Opened;
  beforeAll(async () => {
    db = await target.create();
    await seed(db.store);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('export series to CSV: a header with units, one line per row, progress and a summary on stderr', async () => {
    const out = join(tmp, 'series.csv');
    const r = await catena([
      'export',
      'series',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--chain',
      'CU002-B',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(/rows written to/);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(
      /^controlUnitCode,chain,time_utc,nodeIndex,depth_m,alphaX_deg,.*,cumR_mm,velR_mm_per_day,flags$/,
    );
    const count =
      (await db.store.readElaborated({ ...A, from: null, to: null })).length +
      (await db.store.readElaborated({ ...B, from: null, to: null })).length;
    expect(lines.length - 1).toBe(count);
    expect(r.stderr).toContain(`${count} rows written to ${out}`);
  });

  it('export events to XLSX with --from/--to and local times', async () => {
    const out = join(tmp, 'events.xlsx');
    const r = await catena([
      'export',
      'events',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--format',
      'xlsx',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-01T06:00:00Z',
      '--local-time',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const sheet = book.getWorksheet('events')!;
    expect(sheet.getRow(1).getCell(4).value).toBe('time_local');
    const expected = await db.store.listEvents({
      key: A,
      from: Date.UTC(2026, 0, 1) / 1000,
      to: Date.UTC(2026, 0, 1, 6) / 1000,
    });
    expect(sheet.rowCount - 1).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('snapshot, then again: the second copies nothing new; the snapshot exports like its source', async () => {
    const file = join(tmp, 'snap.db');
    const first = await catena(['snapshot', '--db', db.url, '--out', file, '--chain', 'CU001:A']);
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /CU001-A\s+\d+ elaborated rows from 2026-01-01T00:00:00Z, \d+ events, 1 new runs/,
    );
    const again = await catena(['snapshot', '--db', db.url, '--out', file, '--chain', 'CU001:A']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/CU001-A\s+no new elaborated rows, \d+ events, 0 new runs/);
    const fromSource = join(tmp, 'a-source.csv');
    const fromSnap = join(tmp, 'a-snap.csv');
    expect(
      (await catena(['export', 'series', '--db', db.url, '--chain', 'CU001:A', '--out', fromSource])).code,
    ).toBe(0);
    expect(
      (await catena(['export', 'series', '--db', `sqlite:${file}`, '--chain', 'CU001:A', '--out', fromSnap]))
        .code,
    ).toBe(0);
    expect(readFileSync(fromSnap, 'utf8')).toBe(readFileSync(fromSource, 'utf8'));
    const snap = await openStore(`sqlite:${file}`, { requireSchema: true });
    try {
      expect((await snap.listChains()).map((c) => c.chain)).toEqual(['A']);
    } finally {
      await snap.close();
    }
  });

  it('mistakes end with one sentence and no stack trace', async () => {
    const unknown = await catena([
      'export',
      'series',
      '--db',
      db.url,
      '--chain',
      'NOPE:Z',
      '--out',
      join(tmp, 'x.csv'),
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/NOPE-Z is not in active_stations/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const kind = await catena([
      'export',
      'profiles',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--out',
      join(tmp, 'x.csv'),
    ]);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toMatch(/a profiles export needs a date: pass --at/);
    const unknownKind = await catena([
      'export',
      'shapes',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--out',
      join(tmp, 'x.csv'),
    ]);
    expect(unknownKind.code).not.toBe(0);
    expect(unknownKind.stderr).toMatch(/series, profiles, events, runs/);
    const snap = await catena(['snapshot', '--db', db.url, '--out', join(tmp, 'y.db'), '--chain', 'NOPE:Z']);
    expect(snap.code).not.toBe(0);
    expect(snap.stderr).toMatch(/NOPE-Z is not in active_stations/);
  });
});
