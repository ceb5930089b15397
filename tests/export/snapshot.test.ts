/**
 * Snapshots from a real source (a SQLite file and MariaDB) into a new SQLite
 * file: every copied table equals its source, exactly (runs and events with
 * their ids and times, elaborated rows with their runId; only thresholds get
 * new ids), a second pass copies only what is new, a re-elaboration in the
 * source is picked up, and the file then opens read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { chainRuns } from '../../src/core/export/export.ts';
import { takeSnapshot } from '../../src/core/export/snapshot.ts';
import { chainDatum } from '../../src/core/store/datum.ts';
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
  expect(b.station.timeZone).toBe('Europe/Rome'); // the site's time zone (migration 009) is carried
  expect(b.nodes).toEqual(a.nodes);
  const noId = (t: (typeof a.thresholds)[number]) => ({ ...t, id: 0 });
  expect(b.thresholds.map(noId)).toEqual(a.thresholds.map(noId));
  // elaborated_rsn_data, every column, runId included
  const rowsA = await source.readElaborated({ ...key, from, to, withRunIds: true });
  const rowsB = await snap.readElaborated({ ...key, from, to, withRunIds: true });
  expect(rowsA.length).toBeGreaterThan(0);
  expect(rowsA.runId?.length).toBe(rowsA.length);
  expect(plain(rowsB)).toEqual(plain(rowsA));
  // rsn_alarm_events, every column: runId, createdAt, notification and acknowledgement
  const ev = (s: Store) => s.listEvents({ key, from, to, limit: 100_000 });
  const events = await ev(source);
  expect(await ev(snap)).toEqual(events);
  // catena_runs, every column: the same ids, times, status and counts
  expect(await chainRuns(snap, key, null, null)).toEqual(await chainRuns(source, key, null, null));
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
        // Each pass is recorded in the snapshot: where and when it was taken.
        const passes = await snap.listSnapshotPasses();
        expect(passes).toHaveLength(1);
        expect(passes[0]).toMatchObject({
          passId: first.passId,
          source: db.store.info.location,
          takenAt: first.takenAt,
          chains: 'CU001-A CU002-B',
          status: 'succeeded',
        });
        expect(await db.store.listSnapshotPasses()).toEqual([]);
        // The source's datum is kept: the snapshot's raw rows (here all of A's, none of B's) cannot give it.
        for (const key of [A, B]) {
          const datum = await chainDatum(db.store, (await db.store.readChainSetup(key))!);
          expect(await snap.snapshotDatum(key)).toBe(datum);
        }
        expect(await snap.snapshotDatum(C)).toBeUndefined();
        expect(await db.store.snapshotDatum(A)).toBeUndefined();

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
        expect((await snap.listSnapshotPasses()).map((p) => p.status)).toEqual(['cancelled']);
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

  it.skipIf(!target.available)(
    'a snapshot opens read-only: every write is refused with READ_ONLY, reads work, runs stay as taken',
    async () => {
      const path = tmpFile('snapshot-readonly');
      const writer = await openSnapshot(path);
      try {
        await takeSnapshot(db.store, writer, { chains: [A] });
      } finally {
        await writer.close();
      }
      const snap = await openStore(`sqlite:${path}`, { requireSchema: true, migrate: true });
      try {
        expect(snap.info.readOnly).toBe(true);
        expect((await snap.listSnapshotPasses())[0]!.source).toBe(db.store.info.location);
        await expectSameChain(db.store, snap, A);
        const readOnly =
          /offline snapshot, opened read-only: it cannot be changed by .*Connect to the monitoring database/;
        const refusals: [string, () => Promise<unknown>][] = [
          [
            'startRun',
            () =>
              snap.startRun({ ...A, launchId: 'x', mode: 'full', spanFrom: null, spanTo: null, host: 'h' }),
          ],
          ['lockChain', () => snap.lockChain(A, { runId: null, host: 'h' })],
          [
            'writeChunk',
            () =>
              snap.writeChunk({
                ...A,
                runId: 1,
                rows: rowsOf(A_NODES, 0, 1),
                eventsFrom: 1,
                eventsTo: 0,
                events: [],
              }),
          ],
          ['acknowledgeEvents', () => snap.acknowledgeEvents({ key: A, by: 'x', note: null, at: T0 })],
          ['upsertStation', async () => snap.upsertStation((await snap.readChainSetup(A))!.station)],
          ['deleteChain', () => snap.deleteChain(A)],
          [
            'addNotifyRule',
            () =>
              snap.addNotifyRule({
                controlUnitCode: null,
                chain: null,
                minLevel: 1,
                metric: null,
                channel: 'email',
                target: 'a@b.c',
              }),
          ],
          ['migrate', () => snap.migrate()],
          ['importRuns', () => snap.importRuns([])],
        ];
        for (const [name, attempt] of refusals) {
          await expect(attempt(), name).rejects.toMatchObject({
            code: 'READ_ONLY',
            message: expect.stringMatching(readOnly),
          });
        }
        // Nothing changed, and SQLite itself refuses writes on this connection.
        await expectSameChain(db.store, snap, A);
      } finally {
        await snap.close();
      }
      // The snapshot command itself may write to it (the next pass).
      const again = await openStore(`sqlite:${path}`, { migrate: true, snapshotWrites: true });
      try {
        expect(again.info.readOnly).toBeUndefined();
        await expect(takeSnapshot(db.store, again, { chains: [A] })).resolves.toMatchObject({
          chains: [{ elaboratedRows: 0 }],
        });
      } finally {
        await again.close();
      }
    },
  );

  it.skipIf(!target.available)('a file that is not a snapshot of this source is refused', async () => {
    const path = tmpFile('snapshot-foreign');
    const other = await openSnapshot(path);
    try {
      await other.startRun({ ...A, launchId: 'own', mode: 'full', spanFrom: null, spanTo: null, host: 'h' });
      await expect(takeSnapshot(db.store, other, { chains: [A] })).rejects.toThrow(
        /is a Catena database with runs of its own, not a snapshot; take the snapshot into a new file/,
      );
      expect(await other.readChainSetup(A)).toBeNull();
    } finally {
      await other.close();
    }
  });

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
