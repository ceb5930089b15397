/**
 * Legacy tables without a primary key can hold a node twice in rsn_nodes or
 * a reading twice in raw_rsn_data. Duplicated nodes fail the chain with a
 * message (two calibrations: which one applies cannot be guessed); duplicated
 * readings are resolved by one rule (ELABORATION.md appendix), counted and
 * reported, and give the same outputs as a clean table holding the kept ones.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { ELABORATED_VALUES } from '../../src/core/domain/columns.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainResult } from '../../src/core/engine/events.ts';
import type { Store } from '../../src/core/store/port.ts';
import { DIALECTS, type Opened, removeTmp } from '../store/targets.ts';
import { node, raw, station } from '../support/fixture.ts';
import { legacyNoKeyDdl } from '../support/legacy-tables.ts';

afterAll(removeTmp);

const KEY: ChainKey = { controlUnitCode: 'CU980', chain: 'A' };
const NODES = [1, 2, 3];
const TIMESTAMPS = 400;

async function legacy(db: Opened, dialect: 'mysql' | 'sqlite'): Promise<void> {
  for (const ddl of legacyNoKeyDdl(dialect)) await db.sql.exec(ddl);
  await db.store.migrate();
}

async function configure(store: Store): Promise<void> {
  await store.upsertStation(station(KEY));
  await store.replaceChainConfig(
    KEY,
    NODES.map((n) => node(KEY, n)),
    [{ ...KEY, nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 0.05 }],
  );
}

const wave = (i: number, n: number) => 300 + Math.round(Math.sin(i / 30 + n) * 150) + n;

async function launch(store: Store): Promise<ChainResult> {
  const engine = new Engine({
    store,
    threads: 1,
    tuning: { chunkCells: 500, writeRows: 250, readRows: 200 },
  });
  try {
    const l = await engine.launch({ chains: [KEY], mode: 'full' });
    return (await l.done).results[0]!;
  } finally {
    await engine.close();
  }
}

/** The rows of `rows` whose timestamp index i satisfies `pick`, with rawX changed by `dx` and errorCode set. */
function variant(rows: RawColumns, pick: (i: number) => boolean, dx: number, errorCode = 0): RawColumns {
  const keep: number[] = [];
  for (let r = 0; r < rows.length; r++) if (pick(Math.floor(r / NODES.length))) keep.push(r);
  const take = (a: Float64Array) => Float64Array.from(keep, (r) => a[r]!);
  const out: RawColumns = {
    length: keep.length,
    timestamp: take(rows.timestamp),
    nodeIndex: Int32Array.from(keep, (r) => rows.nodeIndex[r]!),
    rawX: take(rows.rawX).map((x) => x + dx),
    rawY: take(rows.rawY),
    rawZ: take(rows.rawZ),
    rawT: take(rows.rawT),
    errorCode: new Int32Array(keep.length).fill(errorCode),
  };
  return out;
}

for (const target of DIALECTS) {
  describe.runIf(target.available)(`duplicated legacy rows on ${target.name}`, () => {
    const open: Opened[] = [];
    const fresh = async () => {
      const db = await target.create();
      open.push(db);
      return db;
    };
    afterAll(async () => {
      for (const db of open) await db.drop();
    });

    it('a node listed twice in rsn_nodes fails the chain before anything is written, naming the node', async () => {
      const db = await fresh();
      await legacy(db, target.dialect);
      await configure(db.store);
      await db.store.writeRaw(KEY, raw(NODES, TIMESTAMPS, wave));
      await db.sql.exec(
        'INSERT INTO rsn_nodes (controlUnitCode, chain, nodeIndex, depthM, offsetX, gainX, offsetY, gainY, tempOffset, tempGain) ' +
          "VALUES ('CU980', 'A', 2, 3, 9.5, 0.0001, 0, 0.0001, 0, 0.01)",
      );
      const result = await launch(db.store);
      expect(result.status).toBe('failed');
      expect(result.errorCode).toBe('CHAIN_CONFIG');
      expect(result.message).toBe(
        'chain CU980-A: node 2 (2 rows) appears more than once in rsn_nodes; keep one row per node (delete the others, and give the table a primary key) and launch again',
      );
      expect((await db.store.readElaborated({ ...KEY, from: null, to: null })).length).toBe(0);
    });

    it('a reading repeated for a node and timestamp: one rule picks the same reading in any order, counted and reported', async () => {
      const dirty = await fresh();
      const clean = await fresh();
      await legacy(dirty, target.dialect);
      await clean.store.migrate();
      for (const db of [dirty, clean]) await configure(db.store);
      const base = raw(NODES, TIMESTAMPS, wave);
      const every7 = (i: number) => i % 7 === 3;
      const every11 = (i: number) => i % 11 === 5;
      // dirty: the originals, then an errored copy (loses to a reading without error), then a smaller rawX (wins)
      await dirty.store.writeRaw(KEY, variant(base, every7, 0, 9));
      await dirty.store.writeRaw(KEY, base);
      await dirty.store.writeRaw(KEY, variant(base, every11, -40));
      await dirty.store.writeRaw(KEY, variant(base, every11, +40));
      // clean: what the rule keeps
      await clean.store.writeRaw(KEY, base);
      await clean.store.writeRaw(KEY, variant(base, every11, -40));

      const result = await launch(dirty.store);
      const reference = await launch(clean.store);
      expect(result.status).toBe('succeeded');
      const errored = Array.from({ length: TIMESTAMPS }, (_, i) => i).filter(every7).length * NODES.length;
      const smaller = Array.from({ length: TIMESTAMPS }, (_, i) => i).filter(every11).length * NODES.length;
      const duplicates = errored + 2 * smaller;
      expect(result.ignoredRawRows).toBe(duplicates);
      expect(result.warnings.join(' ')).toContain(
        `${duplicates} raw rows of chain CU980-A repeat a reading of the same node and timestamp`,
      );
      expect(result.rowsWritten).toBe(reference.rowsWritten);
      const a = await dirty.store.readElaborated({ ...KEY, from: null, to: null });
      const b = await clean.store.readElaborated({ ...KEY, from: null, to: null });
      expect(a.length).toBe(b.length);
      for (const column of [...ELABORATED_VALUES, 'flags'] as const) {
        expect(
          Array.from(a[column]).every((v, r) => Object.is(v, b[column][r])),
          column,
        ).toBe(true);
      }
    });
  });
}
