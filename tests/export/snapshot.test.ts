/**
 * Snapshots from a real source (a SQLite file and MariaDB) into a new SQLite
 * file: every copied table equals its source (the columns the Store port
 * cannot carry over aside: ids, and the times of the copy), a second pass
 * copies only what is new, a re-elaboration in the source is picked up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { chainRuns } from '../../src/core/export/export.ts';
import { SNAPSHOT_LAUNCH_PREFIX, takeSnapshot } from '../../src/core/export/snapshot.ts';
import { type CatenaStore, openStore } from '../../src/core/store/open.ts';
import type { Store } from '../../src/core/store/port.ts';
import { concatRaw, plain, rawGrid, STEP, T0 } from '../store/fixtures.ts';
import { END } from '../store/suite.ts';
import { DIALECTS, type Opened, removeTmp, sqliteSql, tmpFile } from '../store/targets.ts';
import { A, A_NODES, B, C, rowsOf, seed, writeRun } from './seed.ts';

async function rawOf(store: Store, key: ChainKey, from: number | null = null, to: number | null = null) {
  const chunks: RawColumns[] = [];
  for await (const c of store.readRaw({ ...key, from, to })) chunks.push(c);
  return plain(concatRaw(chunks));
}

interface Span {
  from?: number | null;
  to?: number | null;
  withRaw?: boolean;
}

/** Every copied table of `key`, through the port, in the source and in the snapshot. */
async function expectSameChain(source: Store, snap: Store, key: ChainKey, span: Span = {}): Promise<void> {
  const from = span.from ?? null;
  const to = span.to ?? null;
  // active_stations, rsn_nodes, rsn_thresholds (ids are assigned by the snapshot)
  const a = (await source.readChainSetup(key))!;
  const b = (await snap.readChainSetup(key))!;
  expect(b.station).toEqual(a.station);
  expect(b.nodes).toEqual(a.nodes);
  const noId = (t: (typeof a.thresholds)[number]) => ({ ...t, id: 0 });
  expect(b.thresholds.map(noId)).toEqual(a.thresholds.map(noId));
  // elaborated_rsn_data, every column but runId (not in the port)
  const rowsA = await source.readElaborated({ ...key, from, to });
  const rowsB = await snap.readElaborated({ ...key, from, to });
  expect(rowsA.length).toBeGreaterThan(0);
  expect(plain(rowsB)).toEqual(plain(rowsA));
  // rsn_alarm_events with notifications and acknowledgements (runId and createdAt are the copy's)
  const ev = async (s: Store) =>
    (await s.listEvents({ key, from, to, limit: 100_000 })).map(({ runId: _r, createdAt: _c, ...e }) => e);
  expect(await ev(snap)).toEqual(await ev(source));
  // catena_runs, the snapshot's own passes aside (ids and times are the copy's)
  const runs = async (s: Store) =>
    (await chainRuns(s, key, null, null))
      .filter((r) => !r.launchId.startsWith(SNAPSHOT_LAUNCH_PREFIX))
      .map(
        ({
          runId: _id,
          startedAt: _s,
          endedAt: _e,
          heartbeatAt: _h,
          committedTo: _c,
          resumesRunId: _r,
          ...r
        }) => r,
      );
  expect(await runs(snap)).toEqual(await runs(source));
  if (span.withRaw) expect(await rawOf(snap, key, from, to)).toEqual(await rawOf(source, key, from, to));
}

describe.each(DIALECTS)('snapshot of $name', (target) => {
  let db: Opened;
  beforeAll(async () => {
    if (!target.available) return;
    db = await target.create();
    await seed(db.store);
    await db.store.writeRaw(A, rawGrid(30, A_NODES));
  });
  afterAll(async () => {
    await db?.drop();
    removeTmp();
  });

  async function openSnapshot(path: string): Promise<CatenaStore> {
    return openStore(`sqlite:${path}`, { migrate: true });
  }

  it.skipIf(!target.available)(
    'copies every table of the chosen chains; a second pass copies only what is new',
    async () => {
      const path = tmpFile('snapshot');
      const snap = await openSnapshot(path);
      try {
        const steps = new Set<string>();
        const first = await takeSnapshot(db.store, snap, {
          chains: [A, B],
          withRaw: true,
          pageRows: 64,
          onProgress: (p) => steps.add(p.step),
        });
        expect([...steps].sort()).toEqual(['configuration', 'elaborated', 'events', 'raw', 'runs']);
        await expectSameChain(db.store, snap, A, { withRaw: true });
        await expectSameChain(db.store, snap, B);
        // C was not chosen
        expect(await snap.readChainSetup(C)).toBeNull();
        expect((await snap.listChains()).map((c) => `${c.controlUnitCode}-${c.chain}`)).toEqual([
          'CU001-A',
          'CU002-B',
        ]);
        const a1 = first.chains.find((c) => c.chain === 'A')!;
        expect(a1.elaboratedRows).toBe(
          (await db.store.readElaborated({ ...A, from: null, to: null })).length,
        );
        expect(a1.runsCopied).toBe(1);
        expect(a1.rawRows).toBe(30 * A_NODES.length);
        // Each pass is a run of the snapshot saying where it came from.
        const passes = (await snap.listRuns({ key: A })).filter((r) =>
          r.launchId.startsWith(SNAPSHOT_LAUNCH_PREFIX),
        );
        expect(passes).toHaveLength(1);
        expect(passes[0]!.host).toBe(`snapshot of ${db.store.info.location}`);
        expect(passes[0]!.status).toBe('succeeded');

        // Nothing new: nothing copied but the (small) events and configuration.
        const idle = await takeSnapshot(db.store, snap, { chains: [A, B], withRaw: true });
        expect(idle.chains.map((c) => [c.elaboratedRows, c.runsCopied, c.rawRows])).toEqual([
          [0, 0, 0],
          [0, 0, 0],
        ]);

        // New rows, a new acknowledgement and new raw rows in the source.
        await writeRun(db.store, A, rowsOf(A_NODES, 300, 50), [], 'launch-2');
        await db.store.acknowledgeEvents({ key: A, by: 'Verdi', note: 'all seen', at: T0 + 400_000 });
        await db.store.writeRaw(A, rawGrid(10, A_NODES, T0 + 30 * STEP));
        const second = await takeSnapshot(db.store, snap, { chains: [A, B], withRaw: true, pageRows: 64 });
        const a2 = second.chains.find((c) => c.chain === 'A')!;
        expect(a2).toMatchObject({
          elaboratedRows: 50 * A_NODES.length,
          runsCopied: 1,
          rawRows: 10 * A_NODES.length,
        });
        expect(a2.elaboratedFrom).toBe(T0 + 299 * STEP + 1);
        await expectSameChain(db.store, snap, A, { withRaw: true });
        await expectSameChain(db.store, snap, B);

        // A range re-elaboration of older rows in the source: copied again from its span's start.
        const changed = rowsOf(A_NODES, 20, 10);
        for (let i = 0; i < changed.length; i++) changed.cumR[i] = 1000 + i;
        await writeRun(db.store, A, changed, [], 'launch-3');
        const third = await takeSnapshot(db.store, snap, { chains: [A] });
        expect(third.chains[0]!.elaboratedFrom).toBe(T0 + 20 * STEP);
        await expectSameChain(db.store, snap, A, { withRaw: true });
      } finally {
        await snap.close();
      }
      // The file stands alone: its tables are there for another program.
      const sql = sqliteSql(path);
      try {
        const count = async (table: string) =>
          Number((await sql.rows(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
        const source = async (table: string) =>
          Number(
            (
              await db.sql.rows(
                `SELECT COUNT(*) AS n FROM ${table} WHERE controlUnitCode IN ('CU001', 'CU002') AND chain IN ('A', 'B')`,
              )
            )[0]!.n,
          );
        for (const table of [
          'active_stations',
          'rsn_nodes',
          'rsn_thresholds',
          'elaborated_rsn_data',
          'rsn_alarm_events',
          'raw_rsn_data',
        ]) {
          expect([table, await count(table)]).toEqual([table, await source(table)]);
        }
      } finally {
        await sql.close();
      }
    },
  );

  it.skipIf(!target.available)('--from/--to: only that span of rows, events and raw readings', async () => {
    const path = tmpFile('snapshot-span');
    const snap = await openSnapshot(path);
    try {
      const from = T0 + 40 * STEP;
      const to = T0 + 200 * STEP;
      await takeSnapshot(db.store, snap, { chains: [A], from, to, withRaw: true });
      await expectSameChain(db.store, snap, A, { from, to, withRaw: true });
      const all = await snap.readElaborated({ ...A, from: null, to: null });
      expect(all.timestamp[0]).toBe(from);
      expect(all.timestamp[all.length - 1]).toBe(to);
    } finally {
      await snap.close();
    }
  });

  it.skipIf(!target.available)(
    'a pass cancelled midway leaves what it copied; the next goes on and ends equal',
    async () => {
      const path = tmpFile('snapshot-cancel');
      const snap = await openSnapshot(path);
      try {
        const controller = new AbortController();
        const cancelled = takeSnapshot(db.store, snap, {
          chains: [A],
          pageRows: 40,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.step === 'elaborated' && p.rows >= 200) controller.abort(new Error('stop'));
          },
        });
        await expect(cancelled).rejects.toThrow('stop');
        const partial = await snap.readElaborated({ ...A, from: null, to: null });
        expect(partial.length).toBeGreaterThanOrEqual(200);
        expect(partial.length).toBeLessThan(
          (await db.store.readElaborated({ ...A, from: null, to: null })).length,
        );
        const passes = (await snap.listRuns({ key: A })).filter((r) =>
          r.launchId.startsWith(SNAPSHOT_LAUNCH_PREFIX),
        );
        expect(passes.map((r) => r.status)).toEqual(['cancelled']);
        const next = await takeSnapshot(db.store, snap, { chains: [A], pageRows: 40 });
        // The cancelled pass had not recorded the source's runs yet: their spans (from T0) are copied again.
        expect(next.chains[0]!.elaboratedFrom).toBe(T0);
        expect(next.chains[0]!.runsCopied).toBeGreaterThan(0);
        await expectSameChain(db.store, snap, A);
      } finally {
        await snap.close();
      }
    },
  );

  it.skipIf(!target.available)(
    'a source run still running at one pass is read again at the next',
    async () => {
      const path = tmpFile('snapshot-running');
      const snap = await openSnapshot(path);
      try {
        await takeSnapshot(db.store, snap, { chains: [B] });
        // A range run re-elaborating B's first rows: half written at the next pass, then finished.
        const runId = await db.store.startRun({
          ...B,
          launchId: 'launch-running',
          mode: 'range',
          spanFrom: T0,
          spanTo: T0 + 19 * STEP,
          host: 'h',
        });
        const rewrite = (first: number) => {
          const rows = rowsOf([1, 2], first, 10);
          for (let i = 0; i < rows.length; i++) rows.cumR[i] = 700 + first + i;
          return rows;
        };
        const write = (first: number) =>
          db.store.writeChunk({ ...B, runId, rows: rewrite(first), eventsFrom: 1, eventsTo: 0, events: [] });
        await write(0);
        const during = await takeSnapshot(db.store, snap, { chains: [B] });
        expect(during.chains[0]).toMatchObject({ elaboratedFrom: T0, runsCopied: 1 });
        expect((await snap.listRuns({ key: B })).find((r) => r.launchId === 'launch-running')?.status).toBe(
          'running',
        );
        await write(10);
        await db.store.endRun(runId, { ...END, rowsWritten: 40 });
        const after = await takeSnapshot(db.store, snap, { chains: [B] });
        expect(after.chains[0]).toMatchObject({ elaboratedFrom: T0, runsCopied: 0 });
        await expectSameChain(db.store, snap, B);
        // Ended in the snapshot too: the next pass has nothing to re-read.
        const idle = await takeSnapshot(db.store, snap, { chains: [B] });
        expect(idle.chains[0]!.elaboratedRows).toBe(0);
      } finally {
        await snap.close();
      }
    },
  );

  it.skipIf(!target.available)('an unknown chain fails before anything is written', async () => {
    const path = tmpFile('snapshot-none');
    const snap = await openSnapshot(path);
    try {
      await expect(
        takeSnapshot(db.store, snap, { chains: [{ controlUnitCode: 'NOPE', chain: 'Z' }] }),
      ).rejects.toThrow(/NOPE-Z is not in active_stations/);
      expect(await snap.listChains()).toEqual([]);
    } finally {
      await snap.close();
    }
  });
});
