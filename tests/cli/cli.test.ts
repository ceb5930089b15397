/**
 * The CLI as an operator runs it: a real process, real databases. Expected
 * failures end with a sentence on stderr and a non-zero exit code, never a
 * stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, MARIADB_URL, mariadbAvailable } from '../support/mariadb.ts';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'catena-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function catena(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'catena.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CATENA_HOME: join(tmp, 'home'), ...env },
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectCleanFailure(r: { code: number | null; stderr: string }, message: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('catena on SQLite', () => {
  const db = `sqlite:${join(tmp, 'demo.db')}`;

  it('demo creates the site and stations lists the 6 chains with raw counts and spans', () => {
    const demo = catena(['demo', '--db', db]);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/6 chains/);
    const r = catena(['stations', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const chains = JSON.parse(r.stdout) as {
      controlUnitCode: string;
      rawRowCount: number;
      firstRawAt: string;
      lastRawAt: string;
      nodeCount: number;
    }[];
    expect(chains).toHaveLength(6);
    expect(new Set(chains.map((c) => c.controlUnitCode))).toEqual(new Set(['CU001', 'CU002', 'CU003']));
    for (const c of chains) {
      expect(c.rawRowCount).toBeGreaterThan(0);
      expect(c.firstRawAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Date.parse(c.lastRawAt) - Date.parse(c.firstRawAt)).toBeGreaterThan(59 * 86400_000);
      expect(c.nodeCount).toBeGreaterThanOrEqual(8);
      expect(c.nodeCount).toBeLessThanOrEqual(50);
    }
  });

  it('CATENA_DB stands in for --db, and the table output names every chain', () => {
    const r = catena(['stations'], { CATENA_DB: db });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^CU00\d-[A-Z]/gm)).toHaveLength(6);
  });

  it('elaborate --all --json reports every chain and exits 0', () => {
    const r = catena(['elaborate', '--db', db, '--all', '--mode', 'full', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; chains: { status: string; rowsWritten: number }[] };
    expect(doc.ok).toBe(true);
    expect(doc.chains.length).toBeGreaterThan(0);
    expect(doc.chains.every((c) => c.status === 'succeeded' && c.rowsWritten > 0)).toBe(true);
  });

  it('elaborate prints a ✅/❌ report and exits non-zero when a chain failed', () => {
    const r = catena(['elaborate', '--db', db, '--chain', 'CU001:A', '--chain', 'CU404:Q']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✅ CU001-A/);
    expect(r.stdout).toMatch(/❌ CU404-Q .*not in active_stations/);
  });

  it('notify add, list, test and remove manage the rules of the database', () => {
    const add = catena([
      'notify',
      'add',
      '--db',
      db,
      '--webhook',
      'http://127.0.0.1:9/hook',
      '--min-level',
      '2',
      '--chain',
      'CU001:A',
      '--metric',
      'tilt_deg',
    ]);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const id = Number(/added rule (\d+)/.exec(add.stdout)![1]);
    expect(catena(['notify', 'add', '--db', db, '--email', 'ops@example.com']).code).toBe(0);
    const list = catena(['notify', 'list', '--db', db, '--json']);
    expect(list.code).toBe(0);
    const rules = JSON.parse(list.stdout) as {
      id: number;
      channel: string;
      chain: string | null;
      minLevel: number;
      metric: string | null;
    }[];
    expect(rules.find((r) => r.id === id)).toMatchObject({
      channel: 'webhook',
      chain: 'A',
      minLevel: 2,
      metric: 'tilt_deg',
    });
    expect(rules.find((r) => r.channel === 'email')).toMatchObject({
      chain: null,
      minLevel: 1,
      metric: null,
    });
    // nothing listens on port 9: the test fails with a sentence, no stack
    expectCleanFailure(
      catena(['notify', 'test', String(id), '--db', db]),
      /not delivered: POST http:\/\/127\.0\.0\.1:9\/hook/,
    );
    expectCleanFailure(
      catena(['notify', 'add', '--db', db]),
      /exactly one of --email ADDR and --webhook URL/,
    );
    expectCleanFailure(
      catena(['notify', 'add', '--db', db, '--email', 'x', '--min-level', '-1']),
      /not a level/,
    );
    for (const r of rules) expect(catena(['notify', 'remove', String(r.id), '--db', db]).code).toBe(0);
    expectCleanFailure(catena(['notify', 'remove', String(id), '--db', db]), /no rule/);
    expect(catena(['notify', 'list', '--db', db]).stdout).toBe('no notification rules\n');
  });

  it('bad arguments get a clear message', () => {
    expectCleanFailure(catena(['elaborate', '--db', db]), /--chain CU001:A, or pass --all/);
    expectCleanFailure(
      catena(['elaborate', '--db', db, '--all', '--mode', 'range']),
      /needs --from and --to/,
    );
    expectCleanFailure(catena(['elaborate', '--db', db, '--all', '--from', 'yesterday']), /not a time/);
    expectCleanFailure(catena(['stations']), /no database given/);
    expectCleanFailure(catena(['stations', '--db', 'postgres://x']), /./);
  });

  it('a file that is not a database gets a clear message', () => {
    expectCleanFailure(catena(['stations', '--db', `sqlite:${join(root, 'package.json')}`]), /./);
  });
});

describe.runIf(mariadbAvailable)('catena on MariaDB', () => {
  it('migrate adds only what is missing on a legacy database, then stations lists its chains', async () => {
    const db = await createTestDatabase('catena_cli');
    try {
      const mysql = (await import('mysql2/promise')).default;
      const conn = await mysql.createConnection({ uri: db.url });
      // The four input tables as another program made them (without the optional columns).
      await conn.query(`CREATE TABLE active_stations (controlUnitCode VARCHAR(32) NOT NULL, chain VARCHAR(16) NOT NULL,
        siteName VARCHAR(128) NULL, active TINYINT(1) DEFAULT 1, PRIMARY KEY (controlUnitCode, chain))`);
      await conn.query(`CREATE TABLE rsn_nodes (controlUnitCode VARCHAR(32) NOT NULL, chain VARCHAR(16) NOT NULL, nodeIndex INT NOT NULL,
        depthM DOUBLE, lengthMm DOUBLE DEFAULT 1000, offsetX DOUBLE, gainX DOUBLE, offsetY DOUBLE, gainY DOUBLE,
        offsetZ DOUBLE NULL, gainZ DOUBLE NULL, tempOffset DOUBLE, tempGain DOUBLE, tempCoeffX DOUBLE DEFAULT 0,
        tempCoeffY DOUBLE DEFAULT 0, tempRef DOUBLE DEFAULT 20, fullScaleCounts DOUBLE DEFAULT 32767, enabled TINYINT(1) DEFAULT 1,
        PRIMARY KEY (controlUnitCode, chain, nodeIndex))`);
      await conn.query(`CREATE TABLE raw_rsn_data (controlUnitCode VARCHAR(32) NOT NULL, chain VARCHAR(16) NOT NULL, timestamp DATETIME NOT NULL,
        nodeIndex INT NOT NULL, rawX DOUBLE NULL, rawY DOUBLE NULL, rawZ DOUBLE NULL, rawT DOUBLE NULL, errorCode INT NULL,
        PRIMARY KEY (controlUnitCode, chain, timestamp, nodeIndex))`);
      await conn.query(`CREATE TABLE rsn_thresholds (id INT AUTO_INCREMENT PRIMARY KEY, controlUnitCode VARCHAR(32), chain VARCHAR(16),
        nodeIndex INT NULL, metric VARCHAR(32), level INT, value DOUBLE)`);
      await conn.query(`INSERT INTO active_stations VALUES ('CU077','A','Legacy site',1)`);
      await conn.query(`INSERT INTO rsn_nodes (controlUnitCode, chain, nodeIndex, depthM, offsetX, gainX, offsetY, gainY, tempOffset, tempGain)
        VALUES ('CU077','A',1,1,0,0.00006,0,0.00006,-40,0.01)`);
      await conn.query(`INSERT INTO raw_rsn_data VALUES ('CU077','A','2026-10-01 00:00:00',1,10,20,NULL,5000,0),
        ('CU077','A','2026-10-01 00:30:00',1,11,21,NULL,5001,NULL)`);
      const r = catena(['migrate', '--db', db.url]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/applied/);
      const [rows] = await conn.query('SELECT * FROM raw_rsn_data ORDER BY timestamp');
      expect(rows).toHaveLength(2);
      const again = catena(['migrate', '--db', db.url]);
      expect(again.stdout).toMatch(/up to date/);
      const s = catena(['stations', '--db', db.url, '--json']);
      expect(s.code, s.stderr).toBe(0);
      const chains = JSON.parse(s.stdout) as {
        controlUnitCode: string;
        rawRowCount: number;
        lastRawAt: string;
      }[];
      expect(chains).toEqual([
        expect.objectContaining({
          controlUnitCode: 'CU077',
          rawRowCount: 2,
          lastRawAt: '2026-10-01T00:30:00Z',
        }),
      ]);
      await conn.end();
    } finally {
      await db.drop();
    }
  });

  it('bad connections get their clear messages', () => {
    const base = new URL(MARIADB_URL);
    const with_ = (patch: (u: URL) => void) => {
      const u = new URL(base);
      patch(u);
      return u.toString();
    };
    expectCleanFailure(
      catena([
        'stations',
        '--db',
        with_((u) => {
          u.hostname = 'nohost.invalid';
        }),
      ]),
      /host/i,
    );
    expectCleanFailure(
      catena([
        'stations',
        '--db',
        with_((u) => {
          u.port = '1';
        }),
      ]),
      /refused/i,
    );
    expectCleanFailure(
      catena([
        'stations',
        '--db',
        with_((u) => {
          u.pathname = '/no_such_db_catena';
        }),
      ]),
      /database/i,
    );
    expectCleanFailure(
      catena([
        'stations',
        '--db',
        with_((u) => {
          u.username = 'nobody_catena';
          u.password = 'x';
        }),
      ]),
      /password|access/i,
    );
  });
});
