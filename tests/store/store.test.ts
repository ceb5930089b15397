/**
 * Every method of the store port, table-driven over the real databases:
 * a SQLite file, and MariaDB with each bulk write method (LOAD DATA LOCAL and
 * the multi-row INSERT fallback). The same expectations hold for all three.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { CatenaError } from '../../src/core/errors.ts';
import { MIGRATIONS } from '../../src/core/store/migrations.ts';
import type { CatenaStore } from '../../src/core/store/open.ts';
import type { RunEnd } from '../../src/core/store/port.ts';
import {
  concatRaw,
  ELABORATED_NAMES,
  elaborated,
  elaboratedGrid,
  event,
  node,
  plain,
  raw,
  rawGrid,
  STEP,
  sameDoubles,
  station,
  T0,
  threshold,
} from './fixtures.ts';
import { type Opened, removeTmp, TARGETS } from './targets.ts';

afterAll(removeTmp);

const A: ChainKey = { controlUnitCode: 'CU001', chain: 'A' };
const B: ChainKey = { controlUnitCode: 'CU001', chain: 'B' };
const C: ChainKey = { controlUnitCode: 'CU002', chain: 'A' };

async function collect(iterable: AsyncIterable<RawColumns>): Promise<RawColumns[]> {
  const chunks: RawColumns[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

async function expectCatena(promise: Promise<unknown>, code: string, message?: RegExp): Promise<CatenaError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatenaError);
  const catena = error as CatenaError;
  expect(catena.code).toBe(code);
  if (message) expect(catena.message).toMatch(message);
  return catena;
}

const END: RunEnd = {
  status: 'succeeded',
  phase: null,
  message: null,
  errorCode: null,
  rowsRead: 10,
  rowsWritten: 9,
  timestamps: 3,
  invalidRows: 1,
  spikeRows: 2,
  heldRows: 3,
  ignoredRawRows: 4,
  eventsCreated: 5,
};

for (const target of TARGETS) {
  describe.runIf(target.available)(`store on ${target.name}`, () => {
    let opened: Opened;
    let store: CatenaStore;

    beforeAll(async () => {
      opened = await target.create();
      store = opened.store;
      expect(await store.migrate()).toEqual(MIGRATIONS.map((m) => m.name));
    });

    afterAll(async () => {
      await opened?.drop();
    });

    beforeEach(async () => {
      for (const key of [A, B, C]) await store.deleteChain(key);
    });

    describe('schema', () => {
      it('migrate a second time applies nothing and the schema is complete', async () => {
        expect(await store.migrate()).toEqual([]);
        expect(await store.schemaStatus()).toEqual({
          missingInputTables: [],
          missingCatenaTables: [],
          pendingMigrations: [],
        });
        expect(store.info.kind).toBe(target.dialect);
        expect(store.info.location).not.toMatch(/password|:[^/@]*@/);
        if (target.bulkMethod) expect(store).toHaveProperty('writeMethod', target.bulkMethod);
      });
    });

    describe('configuration', () => {
      it('upsertStation writes every column and overwrites on the key; readChainSetup reads them back', async () => {
        await store.upsertStation(station(A, { referenceTime: T0 + 3600, despikeLookbackHours: null }));
        await store.upsertStation(station(A, { siteName: 'Landslide Nord', active: 0, fixedEnd: 'top' }));
        const setup = await store.readChainSetup(A);
        expect(setup?.station).toEqual(
          station(A, { siteName: 'Landslide Nord', active: 0, fixedEnd: 'top' }),
        );
        await store.upsertStation(
          station(A, {
            siteName: null,
            active: null,
            fixedEnd: null,
            referenceTime: T0,
            referenceWindowHours: null,
            despikeWindow: null,
            despikeNSigma: null,
            despikeMinSigmaDeg: null,
            despikeLookbackHours: null,
            holdLastValidHours: null,
            velocityWindowHours: null,
            alarmOnDelayHours: null,
            alarmOffDelayHours: null,
            staleAfterHours: null,
          }),
        );
        expect((await store.readChainSetup(A))?.station).toEqual({
          ...A,
          siteName: null,
          active: null,
          fixedEnd: null,
          referenceTime: T0,
          referenceWindowHours: null,
          despikeWindow: null,
          despikeNSigma: null,
          despikeMinSigmaDeg: null,
          despikeLookbackHours: null,
          holdLastValidHours: null,
          velocityWindowHours: null,
          alarmOnDelayHours: null,
          alarmOffDelayHours: null,
          staleAfterHours: null,
        });
      });

      it('a referenceTime that is not a readable time is refused as DATA_INVALID, not read as null', async () => {
        await store.upsertStation(station(A));
        // SQLite: text that is no time; MariaDB: the legacy zero date (allowed without NO_ZERO_DATE)
        const bad = target.dialect === 'sqlite' ? 'yesterday' : '0000-00-00 00:00:00';
        if (target.dialect === 'mysql') await opened.sql.exec("SET SESSION sql_mode = ''");
        await opened.sql.exec(
          'UPDATE active_stations SET referenceTime = ? WHERE controlUnitCode = ? AND chain = ?',
          [bad, A.controlUnitCode, A.chain],
        );
        const error = await expectCatena(
          store.readChainSetup(A),
          'DATA_INVALID',
          /CU001-A: active_stations\.referenceTime/,
        );
        expect(error.subject).toMatchObject({ table: 'active_stations', column: 'referenceTime' });
      });

      it('readChainSetup is null for a chain that is not in active_stations', async () => {
        expect(await store.readChainSetup({ controlUnitCode: 'CU404', chain: 'Z' })).toBeNull();
      });

      it('replaceChainConfig replaces the nodes and thresholds of that chain only, ids assigned', async () => {
        await store.upsertStation(station(A));
        await store.upsertStation(station(B));
        await store.replaceChainConfig(B, [node(B, 1)], [threshold(B, 'tilt_deg', 1, 0.5)]);
        await store.replaceChainConfig(
          A,
          [node(A, 1), node(A, 2), node(A, 9)],
          [threshold(A, 'cumulative_mm', 1, 5)],
        );
        const nodes = [node(A, 3, { enabled: 0, offsetZ: 12, gainZ: 0.001 }), node(A, 1, { gainX: null })];
        const thresholds = [
          threshold(A, 'cumulative_mm', 1, 10),
          threshold(A, 'velocity_mm_per_day', 2, 2.5, 3),
        ];
        await store.replaceChainConfig(A, nodes, thresholds);
        const setup = await store.readChainSetup(A);
        expect(setup?.nodes).toEqual([nodes[1], nodes[0]]); // by nodeIndex
        expect(setup?.thresholds.map(({ id: _id, ...t }) => t)).toEqual(thresholds);
        const ids = setup?.thresholds.map((t) => t.id) ?? [];
        expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
        expect(ids[1]).toBeGreaterThan(ids[0]!);
        expect((await store.readChainSetup(B))?.nodes).toEqual([node(B, 1)]);
      });

      it('replaceChainConfig refuses rows of another chain and duplicate nodes', async () => {
        await expectCatena(store.replaceChainConfig(A, [node(B, 1)], []), 'DATA_INVALID', /CU001-A.*CU001-B/);
        await expectCatena(
          store.replaceChainConfig(A, [node(A, 1), node(A, 1)], []),
          'DATA_INVALID',
          /node 1/,
        );
      });
    });

    describe('listChains', () => {
      it('one row per station, with node, raw and elaborated summaries', async () => {
        await store.upsertStation(station(A, { siteName: 'North' }));
        await store.upsertStation(station(B, { active: 0 }));
        await store.upsertStation(station(C, { active: null }));
        await store.replaceChainConfig(
          A,
          [node(A, 1), node(A, 2, { enabled: 0 }), node(A, 3, { enabled: null })],
          [],
        );
        await store.writeRaw(A, rawGrid(5, [1, 2, 3]));
        const runId = await store.startRun({
          ...A,
          launchId: 'L',
          mode: 'full',
          spanFrom: null,
          spanTo: null,
          host: 'h',
        });
        await store.writeChunk({
          ...A,
          runId,
          rows: elaboratedGrid(2, [1, 3]),
          eventsFrom: T0,
          eventsTo: T0 + STEP,
          events: [],
        });
        const chains = (await store.listChains()).filter((c) =>
          [A, B, C].some((k) => k.chain === c.chain && k.controlUnitCode === c.controlUnitCode),
        );
        expect(chains).toEqual([
          {
            ...A,
            siteName: 'North',
            active: true,
            fixedEnd: 'bottom',
            nodeCount: 3,
            enabledNodeCount: 2, // enabled null counts as enabled (ELABORATION.md §1)
            rawRowCount: 15,
            firstRawAt: T0,
            lastRawAt: T0 + 4 * STEP,
            lastElaboratedAt: T0 + STEP,
          },
          {
            ...B,
            siteName: 'Site CU001',
            active: false,
            fixedEnd: 'bottom',
            nodeCount: 0,
            enabledNodeCount: 0,
            rawRowCount: 0,
            firstRawAt: null,
            lastRawAt: null,
            lastElaboratedAt: null,
          },
          {
            ...C,
            siteName: 'Site CU002',
            active: true, // active null is active
            fixedEnd: 'bottom',
            nodeCount: 0,
            enabledNodeCount: 0,
            rawRowCount: 0,
            firstRawAt: null,
            lastRawAt: null,
            lastElaboratedAt: null,
          },
        ]);
      });
    });

    describe('raw rows', () => {
      it('writeRaw then readRaw gives the rows back ordered by (timestamp, nodeIndex), NULL as NaN', async () => {
        const grid = rawGrid(6, [1, 2, 3, 4]);
        // written in reverse order: the store orders
        const reversed = raw(
          Array.from({ length: grid.length }, (_, k) => {
            const i = grid.length - 1 - k;
            return {
              t: grid.timestamp[i]!,
              n: grid.nodeIndex[i]!,
              x: grid.rawX[i]!,
              y: grid.rawY[i]!,
              z: grid.rawZ[i]!,
              temp: grid.rawT[i]!,
              e: grid.errorCode[i]!,
            };
          }),
        );
        await store.writeRaw(A, reversed);
        const chunks = await collect(store.readRaw({ ...A, from: null, to: null }));
        expect(chunks).toHaveLength(1);
        expect(plain(chunks[0]!)).toEqual(plain(grid));
        expect(Number.isNaN(chunks[0]!.rawZ[1]!)).toBe(true); // node 2: rawZ NULL
      });

      it('writeRaw overwrites rows with the same key', async () => {
        await store.writeRaw(A, rawGrid(3, [1, 2]));
        await store.writeRaw(A, raw([{ t: T0 + STEP, n: 2, x: 7, y: 8, e: 9 }]));
        const all = concatRaw(await collect(store.readRaw({ ...A, from: null, to: null })));
        expect(all.length).toBe(6);
        const i = 3; // (T0 + STEP, node 2)
        expect([all.rawX[i], all.rawY[i], all.rawZ[i], all.rawT[i], all.errorCode[i]]).toEqual([
          7,
          8,
          Number.NaN,
          Number.NaN,
          9,
        ]);
      });

      it('readRaw bounds are inclusive and null is open', async () => {
        await store.writeRaw(A, rawGrid(10, [1, 2]));
        await store.writeRaw(B, rawGrid(10, [1, 2]));
        const span = async (from: number | null, to: number | null) =>
          Array.from(concatRaw(await collect(store.readRaw({ ...A, from, to }))).timestamp);
        expect(await span(T0 + 2 * STEP, T0 + 4 * STEP)).toEqual(
          [2, 2, 3, 3, 4, 4].map((i) => T0 + i * STEP),
        );
        expect(await span(null, T0 + STEP)).toEqual([T0, T0, T0 + STEP, T0 + STEP]);
        expect((await span(T0 + 8 * STEP, null)).length).toBe(4);
        expect(await span(T0 + 100 * STEP, null)).toEqual([]);
      });

      it('chunks never split a timestamp, and together are the whole span', async () => {
        // 3 nodes, but node 2 misses some timestamps: rows per timestamp vary between 2 and 3
        const rows = rawGrid(40, [1, 2, 3]);
        const keep = Array.from({ length: rows.length }, (_, i) => !(rows.nodeIndex[i] === 2 && i % 7 === 1));
        const uneven = raw(
          keep.flatMap((k, i) =>
            k
              ? [
                  {
                    t: rows.timestamp[i]!,
                    n: rows.nodeIndex[i]!,
                    x: rows.rawX[i]!,
                    y: rows.rawY[i]!,
                    z: rows.rawZ[i]!,
                    temp: rows.rawT[i]!,
                    e: rows.errorCode[i]!,
                  },
                ]
              : [],
          ),
        );
        await store.writeRaw(A, uneven);
        for (const chunkRows of [1, 2, 5, 7, 8, 50, 1000]) {
          const chunks = await collect(store.readRaw({ ...A, from: null, to: null }, { chunkRows }));
          expect(plain(concatRaw(chunks))).toEqual(plain(uneven));
          const seen = new Set<number>();
          for (const chunk of chunks) {
            expect(chunk.length).toBeGreaterThan(0);
            const ts = new Set(chunk.timestamp);
            for (const t of ts) {
              expect(seen.has(t), `timestamp ${t} split across chunks (chunkRows ${chunkRows})`).toBe(false);
            }
            for (const t of ts) seen.add(t);
            // at most chunkRows rows, unless one timestamp alone is larger
            if (ts.size > 1) expect(chunk.length).toBeLessThanOrEqual(chunkRows);
          }
        }
      });

      it('readRaw stops with CANCELLED when the signal is aborted', async () => {
        await store.writeRaw(A, rawGrid(20, [1, 2]));
        const controller = new AbortController();
        const chunks: RawColumns[] = [];
        const reading = (async () => {
          for await (const chunk of store.readRaw(
            { ...A, from: null, to: null },
            { chunkRows: 4, signal: controller.signal },
          )) {
            chunks.push(chunk);
            if (chunks.length === 2) controller.abort();
          }
        })();
        await expectCatena(reading, 'CANCELLED', /CU001-A/);
        expect(chunks).toHaveLength(2);
      });

      it('chainTimestamps: distinct timestamps of the given nodes within the span', async () => {
        await store.writeRaw(
          A,
          raw([
            { t: T0, n: 1 },
            { t: T0, n: 2 },
            { t: T0 + STEP, n: 2 },
            { t: T0 + 2 * STEP, n: 3 },
            { t: T0 + 3 * STEP, n: 1 },
          ]),
        );
        const ts = (from: number | null, to: number | null, nodes: number[]) =>
          store.chainTimestamps({ ...A, from, to }, nodes).then((a) => Array.from(a));
        expect(await ts(null, null, [1, 2])).toEqual([T0, T0 + STEP, T0 + 3 * STEP]);
        expect(await ts(null, null, [3])).toEqual([T0 + 2 * STEP]);
        expect(await ts(T0 + STEP, T0 + 3 * STEP, [1, 2, 3])).toEqual([
          T0 + STEP,
          T0 + 2 * STEP,
          T0 + 3 * STEP,
        ]);
        expect(await ts(null, null, [])).toEqual([]);
        expect(await ts(null, null, [1, 2, 3, 4, 5])).toHaveLength(4); // IN list padded internally
      });

      it('lastChainTimestampBefore and firstChainTimestamp look only at the given nodes', async () => {
        await store.writeRaw(
          A,
          raw([
            { t: T0, n: 5 },
            { t: T0 + STEP, n: 1 },
            { t: T0 + 2 * STEP, n: 1 },
            { t: T0 + 3 * STEP, n: 5 },
          ]),
        );
        expect(await store.firstChainTimestamp(A, [1])).toBe(T0 + STEP);
        expect(await store.firstChainTimestamp(A, [1, 5])).toBe(T0);
        expect(await store.firstChainTimestamp(A, [7])).toBeNull();
        expect(await store.lastChainTimestampBefore(A, T0 + 3 * STEP, [1])).toBe(T0 + 2 * STEP);
        expect(await store.lastChainTimestampBefore(A, T0 + 2 * STEP, [1, 5])).toBe(T0 + STEP); // strictly before
        expect(await store.lastChainTimestampBefore(A, T0 + 3 * STEP + 0.5, [5])).toBe(T0 + 3 * STEP);
        expect(await store.lastChainTimestampBefore(A, T0, [1, 5])).toBeNull();
        expect(await store.lastChainTimestampBefore(A, T0 + 9 * STEP, [])).toBeNull();
      });

      it('countRawOutside counts the span rows of nodes not listed', async () => {
        await store.writeRaw(A, rawGrid(4, [1, 2, 3, 9]));
        expect(await store.countRawOutside({ ...A, from: null, to: null }, [1, 2, 3])).toBe(4);
        expect(await store.countRawOutside({ ...A, from: T0 + STEP, to: T0 + 2 * STEP }, [1, 2])).toBe(4);
        expect(await store.countRawOutside({ ...A, from: null, to: null }, [])).toBe(16);
        expect(await store.countRawOutside({ ...A, from: null, to: null }, [1, 2, 3, 9])).toBe(0);
      });

      // Defined only where it applies, so no test shows as skipped.
      if (target.dialect === 'sqlite')
        it('a non-numeric value stored by another program reads as +Infinity (not finite), NULL as NaN', async () => {
          await store.writeRaw(A, rawGrid(1, [1, 2]));
          await opened.sql.exec(
            "UPDATE raw_rsn_data SET rawX = 'ERR', rawY = X'00ff', errorCode = 'E7' WHERE controlUnitCode = ? AND chain = ? AND nodeIndex = 2",
            [A.controlUnitCode, A.chain],
          );
          const [chunk] = await collect(store.readRaw({ ...A, from: null, to: null }));
          expect([chunk!.rawX[1], chunk!.rawY[1], chunk!.errorCode[1]]).toEqual([
            Number.POSITIVE_INFINITY,
            Number.POSITIVE_INFINITY,
            -1,
          ]);
          expect(chunk!.rawX[0]).toBe(1000 + 1 / 8);
        });

      if (target.dialect === 'mysql')
        it('a chain code longer than its column is refused as DATA_INVALID and nothing is written', async () => {
          const long = { controlUnitCode: 'CU'.repeat(20), chain: 'A' };
          const error = await expectCatena(store.writeRaw(long, rawGrid(2, [1])), 'DATA_INVALID');
          expect(error.message).toMatch(/32 characters/);
          const runId = await store.startRun({
            ...A,
            launchId: 'L',
            mode: 'full',
            spanFrom: null,
            spanTo: null,
            host: 'h',
          });
          await expectCatena(
            store.writeChunk({
              ...long,
              runId,
              rows: elaboratedGrid(2, [1]),
              eventsFrom: T0,
              eventsTo: T0,
              events: [],
            }),
            'DATA_INVALID',
          );
          const counts = await opened.sql.rows(
            "SELECT (SELECT COUNT(*) FROM raw_rsn_data WHERE controlUnitCode LIKE 'CUCU%') AS r, (SELECT COUNT(*) FROM elaborated_rsn_data WHERE controlUnitCode LIKE 'CUCU%') AS e",
          );
          expect(counts[0]).toEqual({ r: 0, e: 0 });
        });

      it('writeRaw refuses ±Infinity (no SQL value) and nothing is written', async () => {
        const rows = rawGrid(2, [1, 2]);
        rows.rawY[3] = Number.NEGATIVE_INFINITY;
        await expectCatena(store.writeRaw(A, rows), 'DATA_INVALID', /rawY.*-Infinity/);
        expect(await collect(store.readRaw({ ...A, from: null, to: null }))).toEqual([]);
      });
    });

    describe('doubles round trip', () => {
      const specials = [
        0.1 + 0.2,
        1e-300,
        5e-324, // smallest subnormal
        -0,
        123456.78901234567,
        Math.PI,
        -1.7976931348623157e308,
        2 ** 53 + 2,
        1 / 3,
        -2.5e-8,
      ];
      function randomDoubles(count: number): number[] {
        // random bit patterns (finite ones), seeded for repeatability
        let seed = 0x12345678;
        const next = () => {
          seed ^= seed << 13;
          seed ^= seed >>> 17;
          seed ^= seed << 5;
          return seed >>> 0;
        };
        const view = new DataView(new ArrayBuffer(8));
        const out: number[] = [];
        while (out.length < count) {
          view.setUint32(0, next());
          view.setUint32(4, next());
          const v = view.getFloat64(0);
          if (Number.isFinite(v)) out.push(v);
        }
        return out;
      }
      // -0: MariaDB stores DOUBLE -0 as 0 and SQLite stores REAL -0.0 as 0 (both checked here), so
      // -0 reads back as 0; every other double, and NaN (as NULL), reads back bit for bit.
      const expected = (v: number) => (Object.is(v, -0) ? 0 : v);

      it('raw: every double reads back bit-exact (Object.is), -0 as 0, NaN as NaN', async () => {
        const values = [...specials, Number.NaN, ...randomDoubles(400)];
        await store.writeRaw(A, raw(values.map((x, i) => ({ t: T0 + i, n: 1, x, y: -x, z: x, temp: x }))));
        const back = concatRaw(await collect(store.readRaw({ ...A, from: null, to: null })));
        expect(sameDoubles(back.rawX, values.map(expected))).toBe(true);
        expect(
          sameDoubles(
            back.rawY,
            values.map((v) => expected(-v)),
          ),
        ).toBe(true);
        expect(Object.is(back.rawX[3], 0)).toBe(true); // the -0
      });

      it('elaborated: every double reads back bit-exact (Object.is), -0 as 0, NaN as NaN', async () => {
        const values = [...specials, Number.NaN, ...randomDoubles(400)];
        const rows = elaborated(values.map((_, i) => ({ t: T0 + i, n: 1, v: 0 })));
        for (const name of ELABORATED_NAMES) rows[name].set(values);
        const runId = await store.startRun({
          ...A,
          launchId: 'L',
          mode: 'full',
          spanFrom: null,
          spanTo: null,
          host: 'h',
        });
        await store.writeChunk({
          ...A,
          runId,
          rows,
          eventsFrom: T0,
          eventsTo: T0 + values.length,
          events: [],
        });
        const back = await store.readElaborated({ ...A, from: null, to: null });
        for (const name of ELABORATED_NAMES) expect(sameDoubles(back[name], values.map(expected))).toBe(true);
      });
    });

    describe('writeChunk', () => {
      async function run(key: ChainKey = A): Promise<number> {
        return store.startRun({
          ...key,
          launchId: 'launch-1',
          mode: 'full',
          spanFrom: null,
          spanTo: null,
          host: 'ws-1',
        });
      }

      it('upserts the rows: writing the same chunk twice leaves the same rows and no duplicate events', async () => {
        const runId = await run();
        const rows = elaboratedGrid(5, [1, 2, 3]);
        const chunk = {
          ...A,
          runId,
          rows,
          eventsFrom: T0,
          eventsTo: T0 + 4 * STEP,
          events: [event('tilt_deg', T0 + STEP, 1), event('tilt_deg', T0 + 3 * STEP, 0, 1)],
        };
        const first = await store.writeChunk(chunk);
        expect(first.rowsWritten).toBe(15);
        expect(first.newEvents).toEqual(chunk.events);
        const second = await store.writeChunk(chunk);
        expect(second).toEqual({ rowsWritten: 15, newEvents: [] });
        expect(plain(await store.readElaborated({ ...A, from: null, to: null }))).toEqual(plain(rows));
        expect(await store.listEvents({ key: A })).toHaveLength(2);
        expect(await store.lastElaboratedAt(A)).toBe(T0 + 4 * STEP);
        expect(await store.lastElaboratedAt(B)).toBeNull();
      });

      it('overwrites changed values and runId of existing rows', async () => {
        const run1 = await run();
        await store.writeChunk({
          ...A,
          runId: run1,
          rows: elaboratedGrid(3, [1, 2]),
          eventsFrom: T0,
          eventsTo: T0,
          events: [],
        });
        const run2 = await run();
        const changed = elaborated([{ t: T0 + STEP, n: 2, v: Number.NaN, flags: 32 }]);
        await store.writeChunk({
          ...A,
          runId: run2,
          rows: changed,
          eventsFrom: T0 + STEP,
          eventsTo: T0 + STEP,
          events: [],
        });
        const back = await store.readElaborated({ ...A, from: T0 + STEP, to: T0 + STEP, nodeIndex: 2 });
        expect(plain(back)).toEqual(plain(changed));
        const runIds = await opened.sql.rows(
          'SELECT nodeIndex, runId FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ? ORDER BY timestamp, nodeIndex',
          [A.controlUnitCode, A.chain],
        );
        expect(runIds.map((r) => Number(r.runId))).toEqual([run1, run1, run1, run2, run1, run1]);
      });

      it("replaces the span's events: removed when gone, kept (with notifiedAt) when still there, new ones returned", async () => {
        const runId = await run();
        const before = [
          event('tilt_deg', T0, 1), // outside the second span: untouched
          event('tilt_deg', T0 + STEP, 2, 1), // gone in the second write
          event('cumulative_mm', T0 + 2 * STEP, 1), // still there, notified
          event('velocity_mm_per_day', T0 + 5 * STEP, 3), // outside: untouched
        ];
        await store.writeChunk({
          ...A,
          runId,
          rows: elaboratedGrid(6, [1]),
          eventsFrom: T0,
          eventsTo: T0 + 5 * STEP,
          events: before,
        });
        const notifiedAt = T0 + 86_400;
        await store.markNotified(A, [before[2]!], notifiedAt);
        const created = (await store.listEvents({ key: A })).find(
          (e) => e.metric === 'cumulative_mm',
        )!.createdAt;

        const run2 = await run();
        const after = [
          { ...event('cumulative_mm', T0 + 2 * STEP, 2), nodeIndex: 7, value: 12.25 }, // same key, new level
          event('tilt_deg', T0 + 3 * STEP, 1), // new key
        ];
        const result = await store.writeChunk({
          ...A,
          runId: run2,
          rows: elaboratedGrid(1, [1], T0 + STEP),
          eventsFrom: T0 + STEP,
          eventsTo: T0 + 4 * STEP,
          events: after,
        });
        expect(result.newEvents).toEqual([after[1]]);
        const stored = await store.listEvents({ key: A });
        expect(stored.map((e) => [e.metric, e.timestamp - T0])).toEqual([
          ['velocity_mm_per_day', 5 * STEP],
          ['tilt_deg', 3 * STEP],
          ['cumulative_mm', 2 * STEP],
          ['tilt_deg', 0],
        ]); // newest first
        const kept = stored.find((e) => e.metric === 'cumulative_mm')!;
        expect(kept).toEqual({
          ...A,
          ...after[0]!,
          runId: run2,
          createdAt: created,
          notifiedAt,
        });
        const fresh = stored.find((e) => e.timestamp === T0 + 3 * STEP)!;
        expect(fresh.notifiedAt).toBeNull();
        expect(fresh.runId).toBe(run2);
        expect(Math.abs(fresh.createdAt - Date.now() / 1000)).toBeLessThan(120);
      });

      it('an empty events list clears the span', async () => {
        const runId = await run();
        await store.writeChunk({
          ...A,
          runId,
          rows: elaboratedGrid(1, [1]),
          eventsFrom: T0,
          eventsTo: T0 + STEP,
          events: [event('tilt_deg', T0 + STEP, 1)],
        });
        const result = await store.writeChunk({
          ...A,
          runId,
          rows: elaboratedGrid(1, [1]),
          eventsFrom: T0,
          eventsTo: T0 + STEP,
          events: [],
        });
        expect(result.newEvents).toEqual([]);
        expect(await store.listEvents({ key: A })).toEqual([]);
      });

      it('refuses events outside the span, duplicate event keys and ±Infinity values, writing nothing', async () => {
        const runId = await run();
        const base = { ...A, runId, rows: elaboratedGrid(1, [1]), eventsFrom: T0, eventsTo: T0 + STEP };
        await expectCatena(
          store.writeChunk({ ...base, events: [event('tilt_deg', T0 + 2 * STEP, 1)] }),
          'DATA_INVALID',
          /outside the span/,
        );
        await expectCatena(
          store.writeChunk({ ...base, events: [event('tilt_deg', T0, 1), event('tilt_deg', T0, 2)] }),
          'DATA_INVALID',
          /two events/,
        );
        const bad = elaboratedGrid(1, [1]);
        bad.cumR[0] = Number.POSITIVE_INFINITY;
        await expectCatena(store.writeChunk({ ...base, rows: bad, events: [] }), 'DATA_INVALID', /cumR/);
        expect((await store.readElaborated({ ...A, from: null, to: null })).length).toBe(0);
      });

      it('concurrent writeChunk calls on different chains all succeed', async () => {
        const keys = Array.from({ length: 6 }, (_, i) => ({ controlUnitCode: 'CU009', chain: `P${i}` }));
        try {
          const results = await Promise.all(
            keys.map(async (key) => {
              const runId = await run(key);
              const writes = [];
              for (let c = 0; c < 4; c++) {
                writes.push(
                  await store.writeChunk({
                    ...key,
                    runId,
                    rows: elaboratedGrid(20, [1, 2, 3, 4, 5], T0 + c * 20 * STEP),
                    eventsFrom: T0 + c * 20 * STEP,
                    eventsTo: T0 + (c + 1) * 20 * STEP - 1,
                    events: [event('tilt_deg', T0 + c * 20 * STEP, c % 2)],
                  }),
                );
              }
              return writes;
            }),
          );
          expect(results.flat().every((r) => r.rowsWritten === 100 && r.newEvents.length === 1)).toBe(true);
          for (const key of keys)
            expect((await store.readElaborated({ ...key, from: null, to: null })).length).toBe(400);
        } finally {
          for (const key of keys) await store.deleteChain(key);
        }
      });
    });

    describe('reading the outputs', () => {
      it('readElaborated filters by span and node; a limit keeps the newest rows, in ascending order', async () => {
        const runId = await store.startRun({
          ...A,
          launchId: 'L',
          mode: 'full',
          spanFrom: null,
          spanTo: null,
          host: 'h',
        });
        const rows = elaboratedGrid(10, [1, 2, 3]);
        await store.writeChunk({ ...A, runId, rows, eventsFrom: T0, eventsTo: T0, events: [] });
        const node2 = await store.readElaborated({
          ...A,
          from: T0 + 2 * STEP,
          to: T0 + 5 * STEP,
          nodeIndex: 2,
        });
        expect(Array.from(node2.timestamp)).toEqual([2, 3, 4, 5].map((i) => T0 + i * STEP));
        expect(Array.from(node2.nodeIndex)).toEqual([2, 2, 2, 2]);
        expect(node2.alphaX[0]).toBe(2 * 10 + 2 / 4);
        const last4 = await store.readElaborated({ ...A, from: null, to: null, limit: 4 });
        expect(Array.from(last4.timestamp)).toEqual([8, 9, 9, 9].map((i) => T0 + i * STEP));
        expect(Array.from(last4.nodeIndex)).toEqual([3, 1, 2, 3]);
        expect(Array.from(last4.flags)).toEqual([2, 0, 0, 0]);
        const none = await store.readElaborated({ ...B, from: null, to: null });
        expect(none.length).toBe(0);
      });

      it('flagCounts counts rows per node and flag bit over a span, for one chain only', async () => {
        const run = (key: ChainKey) =>
          store.startRun({ ...key, launchId: 'L', mode: 'full', spanFrom: null, spanTo: null, host: 'h' });
        const at = (i: number) => T0 + i * STEP;
        // flags per timestamp 0..3: node 1 = 0, INVALID|HELD, SPIKE_X|SPIKE_Y, NO_REFERENCE|GRAVITY;
        // node 2 = INVALID|SPIKE_X, INVALID|SPIKE_Y, all six bits, 0; node 3 only at 0 = GRAVITY
        const flags: Record<number, number[]> = { 1: [0, 9, 6, 48], 2: [3, 5, 63, 0], 3: [32] };
        const rows = elaborated(
          Object.entries(flags).flatMap(([n, fs]) =>
            fs.map((f, i) => ({ t: at(i), n: Number(n), v: 1, flags: f })),
          ),
        );
        await store.writeChunk({ ...A, runId: await run(A), rows, eventsFrom: T0, eventsTo: T0, events: [] });
        const other = elaborated([{ t: at(1), n: 1, v: 1, flags: 63 }]);
        await store.writeChunk({
          ...B,
          runId: await run(B),
          rows: other,
          eventsFrom: T0,
          eventsTo: T0,
          events: [],
        });

        expect(await store.flagCounts({ key: A, from: null, to: null })).toEqual([
          {
            nodeIndex: 1,
            rows: 4,
            invalid: 1,
            spikeX: 1,
            spikeY: 1,
            held: 1,
            noReference: 1,
            gravity: 1,
            firstAt: at(0),
            lastAt: at(3),
          },
          {
            nodeIndex: 2,
            rows: 4,
            invalid: 3,
            spikeX: 2,
            spikeY: 2,
            held: 1,
            noReference: 1,
            gravity: 1,
            firstAt: at(0),
            lastAt: at(3),
          },
          {
            nodeIndex: 3,
            rows: 1,
            invalid: 0,
            spikeX: 0,
            spikeY: 0,
            held: 0,
            noReference: 0,
            gravity: 1,
            firstAt: at(0),
            lastAt: at(0),
          },
        ]);
        // inclusive bounds: timestamps 1 and 2 only (node 3 has no row there)
        expect(await store.flagCounts({ key: A, from: at(1), to: at(2) })).toEqual([
          {
            nodeIndex: 1,
            rows: 2,
            invalid: 1,
            spikeX: 1,
            spikeY: 1,
            held: 1,
            noReference: 0,
            gravity: 0,
            firstAt: at(1),
            lastAt: at(2),
          },
          {
            nodeIndex: 2,
            rows: 2,
            invalid: 2,
            spikeX: 1,
            spikeY: 2,
            held: 1,
            noReference: 1,
            gravity: 1,
            firstAt: at(1),
            lastAt: at(2),
          },
        ]);
        expect(await store.flagCounts({ key: B, from: null, to: at(0) })).toEqual([]);
        expect(await store.flagCounts({ key: C, from: null, to: null })).toEqual([]);
      });

      it('listEvents filters by chain and time, newest first, with a limit; markNotified sets notifiedAt', async () => {
        const runId = await store.startRun({
          ...A,
          launchId: 'L',
          mode: 'full',
          spanFrom: null,
          spanTo: null,
          host: 'h',
        });
        const runB = await store.startRun({
          ...B,
          launchId: 'L',
          mode: 'full',
          spanFrom: null,
          spanTo: null,
          host: 'h',
        });
        const events = [0, 1, 2, 3].map((i) => event('tilt_deg', T0 + i * STEP, (i + 1) % 3));
        await store.writeChunk({
          ...A,
          runId,
          rows: elaboratedGrid(1, [1]),
          eventsFrom: T0,
          eventsTo: T0 + 3 * STEP,
          events,
        });
        await store.writeChunk({
          ...B,
          runId: runB,
          rows: elaboratedGrid(1, [1]),
          eventsFrom: T0,
          eventsTo: T0,
          events: [event('cumulative_mm', T0, 2)],
        });
        const mine = await store.listEvents({ key: A });
        expect(mine.map((e) => e.timestamp)).toEqual([3, 2, 1, 0].map((i) => T0 + i * STEP));
        expect(mine[0]).toMatchObject({
          ...A,
          metric: 'tilt_deg',
          level: 1,
          previousLevel: 0,
          nodeIndex: 3,
          value: 1.5,
          runId,
          notifiedAt: null,
        });
        expect(mine[1]).toMatchObject({ level: 0, nodeIndex: null, value: null });
        expect((await store.listEvents({ key: A, from: T0 + STEP, to: T0 + 2 * STEP })).length).toBe(2);
        expect((await store.listEvents({ key: A, limit: 1 })).map((e) => e.timestamp)).toEqual([
          T0 + 3 * STEP,
        ]);
        const all = await store.listEvents({ from: T0, to: T0 });
        expect(all.map((e) => `${e.chain}:${e.metric}`).sort()).toEqual(['A:tilt_deg', 'B:cumulative_mm']);
        await store.markNotified(A, [events[1]!, events[3]!], T0 + 999);
        await store.markNotified(A, [], T0 + 5);
        const notified = (await store.listEvents({ key: A })).map((e) => e.notifiedAt);
        expect(notified).toEqual([T0 + 999, null, T0 + 999, null]);
      });
    });

    describe('runs', () => {
      it('startRun / endRun / listRuns record a run and filter by chain and launch, newest first', async () => {
        const r1 = await store.startRun({
          ...A,
          launchId: 'launch-1',
          mode: 'range',
          spanFrom: T0,
          spanTo: T0 + STEP,
          host: 'ws-1',
        });
        const r2 = await store.startRun({
          ...B,
          launchId: 'launch-1',
          mode: 'incremental',
          spanFrom: null,
          spanTo: null,
          host: 'ws-1',
        });
        const r3 = await store.startRun({
          ...A,
          launchId: 'launch-2',
          mode: 'full',
          spanFrom: null,
          spanTo: null,
          host: 'ws-2',
        });
        expect(r2).toBeGreaterThan(r1);
        expect(r3).toBeGreaterThan(r2);
        await store.endRun(r1, END);
        await store.endRun(r2, {
          ...END,
          status: 'failed',
          phase: 'configuring',
          message: 'chain CU001-B, node 7: gainX is null in rsn_nodes',
          errorCode: 'CHAIN_CONFIG',
        });
        const runs = await store.listRuns({ key: A });
        expect(runs.map((r) => r.runId)).toEqual([r3, r1]);
        const [second, first] = runs;
        expect(first).toMatchObject({
          ...A,
          ...END,
          runId: r1,
          launchId: 'launch-1',
          mode: 'range',
          spanFrom: T0,
          spanTo: T0 + STEP,
          host: 'ws-1',
        });
        expect(first!.endedAt).toBeGreaterThanOrEqual(first!.startedAt);
        expect(Math.abs(first!.startedAt - Date.now() / 1000)).toBeLessThan(120);
        expect(second).toMatchObject({
          status: 'running',
          endedAt: null,
          rowsRead: 0,
          eventsCreated: 0,
          spanFrom: null,
        });
        const launch1 = await store.listRuns({ launchId: 'launch-1' });
        expect(launch1.map((r) => r.runId)).toEqual([r2, r1]);
        expect(launch1[0]).toMatchObject({
          status: 'failed',
          phase: 'configuring',
          errorCode: 'CHAIN_CONFIG',
        });
        expect((await store.listRuns({ limit: 1 })).length).toBe(1);
      });
    });

    describe('deleteChain', () => {
      it('removes the chain from every table and leaves the other chains', async () => {
        for (const key of [A, B]) {
          await store.upsertStation(station(key));
          await store.replaceChainConfig(key, [node(key, 1)], [threshold(key, 'tilt_deg', 1, 1)]);
          await store.writeRaw(key, rawGrid(3, [1]));
          const runId = await store.startRun({
            ...key,
            launchId: 'L',
            mode: 'full',
            spanFrom: null,
            spanTo: null,
            host: 'h',
          });
          await store.writeChunk({
            ...key,
            runId,
            rows: elaboratedGrid(3, [1]),
            eventsFrom: T0,
            eventsTo: T0,
            events: [event('tilt_deg', T0, 1)],
          });
        }
        await store.deleteChain(A);
        expect(await store.readChainSetup(A)).toBeNull();
        for (const table of [
          'active_stations',
          'rsn_nodes',
          'rsn_thresholds',
          'raw_rsn_data',
          'elaborated_rsn_data',
          'rsn_alarm_events',
          'catena_runs',
        ]) {
          const count = async (key: ChainKey) =>
            Number(
              (
                await opened.sql.rows(
                  `SELECT COUNT(*) AS n FROM ${table} WHERE controlUnitCode = ? AND chain = ?`,
                  [key.controlUnitCode, key.chain],
                )
              )[0]!.n,
            );
          expect(await count(A), table).toBe(0);
          expect(await count(B), table).toBeGreaterThan(0);
        }
      });
    });
  });
}
