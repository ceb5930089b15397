/**
 * Cancel reaches the server: a write waiting for a table lock (held by
 * another program) is interrupted with KILL QUERY when the operator cancels,
 * instead of waiting out the lock timeout. The chain ends `cancelled` at
 * once, keeps what it committed, and its run row is not left running.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import { openStore } from '../../src/core/store/open.ts';
import type { Store } from '../../src/core/store/port.ts';
import { node, raw, station } from '../support/fixture.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const KEY: ChainKey = { controlUnitCode: 'CU990', chain: 'A' };
const NODES = [1, 2, 3, 4];

describe.runIf(mariadbAvailable)('cancelling a write that waits for a lock (MariaDB)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase('catena_killq');
    store = await openStore(db.url, { migrate: true });
    await store.upsertStation(station(KEY));
    await store.replaceChainConfig(
      KEY,
      NODES.map((n) => node(KEY, n)),
      [],
    );
    await store.writeRaw(KEY, raw(NODES, 3000));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('the waiting statement is killed at once: cancelled in well under the lock timeout', async () => {
    const engine = new Engine({ store, threads: 1, tuning: { chunkCells: 2_000, writeRows: 400 } });
    const locker = await mysql.createConnection({ uri: db.url });
    const admin = await mysql.createConnection({ uri: db.url });
    const name = new URL(db.url).pathname.slice(1);
    try {
      const launch = await engine.launch({ chains: [KEY], mode: 'full' });
      while ((await store.lastElaboratedAt(KEY)) === null) await new Promise((r) => setTimeout(r, 5));
      await locker.query('LOCK TABLES elaborated_rsn_data WRITE');
      // the run's next write now waits for the lock on the server
      const waiting = async () => {
        const [rows] = await admin.query(
          "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE '%lock%' AND INFO LIKE '%elaborated_rsn_data%' AND ID <> CONNECTION_ID()",
          [name],
        );
        return (rows as unknown[]).length;
      };
      while ((await waiting()) === 0) await new Promise((r) => setTimeout(r, 10));
      const cancelledAt = performance.now();
      engine.cancel(launch.launchId);
      const [result] = (await launch.done).results;
      const seconds = (performance.now() - cancelledAt) / 1000;
      expect(result!.status).toBe('cancelled');
      expect(seconds).toBeLessThan(5); // the lock wait would last lock_wait_timeout (60 s)
      expect(await waiting()).toBe(0);
      await locker.query('UNLOCK TABLES');
      const [run] = await store.listRuns({ key: KEY, limit: 1 });
      expect(run!.status).toBe('cancelled');
      // what it committed is a whole-timestamp prefix, and the next incremental run finishes the full run
      const second = new Engine({ store, threads: 1 });
      const [finished] = (await (await second.launch({ chains: [KEY], mode: 'incremental' })).done).results;
      await second.close();
      expect(finished!.status).toBe('succeeded');
      expect((await store.readElaborated({ ...KEY, from: null, to: null })).length).toBe(3000 * NODES.length);
    } finally {
      await locker.query('UNLOCK TABLES').catch(() => {});
      await locker.end();
      await admin.end();
      await engine.close();
    }
  });
});
