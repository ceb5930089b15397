/**
 * Findings of the fault probe (issue 7), on both databases: a future-dated
 * or implausibly old raw row, an interrupted full or range re-run, all as a
 * real operator would meet them. Each result is compared with a clean twin
 * database elaborated once, bit for bit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { ElaboratedColumns, RawColumns } from '../../src/core/domain/columns.ts';
import { ELABORATED_VALUES } from '../../src/core/domain/columns.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainResult, LaunchRequest } from '../../src/core/engine/events.ts';
import type { Store } from '../../src/core/store/port.ts';
import { DIALECTS, type Opened, removeTmp } from '../store/targets.ts';
import { node, raw, STEP, station, T0 } from '../support/fixture.ts';

afterAll(removeTmp);

const KEY: ChainKey = { controlUnitCode: 'CU970', chain: 'A' };
const NODES = [1, 2, 3];
const TIMESTAMPS = 900;
const wave = (i: number, n: number) => 300 + Math.round(Math.sin(i / 40 + n) * 120) + n;

async function seed(store: Store, offsetX = 0.5, timestamps = TIMESTAMPS): Promise<void> {
  await store.upsertStation(station(KEY));
  await setOffset(store, offsetX);
  await store.writeRaw(KEY, raw(NODES, timestamps, wave));
}

async function setOffset(store: Store, offsetX: number): Promise<void> {
  await store.replaceChainConfig(
    KEY,
    NODES.map((n) => node(KEY, n, { offsetX })),
    [{ ...KEY, nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 0.05 }],
  );
}

/** One raw row per node at time t. */
function rowsAt(t: number): RawColumns {
  const rows = raw(NODES, 1, wave);
  rows.timestamp.fill(t);
  return rows;
}

async function launch(
  store: Store,
  request: LaunchRequest,
  cancelAfterWrites?: number,
): Promise<ChainResult> {
  let writes = 0;
  let cancel = () => {};
  const observed = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'writeChunk') return typeof value === 'function' ? value.bind(target) : value;
      return async (chunk: Parameters<Store['writeChunk']>[0]) => {
        const written = await target.writeChunk(chunk);
        if (++writes === cancelAfterWrites) cancel();
        return written;
      };
    },
  });
  const engine = new Engine({ store: observed, threads: 1, tuning: { chunkCells: 600, writeRows: 300 } });
  try {
    const l = await engine.launch(request);
    cancel = () => engine.cancel(l.launchId);
    const [result] = (await l.done).results;
    return result!;
  } finally {
    await engine.close();
  }
}

async function rows(store: Store): Promise<ElaboratedColumns> {
  return store.readElaborated({ ...KEY, from: null, to: null });
}

/** Every elaborated value equal (Object.is), row for row. */
function expectSameRows(actual: ElaboratedColumns, expected: ElaboratedColumns): void {
  expect(actual.length).toBe(expected.length);
  expect(Array.from(actual.timestamp)).toEqual(Array.from(expected.timestamp));
  for (const column of [...ELABORATED_VALUES, 'flags'] as const) {
    const a = actual[column];
    const e = expected[column];
    let differing = 0;
    for (let r = 0; r < a.length; r++) if (!Object.is(a[r], e[r])) differing++;
    expect(differing, column).toBe(0);
  }
}

async function eventKeys(store: Store) {
  return (await store.listEvents({ key: KEY, limit: 10_000 })).map((e) => [e.metric, e.timestamp, e.level]);
}

for (const target of DIALECTS) {
  describe.runIf(target.available)(`never silently wrong on ${target.name}`, () => {
    const open: Opened[] = [];
    const fresh = async () => {
      const db = await target.create({ migrate: true });
      open.push(db);
      return db;
    };
    afterAll(async () => {
      for (const db of open) await db.drop();
    });

    it('a future-dated and a year-1000 raw row are left out and reported; the chain keeps being elaborated', async () => {
      const clean = await fresh();
      const dirty = await fresh();
      await seed(clean.store, 0.5, TIMESTAMPS);
      await seed(dirty.store, 0.5, TIMESTAMPS - 100);
      await dirty.store.writeRaw(KEY, rowsAt(Date.UTC(2099, 0, 1) / 1000));
      await dirty.store.writeRaw(KEY, rowsAt(Date.UTC(1000, 0, 1) / 1000));

      const first = await launch(dirty.store, { chains: [KEY], mode: 'incremental' });
      expect(first.status).toBe('succeeded');
      expect(first.warnings.join(' ')).toMatch(
        /6 raw rows of chain CU970-A are dated before 1990-01-01.*ignored/,
      );
      expect(first.ignoredRawRows).toBe(6);
      // new data arrives: the next incremental run takes it (a 2099 row would have ended its span)
      const more = raw(NODES, TIMESTAMPS, wave);
      await dirty.store.writeRaw(KEY, sliceRaw(more, (TIMESTAMPS - 100) * NODES.length));
      const second = await launch(dirty.store, { chains: [KEY], mode: 'incremental' });
      expect(second.status).toBe('succeeded');
      expect(second.timestamps).toBe(100);

      await launch(clean.store, { chains: [KEY], mode: 'full' });
      // the year-1000 row did not become the reference, the 2099 row is not elaborated
      expectSameRows(await rows(dirty.store), await rows(clean.store));
      expect(await eventKeys(dirty.store)).toEqual(await eventKeys(clean.store));
    });

    it('an elaborated row already dated in the future (an older version wrote it) does not stop incremental runs', async () => {
      const db = await fresh();
      await seed(db.store, 0.5, TIMESTAMPS - 50);
      await launch(db.store, { chains: [KEY], mode: 'full' });
      const future = Date.UTC(2099, 0, 1) / 1000;
      await db.sql.exec(
        `INSERT INTO elaborated_rsn_data (controlUnitCode, chain, timestamp, nodeIndex, flags) VALUES ('CU970', 'A', '2099-01-01 00:00:00', 1, 0)`,
      );
      await db.store.writeRaw(KEY, sliceRaw(raw(NODES, TIMESTAMPS, wave), (TIMESTAMPS - 50) * NODES.length));
      const result = await launch(db.store, { chains: [KEY], mode: 'incremental' });
      expect(result.status).toBe('succeeded');
      expect(result.timestamps).toBe(50);
      expect(await db.store.lastElaboratedAt(KEY, future - 86_400)).toBe(T0 + (TIMESTAMPS - 1) * STEP);
    });

    it('a full re-run interrupted after a calibration change is finished by the next incremental run: one configuration everywhere', async () => {
      const clean = await fresh();
      const db = await fresh();
      await seed(clean.store, 0.75);
      await seed(db.store, 0.5);
      await launch(db.store, { chains: [KEY], mode: 'full' });
      await setOffset(db.store, 0.75);
      const broken = await launch(db.store, { chains: [KEY], mode: 'full' }, 2);
      expect(broken.status).toBe('cancelled');
      expect(broken.timestamps).toBeGreaterThan(0);
      expect(broken.timestamps).toBeLessThan(TIMESTAMPS);

      const finish = await launch(db.store, { chains: [KEY], mode: 'incremental' });
      expect(finish.status).toBe('succeeded');
      expect(finish.warnings.join(' ')).toMatch(/finished the interrupted full run \d+ \(cancelled after /);
      expect(finish.timestamps).toBe(TIMESTAMPS - broken.timestamps);
      const [run] = await db.store.listRuns({ key: KEY, limit: 1 });
      expect(run).toMatchObject({ mode: 'full', status: 'succeeded', resumesRunId: broken.runId });

      await launch(clean.store, { chains: [KEY], mode: 'full' });
      expectSameRows(await rows(db.store), await rows(clean.store));
      expect(await eventKeys(db.store)).toEqual(await eventKeys(clean.store));
      // and nothing is pending any more
      expect((await launch(db.store, { chains: [KEY], mode: 'incremental' })).timestamps).toBe(0);
    });

    it('when the configuration changed again since the interrupted full run, the whole history is elaborated again', async () => {
      const clean = await fresh();
      const db = await fresh();
      await seed(clean.store, 1.25);
      await seed(db.store, 0.5);
      await launch(db.store, { chains: [KEY], mode: 'full' });
      await setOffset(db.store, 0.75);
      expect((await launch(db.store, { chains: [KEY], mode: 'full' }, 2)).status).toBe('cancelled');
      await setOffset(db.store, 1.25);
      const finish = await launch(db.store, { chains: [KEY], mode: 'incremental' });
      expect(finish.warnings.join(' ')).toMatch(/configuration changed since the interrupted full run/);
      expect(finish.timestamps).toBe(TIMESTAMPS);
      await launch(clean.store, { chains: [KEY], mode: 'full' });
      expectSameRows(await rows(db.store), await rows(clean.store));
    });

    it('an interrupted range run is finished by the next incremental run, which then takes the new data', async () => {
      const clean = await fresh();
      const db = await fresh();
      await seed(clean.store, 0.75);
      await seed(db.store, 0.5, TIMESTAMPS - 100);
      await launch(db.store, { chains: [KEY], mode: 'full' });
      await setOffset(db.store, 0.75);
      const to = T0 + (TIMESTAMPS - 101) * STEP;
      const broken = await launch(db.store, { chains: [KEY], mode: 'range', from: T0, to }, 2);
      expect(broken.status).toBe('cancelled');
      await db.store.writeRaw(KEY, sliceRaw(raw(NODES, TIMESTAMPS, wave), (TIMESTAMPS - 100) * NODES.length));
      const finish = await launch(db.store, { chains: [KEY], mode: 'incremental' });
      expect(finish.status).toBe('succeeded');
      expect(finish.warnings.join(' ')).toMatch(/finished the interrupted range run/);
      expect(finish.timestamps).toBe(TIMESTAMPS - broken.timestamps);
      await launch(clean.store, { chains: [KEY], mode: 'full' });
      expectSameRows(await rows(db.store), await rows(clean.store));
    });
  });
}

/** Rows [from, end) of a column set. */
function sliceRaw(rows: RawColumns, from: number): RawColumns {
  return {
    length: rows.length - from,
    timestamp: rows.timestamp.slice(from),
    nodeIndex: rows.nodeIndex.slice(from),
    rawX: rows.rawX.slice(from),
    rawY: rows.rawY.slice(from),
    rawZ: rows.rawZ.slice(from),
    rawT: rows.rawT.slice(from),
    errorCode: rows.errorCode.slice(from),
  };
}
