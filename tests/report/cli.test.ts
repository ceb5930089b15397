/**
 * `catena report` as an operator runs it: a real process on a MariaDB source
 * (SQLite when no server), the PDF on disk, one sentence for each mistake.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../export/seed.ts';
import { MYSQL, type Opened, SQLITE } from '../store/targets.ts';
import { runCatena } from '../support/cli.ts';
import { pdfPageCount, pdfText } from './pdf-text.ts';

const tmp = mkdtempSync(join(tmpdir(), 'catena-report-cli-'));

const catena = (args: string[]) => runCatena(args, join(tmp, 'home'));

/** the sentence the command ends with (progress lines come before it) */
const lastLine = (text: string) => text.trim().split('\n').at(-1);

const target = MYSQL.available ? MYSQL : SQLITE;

describe(`catena report (source: ${target.name})`, () => {
  let db: Opened;
  beforeAll(async () => {
    db = await target.create();
    await seed(db.store);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the PDF, with progress and a summary on stderr', async () => {
    const out = join(tmp, 'out', 'a.pdf');
    const r = await catena([
      'report',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02T12:00:00Z',
      '--dates',
      '2026-01-01T06:00:00Z,2026-01-02',
      '--node',
      '2',
      '--node',
      '4',
      '--out',
      out,
    ]);
    expect(r.stderr).toContain('report CU001-A: profile at 2026-01-01 06:00 UTC');
    expect(r.stderr).toMatch(
      /report of CU001-A from 2026-01-01T00:00:00Z to 2026-01-02T12:00:00Z: \d+ pages, \d+ alarm events, \d+ bytes written to .*a\.pdf in [\d.]+ s/,
    );
    expect(r.code).toBe(0);
    const pdf = readFileSync(out);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(3);
    // nothing left beside it
    expect(readdirSync(join(tmp, 'out'))).toEqual(['a.pdf']);
  });

  it('--lang it writes the report in Italian: headings, table titles, decimal comma; English by default', async () => {
    const args = (out: string) => [
      'report',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--node',
      '2',
      '--out',
      out,
    ];
    const it = join(tmp, 'it.pdf');
    expect((await catena([...args(it), '--lang', 'it'])).code).toBe(0);
    const text = pdfText(readFileSync(it));
    for (const heading of [
      'CATENA  ·  RAPPORTO DELLA CATENA',
      'Profili di spostamento cumulato',
      'Profili di spostamento incrementale',
      'Serie temporali',
      'Eventi di allarme',
      'Qualità dei dati',
      'Parametri usati',
      'pagina 1 di',
      'fuso orario del sito',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).not.toContain('Cumulative displacement profiles');
    // numbers with a decimal comma: the summary's largest displacement, e.g. "1,23 mm"
    expect(text).toMatch(/\d+,\d\d mm/);
    expect(text).not.toMatch(/\d+\.\d\d mm/);

    const en = join(tmp, 'en.pdf');
    expect((await catena(args(en))).code).toBe(0); // LANG=C.UTF-8 here, no CATENA_LANG: English
    const english = pdfText(readFileSync(en));
    expect(english).toContain('Cumulative displacement profiles');
    expect(english).toContain('Parameters used');
    expect(english).not.toContain('Parametri usati');
  });

  it('an unknown --lang is refused with the languages there are', async () => {
    const r = await catena([
      'report',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--lang',
      'de',
      '--out',
      join(tmp, 'de.pdf'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('"de" is not a report language; give en or it');
  });

  it('an unknown chain: one sentence, exit 2, no file', async () => {
    const out = join(tmp, 'unknown.pdf');
    const r = await catena(['report', '--db', db.url, '--chain', 'CU404:Z', '--out', out]);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toBe(
      'catena: chain CU404-Z is not in active_stations; check the control unit code and the chain letter',
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('an empty period: one sentence, exit 2, an existing file left as it was', async () => {
    const out = join(tmp, 'kept.pdf');
    writeFileSync(out, 'previous');
    const r = await catena([
      'report',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--from',
      '2027-01-01',
      '--to',
      '2027-02-01',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toBe(
      'catena: chain CU001-A has no elaborated rows between 2027-01-01 00:00 UTC and 2027-02-01 00:00 UTC; choose another period',
    );
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });

  it('an unwritable file: one sentence before any work, exit 2', async () => {
    const blocker = join(tmp, 'a-file');
    writeFileSync(blocker, 'x');
    const out = join(blocker, 'report.pdf');
    const r = await catena(['report', '--db', db.url, '--chain', 'CU001:A', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `catena: cannot write ${out}: a part of its path is a file, not a folder; choose another --out\n`,
    );
  });

  it('a bad date or node is named', async () => {
    const out = join(tmp, 'bad.pdf');
    const dates = await catena([
      'report',
      '--db',
      db.url,
      '--chain',
      'CU001:A',
      '--dates',
      '2026-01-01,soon',
      '--out',
      out,
    ]);
    expect(dates.code).not.toBe(0);
    expect(dates.stderr).toContain('"soon" is not a time');
    const node = await catena(['report', '--db', db.url, '--chain', 'CU001:A', '--node', '99', '--out', out]);
    expect(node.code).toBe(2);
    expect(lastLine(node.stderr)).toBe('catena: chain CU001-A has no node 99; its nodes are 1, 2, 3, 4');
  });
});
