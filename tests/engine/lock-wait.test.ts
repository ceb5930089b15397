/**
 * A write kept waiting by a lock that another program holds is shown as
 * such: the chain's progress goes to phase `waiting` and says what it waits
 * for ("waiting for a lock on elaborated_rsn_data …"), then back to
 * `elaborating` once the lock is released — an operator sees why the bar
 * stopped, and the result is that of an undisturbed run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainProgressEvent } from '../../src/core/engine/events.ts';
import { describeLockWait } from '../../src/core/store/mysql/driver.ts';
import { openStore } from '../../src/core/store/open.ts';
import type { Store } from '../../src/core/store/port.ts';
import { node, raw, station } from '../support/fixture.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';
import { takeWriteLock } from '../support/sqlite-lock.ts';

const KEY: ChainKey = { controlUnitCode: 'CU991', chain: 'A' };
const NODES = [1, 2, 3, 4];
const TIMESTAMPS = 3000;
const HOLD_MS = 2_500;

async function fill(store: Store): Promise<void> {
  await store.upsertStation(station(KEY));
  await store.replaceChainConfig(
    KEY,
    NODES.map((n) => node(KEY, n)),
    [],
  );
  await store.writeRaw(KEY, raw(NODES, TIMESTAMPS));
}

/** A full launch during which `hold` takes a lock once the first batch is committed; its progress events. */
async function launchDisturbed(
  store: Store,
  hold: () => Promise<void>,
): Promise<{ phases: ChainProgressEvent[]; status: string; rows: number }> {
  const engine = new Engine({ store, threads: 1, tuning: { chunkCells: 2_000, writeRows: 400 } });
  const phases: ChainProgressEvent[] = [];
  const off = engine.onEvent((e) => {
    if (e.type === 'chain-progress') phases.push(e);
  });
  try {
    const launch = await engine.launch({ chains: [KEY], mode: 'full' });
    while ((await store.lastElaboratedAt(KEY)) === null) await new Promise((r) => setTimeout(r, 5));
    await hold();
    const [result] = (await launch.done).results;
    return { phases, status: result!.status, rows: result!.rowsWritten };
  } finally {
    off();
    await engine.close();
  }
}

function expectWaitingThenOn(phases: ChainProgressEvent[], reason: RegExp): void {
  const waiting = phases.findIndex((p) => p.phase === 'waiting');
  expect(waiting, 'a progress event in phase waiting').toBeGreaterThanOrEqual(0);
  expect(phases[waiting]!.waitingFor).toMatch(reason);
  const after = phases.slice(waiting + 1);
  expect(after.some((p) => p.phase === 'elaborating' && p.waitingFor === null)).toBe(true);
  // outside the wait nothing claims to wait
  expect(phases.filter((p) => p.phase !== 'waiting').every((p) => p.waitingFor === null)).toBe(true);
}

describe('the statement a write waits for', () => {
  it('names the table of our statements, and says so plainly when it cannot', () => {
    expect(describeLockWait("LOAD DATA LOCAL INFILE 'x' REPLACE INTO TABLE elaborated_rsn_data (a)")).toBe(
      'waiting for a lock on elaborated_rsn_data held by another connection',
    );
    expect(describeLockWait('DELETE FROM rsn_alarm_events WHERE 1')).toMatch(/lock on rsn_alarm_events/);
    expect(describeLockWait('UPDATE `catena_chain_locks` SET x = 1')).toMatch(/lock on catena_chain_locks/);
    expect(describeLockWait('')).toBe('waiting for a lock held by another connection');
  });
});

describe.runIf(mariadbAvailable)('a write waiting for a table lock (MariaDB)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase('catena_lockwait');
    store = await openStore(db.url, { migrate: true });
    await fill(store);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('goes to phase waiting, naming elaborated_rsn_data, and on when the lock is released', async () => {
    const locker = await mysql.createConnection({ uri: db.url });
    try {
      const run = await launchDisturbed(store, async () => {
        await locker.query('LOCK TABLES elaborated_rsn_data WRITE');
        await new Promise((r) => setTimeout(r, HOLD_MS));
        await locker.query('UNLOCK TABLES');
      });
      expect(run.status).toBe('succeeded');
      expect(run.rows).toBe(TIMESTAMPS * NODES.length);
      expectWaitingThenOn(
        run.phases,
        /^waiting for a lock on elaborated_rsn_data held by another connection$/,
      );
    } finally {
      await locker.end();
    }
  });

  it('names the table of a row lock too (INNODB_TRX): another transaction holding the run row', async () => {
    const locker = await mysql.createConnection({ uri: db.url });
    try {
      const run = await launchDisturbed(store, async () => {
        await locker.beginTransaction();
        await locker.query("SELECT * FROM catena_runs WHERE status = 'running' FOR UPDATE");
        await new Promise((r) => setTimeout(r, HOLD_MS));
        await locker.commit();
      });
      expect(run.status).toBe('succeeded');
      expectWaitingThenOn(run.phases, /^waiting for a lock on \w+ held by another connection$/);
      expect(run.phases.find((p) => p.phase === 'waiting')!.waitingFor).toMatch(/lock on catena_runs /);
    } finally {
      await locker.end();
    }
  });
});

describe('a write waiting for the SQLite file lock', () => {
  let dir: string;
  let path: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'catena-lockwait-'));
    path = join(dir, 'site.db');
    store = await openStore(`sqlite:${path}`, { migrate: true });
    await fill(store);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes to phase waiting, naming the file, and on when the other program commits', async () => {
    const other = new DatabaseSync(path);
    try {
      const run = await launchDisturbed(store, async () => {
        await takeWriteLock(other);
        await new Promise((r) => setTimeout(r, HOLD_MS));
        other.exec('COMMIT');
      });
      expect(run.status).toBe('succeeded');
      expect(run.rows).toBe(TIMESTAMPS * NODES.length);
      expectWaitingThenOn(run.phases, /^waiting for the write lock on .*site\.db held by another program$/);
    } finally {
      other.close();
    }
  });
});
