/**
 * A connection dropped in the middle of a write (the server killed it, a
 * network cut): the chain fails with a message the operator can act on,
 * nothing committed is lost, nothing half-written stays, and the next
 * incremental run resumes exactly where the committed prefix ends.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainResult, LaunchRequest } from '../../src/core/engine/events.ts';
import type { RetryPolicy } from '../../src/core/engine/retry.ts';
import { openStore } from '../../src/core/store/open.ts';
import type { Store } from '../../src/core/store/port.ts';
import { node, raw, STEP, station, T0 } from '../support/fixture.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const KEY: ChainKey = { controlUnitCode: 'CU950', chain: 'A' };
const NODES = [1, 2, 3, 4];
const TIMESTAMPS = 3000;
const NO_RETRY: RetryPolicy = { retries: 0, baseMs: 0, maxMs: 0 };

describe.runIf(mariadbAvailable)('a dropped connection during a run (MariaDB)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase('catena_drop');
    store = await openStore(db.url);
    await store.migrate();
    await store.upsertStation(station(KEY));
    await store.replaceChainConfig(
      KEY,
      NODES.map((n) => node(KEY, n)),
      [],
    );
    await store.writeRaw(
      KEY,
      raw(NODES, TIMESTAMPS, (i, n) => 200 + Math.sin(i / 50) * 100 + n),
    );
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  async function launch(
    request: LaunchRequest,
    during?: () => Promise<void>,
    retry?: RetryPolicy,
  ): Promise<ChainResult> {
    const engine = new Engine({
      store,
      threads: 1,
      tuning: { chunkCells: 2_000, writeRows: 400, readRows: 1_000 },
      retry,
    });
    try {
      const l = await engine.launch(request);
      const killing = during?.();
      const [result] = (await l.done).results;
      await killing;
      return result!;
    } finally {
      await engine.close();
    }
  }

  /**
   * Kills the server connection that is running a LOAD DATA of this database, once it shows (at most `times`).
   * A killed thread can stay in the process list for a moment (or end on its own before the KILL lands), so each
   * id is counted once and a thread that is already gone is not counted.
   */
  async function killWrites(times: number, waiting = false): Promise<number> {
    const admin = await mysql.createConnection({ uri: db.url });
    const killed = new Set<number>();
    try {
      const dbName = new URL(db.url).pathname.slice(1);
      for (let attempt = 0; attempt < 4000 && killed.size < times; attempt++) {
        const [rows] = await admin.query(
          "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'LOAD DATA%elaborated%' " +
            `AND ID <> CONNECTION_ID() AND COMMAND <> 'Killed' ${waiting ? "AND STATE LIKE '%lock%'" : ''}`,
          [dbName],
        );
        const id = (rows as { ID: number }[])
          .map((r) => Number(r.ID))
          .find((candidate) => !killed.has(candidate));
        if (id !== undefined) {
          if (await killConnection(admin, id)) killed.add(id);
          continue;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      return killed.size;
    } finally {
      await admin.end();
    }
  }

  /** True when this KILL ended the connection; false when it had already ended (ER_NO_SUCH_THREAD). */
  async function killConnection(admin: mysql.Connection, id: number): Promise<boolean> {
    try {
      await admin.query(`KILL CONNECTION ${id}`);
      return true;
    } catch (error) {
      if ((error as { errno?: number }).errno === 1094) return false;
      throw error;
    }
  }

  it('a write whose connection is killed once runs again on a fresh connection: the chain succeeds, as if undisturbed', async () => {
    const clean = await launch({ chains: [KEY], mode: 'full' });
    expect(clean.status).toBe('succeeded');
    const expected = await store.readElaborated({ ...KEY, from: null, to: null });
    let killed = 0;
    const disturbed = await launch({ chains: [KEY], mode: 'full' }, async () => {
      killed = await killWrites(1);
    });
    expect(killed).toBe(1);
    expect(disturbed.status, disturbed.message ?? '').toBe('succeeded');
    const actual = await store.readElaborated({ ...KEY, from: null, to: null });
    expect(actual.length).toBe(expected.length);
    for (const column of ['alphaX', 'cumX', 'velR', 'flags'] as const) {
      expect(Array.from(actual[column])).toEqual(Array.from(expected[column]));
    }
  });

  it('a write killed on every retry of its transaction, with no chain retry left, fails the chain with CONNECTION_LOST, keeps a whole-timestamp prefix, and incremental resumes exactly', async () => {
    await store.deleteChain(KEY);
    await store.upsertStation(station(KEY));
    await store.replaceChainConfig(
      KEY,
      NODES.map((n) => node(KEY, n)),
      [],
    );
    await store.writeRaw(
      KEY,
      raw(NODES, TIMESTAMPS, (i, n) => 200 + Math.sin(i / 50) * 100 + n),
    );
    let killed = 0;
    const broken = await launch(
      { chains: [KEY], mode: 'full' },
      async () => {
        // Once the run has committed something, hold the table so that its next write (and each retry) waits: kill them.
        while ((await store.lastElaboratedAt(KEY)) === null) await new Promise((r) => setTimeout(r, 2));
        const locker = await mysql.createConnection({ uri: db.url });
        try {
          await locker.query('LOCK TABLES elaborated_rsn_data WRITE');
          killed = await killWrites(3, true);
        } finally {
          await locker.query('UNLOCK TABLES');
          await locker.end();
        }
        // Without the chain's own retries (tests/faults shows them recovering): the failure and what it leaves.
      },
      NO_RETRY,
    );
    expect(killed).toBe(3);
    expect(broken.status).toBe('failed');
    expect(broken.errorCode).toBe('CONNECTION_LOST');
    expect(broken.message).toMatch(/connection/i);
    expect(broken.message).not.toMatch(/^\s*at /m);

    // What is committed is a prefix of whole timestamps.
    const partial = await store.readElaborated({ ...KEY, from: null, to: null });
    expect(partial.length % NODES.length).toBe(0);
    expect(partial.length).toBeLessThan(TIMESTAMPS * NODES.length);
    for (let r = 0; r < partial.length; r++) {
      expect(partial.timestamp[r]).toBe(T0 + Math.floor(r / NODES.length) * STEP);
    }

    const resumed = await launch({ chains: [KEY], mode: 'incremental' });
    expect(resumed.status, resumed.message ?? '').toBe('succeeded');
    expect(resumed.rowsWritten).toBe(TIMESTAMPS * NODES.length - partial.length);
    const afterResume = await store.readElaborated({ ...KEY, from: null, to: null });

    const full = await launch({ chains: [KEY], mode: 'full' });
    expect(full.status).toBe('succeeded');
    const afterFull = await store.readElaborated({ ...KEY, from: null, to: null });
    expect(afterResume.length).toBe(TIMESTAMPS * NODES.length);
    for (const column of ['alphaX', 'cumX', 'velR', 'flags'] as const) {
      expect(Array.from(afterResume[column])).toEqual(Array.from(afterFull[column]));
    }
  });
});
