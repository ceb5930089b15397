/**
 * Chain exclusion and run bookkeeping through whole launches, on both
 * databases: a run that loses its lock stops and is recorded as failed, a
 * chain named in another case runs on its stored key (or is refused where
 * the database tells the keys apart), every chain of a launch gets a run
 * row, and a running run carries a heartbeat, its configuration fingerprint
 * and how far it committed.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainResult, LaunchRequest } from '../../src/core/engine/events.ts';
import type { Store } from '../../src/core/store/port.ts';
import { DIALECTS, type Opened, removeTmp } from '../store/targets.ts';
import { node, raw, station } from '../support/fixture.ts';

afterAll(removeTmp);

const KEY: ChainKey = { controlUnitCode: 'CU960', chain: 'B' };
const NODES = [1, 2, 3];

async function seed(store: Store, timestamps = 600): Promise<void> {
  await store.upsertStation(station(KEY));
  await store.replaceChainConfig(
    KEY,
    NODES.map((n) => node(KEY, n)),
    [],
  );
  await store.writeRaw(KEY, raw(NODES, timestamps));
}

async function launch(
  store: Store,
  request: LaunchRequest,
  afterWrite?: (writes: number) => Promise<void>,
): Promise<ChainResult[]> {
  // The real store, its writeChunk observed (not replaced) to act between commits.
  let writes = 0;
  const observed = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'writeChunk' || !afterWrite)
        return typeof value === 'function' ? value.bind(target) : value;
      return async (chunk: Parameters<Store['writeChunk']>[0]) => {
        const written = await target.writeChunk(chunk);
        await afterWrite(++writes);
        return written;
      };
    },
  });
  const engine = new Engine({ store: observed, threads: 1, tuning: { chunkCells: 300, writeRows: 150 } });
  try {
    const l = await engine.launch(request);
    return (await l.done).results;
  } finally {
    await engine.close();
  }
}

for (const target of DIALECTS) {
  describe.runIf(target.available)(`chain exclusion and run bookkeeping on ${target.name}`, () => {
    let db: Opened;
    beforeEach(async () => {
      db = await target.create({ migrate: true });
      await seed(db.store);
      return () => db.drop();
    });

    it('a run whose lock is taken from it stops at its next write, failed with CHAIN_LOCK_LOST; what it committed is a prefix', async () => {
      const [result] = await launch(db.store, { chains: [KEY], mode: 'full' }, async (writes) => {
        // Another holder's takeover, as after an expired lease: the row is no longer this run's.
        if (writes === 2) await db.sql.exec("UPDATE catena_chain_locks SET token = 'someone-else'");
      });
      expect(result!.status).toBe('failed');
      expect(result!.errorCode).toBe('CHAIN_LOCK_LOST');
      expect(result!.message).toMatch(/lost its lock/);
      expect(result!.timestamps).toBe(100);
      const [run] = await db.store.listRuns({ key: KEY });
      expect(run).toMatchObject({ status: 'failed', errorCode: 'CHAIN_LOCK_LOST' });
      const rows = await db.store.readElaborated({ ...KEY, from: null, to: null });
      expect(rows.length).toBe(100 * NODES.length);
    });

    it('a running run records its heartbeat, configuration fingerprint and committed time; they stay after it ends', async () => {
      let seen: Record<string, unknown> | undefined;
      const [result] = await launch(db.store, { chains: [KEY], mode: 'full' }, async (writes) => {
        if (writes !== 3) return;
        // The job records its state on its own schedule; read what another workstation would see.
        await new Promise((resolve) => setTimeout(resolve, 50));
        [seen] = await db.sql.rows('SELECT status, heartbeatAt, configFingerprint FROM catena_runs');
      });
      expect(result!.status).toBe('succeeded');
      expect(seen).toMatchObject({ status: 'running' });
      expect(seen!.heartbeatAt).not.toBeNull();
      const [row] = await db.sql.rows('SELECT status, committedTo, configFingerprint FROM catena_runs');
      expect(row!.status).toBe('succeeded');
      expect(String(row!.configFingerprint)).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.committedTo).not.toBeNull();
      expect(await db.store.lastElaboratedAt(KEY)).not.toBeNull();
    });

    it('the fingerprint changes with the calibration, and not otherwise', async () => {
      await launch(db.store, { chains: [KEY], mode: 'incremental' });
      await launch(db.store, { chains: [KEY], mode: 'full' });
      await db.store.replaceChainConfig(
        KEY,
        NODES.map((n) => ({ ...node(KEY, n), offsetX: n === 2 ? 7 : node(KEY, n).offsetX })),
        [],
      );
      await launch(db.store, { chains: [KEY], mode: 'full' });
      const prints = (await db.sql.rows('SELECT configFingerprint FROM catena_runs ORDER BY runId')).map(
        (r) => r.configFingerprint,
      );
      expect(prints).toHaveLength(3);
      expect(prints[0]).toBe(prints[1]);
      expect(prints[2]).not.toBe(prints[1]);
    });

    it('every chain of a launch gets a run row, also one that is not in active_stations', async () => {
      const missing = { controlUnitCode: 'CU404', chain: 'Z' };
      const results = await launch(db.store, { chains: [KEY, missing], mode: 'full' });
      expect(results.map((r) => [r.chain, r.status, r.errorCode])).toEqual([
        ['B', 'succeeded', null],
        ['Z', 'failed', 'CHAIN_NOT_FOUND'],
      ]);
      const [run] = await db.store.listRuns({ key: missing });
      expect(run).toMatchObject({ status: 'failed', errorCode: 'CHAIN_NOT_FOUND' });
    });

    it('a chain cancelled while it waited for its turn still gets its run row, cancelled', async () => {
      const other = { controlUnitCode: 'CU960', chain: 'C' };
      await db.store.upsertStation(station(other));
      await db.store.replaceChainConfig(other, [node(other, 1)], []);
      await db.store.writeRaw(other, raw([1], 50));
      const engine = new Engine({ store: db.store, threads: 1 });
      try {
        const l = await engine.launch({ chains: [KEY, other], mode: 'full', concurrency: 1 });
        engine.cancel(l.launchId);
        const results = (await l.done).results;
        expect(results.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
        expect(results.every((r) => r.runId !== null)).toBe(true);
        for (const key of [KEY, other]) {
          expect((await db.store.listRuns({ key }))[0]).toMatchObject({
            status: 'cancelled',
            launchId: l.launchId,
          });
        }
      } finally {
        await engine.close();
      }
    });

    it('a chain named in another letter case runs on the key the database stores, or is refused where case matters', async () => {
      const lower = { controlUnitCode: 'CU960', chain: 'b' };
      const results = await launch(db.store, { chains: [lower, KEY], mode: 'full' });
      if (target.dialect === 'mysql') {
        // case-insensitive collation: `b` is chain B, and the launch holds it once
        expect(results.map((r) => [r.chain, r.status])).toEqual([['B', 'succeeded']]);
      } else {
        expect(results.map((r) => [r.chain, r.status, r.errorCode])).toEqual([
          ['b', 'failed', 'CHAIN_NOT_FOUND'],
          ['B', 'succeeded', null],
        ]);
      }
      const keys = await db.sql.rows('SELECT DISTINCT chain FROM elaborated_rsn_data');
      expect(keys.map((r) => r.chain)).toEqual(['B']);
    });
  });
}
