/** Raw rows: writing, reading in chunks, the timestamp queries. */

import { expect, it } from 'vitest';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { concatRaw, elaboratedGrid, plain, raw, rawGrid, STEP, T0 } from './fixtures.ts';
import { A, B, collect, describeStore, expectCatena } from './suite.ts';

describeStore('raw rows', (db) => {
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
    await db.store.writeRaw(A, reversed);
    const chunks = await collect(db.store.readRaw({ ...A, from: null, to: null }));
    expect(chunks).toHaveLength(1);
    expect(plain(chunks[0]!)).toEqual(plain(grid));
    expect(Number.isNaN(chunks[0]!.rawZ[1]!)).toBe(true); // node 2: rawZ NULL
  });

  it('writeRaw overwrites rows with the same key', async () => {
    await db.store.writeRaw(A, rawGrid(3, [1, 2]));
    await db.store.writeRaw(A, raw([{ t: T0 + STEP, n: 2, x: 7, y: 8, e: 9 }]));
    const all = concatRaw(await collect(db.store.readRaw({ ...A, from: null, to: null })));
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
    await db.store.writeRaw(A, rawGrid(10, [1, 2]));
    await db.store.writeRaw(B, rawGrid(10, [1, 2]));
    const span = async (from: number | null, to: number | null) =>
      Array.from(concatRaw(await collect(db.store.readRaw({ ...A, from, to }))).timestamp);
    expect(await span(T0 + 2 * STEP, T0 + 4 * STEP)).toEqual([2, 2, 3, 3, 4, 4].map((i) => T0 + i * STEP));
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
    await db.store.writeRaw(A, uneven);
    for (const chunkRows of [1, 2, 5, 7, 8, 50, 1000]) {
      const chunks = await collect(db.store.readRaw({ ...A, from: null, to: null }, { chunkRows }));
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
    await db.store.writeRaw(A, rawGrid(20, [1, 2]));
    const controller = new AbortController();
    const chunks: RawColumns[] = [];
    const reading = (async () => {
      for await (const chunk of db.store.readRaw(
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
    await db.store.writeRaw(
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
      db.store.chainTimestamps({ ...A, from, to }, nodes).then((a) => Array.from(a));
    expect(await ts(null, null, [1, 2])).toEqual([T0, T0 + STEP, T0 + 3 * STEP]);
    expect(await ts(null, null, [3])).toEqual([T0 + 2 * STEP]);
    expect(await ts(T0 + STEP, T0 + 3 * STEP, [1, 2, 3])).toEqual([T0 + STEP, T0 + 2 * STEP, T0 + 3 * STEP]);
    expect(await ts(null, null, [])).toEqual([]);
    expect(await ts(null, null, [1, 2, 3, 4, 5])).toHaveLength(4); // IN list padded internally
  });

  it('lastChainTimestampBefore and firstChainTimestamp look only at the given nodes', async () => {
    await db.store.writeRaw(
      A,
      raw([
        { t: T0, n: 5 },
        { t: T0 + STEP, n: 1 },
        { t: T0 + 2 * STEP, n: 1 },
        { t: T0 + 3 * STEP, n: 5 },
      ]),
    );
    expect(await db.store.firstChainTimestamp(A, [1])).toBe(T0 + STEP);
    expect(await db.store.firstChainTimestamp(A, [1, 5])).toBe(T0);
    expect(await db.store.firstChainTimestamp(A, [7])).toBeNull();
    expect(await db.store.lastChainTimestampBefore(A, T0 + 3 * STEP, [1])).toBe(T0 + 2 * STEP);
    expect(await db.store.lastChainTimestampBefore(A, T0 + 2 * STEP, [1, 5])).toBe(T0 + STEP); // strictly before
    expect(await db.store.lastChainTimestampBefore(A, T0 + 3 * STEP + 0.5, [5])).toBe(T0 + 3 * STEP);
    expect(await db.store.lastChainTimestampBefore(A, T0, [1, 5])).toBeNull();
    expect(await db.store.lastChainTimestampBefore(A, T0 + 9 * STEP, [])).toBeNull();
  });

  it('countRawOutside counts the span rows of nodes not listed', async () => {
    await db.store.writeRaw(A, rawGrid(4, [1, 2, 3, 9]));
    expect(await db.store.countRawOutside({ ...A, from: null, to: null }, [1, 2, 3])).toBe(4);
    expect(await db.store.countRawOutside({ ...A, from: T0 + STEP, to: T0 + 2 * STEP }, [1, 2])).toBe(4);
    expect(await db.store.countRawOutside({ ...A, from: null, to: null }, [])).toBe(16);
    expect(await db.store.countRawOutside({ ...A, from: null, to: null }, [1, 2, 3, 9])).toBe(0);
  });

  // Defined only where it applies, so no test shows as skipped.
  if (db.target.dialect === 'sqlite')
    it('a non-numeric value stored by another program reads as +Infinity (not finite), NULL as NaN', async () => {
      await db.store.writeRaw(A, rawGrid(1, [1, 2]));
      await db.opened.sql.exec(
        "UPDATE raw_rsn_data SET rawX = 'ERR', rawY = X'00ff', errorCode = 'E7' WHERE controlUnitCode = ? AND chain = ? AND nodeIndex = 2",
        [A.controlUnitCode, A.chain],
      );
      const [chunk] = await collect(db.store.readRaw({ ...A, from: null, to: null }));
      expect([chunk!.rawX[1], chunk!.rawY[1], chunk!.errorCode[1]]).toEqual([
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        -1,
      ]);
      expect(chunk!.rawX[0]).toBe(1000 + 1 / 8);
    });

  if (db.target.dialect === 'mysql')
    it('a chain code longer than its column is refused as DATA_INVALID and nothing is written', async () => {
      const long = { controlUnitCode: 'CU'.repeat(20), chain: 'A' };
      const error = await expectCatena(db.store.writeRaw(long, rawGrid(2, [1])), 'DATA_INVALID');
      expect(error.message).toMatch(/32 characters/);
      const runId = await db.store.startRun({
        ...A,
        launchId: 'L',
        mode: 'full',
        spanFrom: null,
        spanTo: null,
        host: 'h',
      });
      await expectCatena(
        db.store.writeChunk({
          ...long,
          runId,
          rows: elaboratedGrid(2, [1]),
          eventsFrom: T0,
          eventsTo: T0,
          events: [],
        }),
        'DATA_INVALID',
      );
      const counts = await db.opened.sql.rows(
        "SELECT (SELECT COUNT(*) FROM raw_rsn_data WHERE controlUnitCode LIKE 'CUCU%') AS r, (SELECT COUNT(*) FROM elaborated_rsn_data WHERE controlUnitCode LIKE 'CUCU%') AS e",
      );
      expect(counts[0]).toEqual({ r: 0, e: 0 });
    });

  it('writeRaw refuses ±Infinity (no SQL value) and nothing is written', async () => {
    const rows = rawGrid(2, [1, 2]);
    rows.rawY[3] = Number.NEGATIVE_INFINITY;
    await expectCatena(db.store.writeRaw(A, rows), 'DATA_INVALID', /rawY.*-Infinity/);
    expect(await collect(db.store.readRaw({ ...A, from: null, to: null }))).toEqual([]);
  });

  it('readNodeRaw: one node of one chain, bounds inclusive, the newest `limit` rows oldest first, NULL as null', async () => {
    await db.store.writeRaw(A, rawGrid(6, [1, 2]));
    await db.store.writeRaw(B, rawGrid(6, [2]));
    const all = await db.store.readNodeRaw(A, 2, { from: null, to: null }, 100);
    expect(all.map((r) => r.timestamp)).toEqual([0, 1, 2, 3, 4, 5].map((i) => T0 + i * STEP));
    // rawGrid: x = 1000 + i + n/8, y = −2000 − i/4 − n, z NULL for even nodes, T = 21.5 + n/100, e = 4 at i = 3
    expect(all[3]).toEqual({
      timestamp: T0 + 3 * STEP,
      rawX: 1000 + 3 + 2 / 8,
      rawY: -2000 - 0.75 - 2,
      rawZ: null,
      rawT: 21.52,
      errorCode: 4,
    });
    const span = await db.store.readNodeRaw(A, 1, { from: T0 + STEP, to: T0 + 4 * STEP }, 100);
    expect(span.map((r) => r.timestamp)).toEqual([1, 2, 3, 4].map((i) => T0 + i * STEP));
    expect(span[0]!.rawZ).toBe(16001);
    // bounded: the 2 newest of the span, still oldest first
    const newest = await db.store.readNodeRaw(A, 1, { from: T0 + STEP, to: T0 + 4 * STEP }, 2);
    expect(newest.map((r) => r.timestamp)).toEqual([T0 + 3 * STEP, T0 + 4 * STEP]);
    expect(await db.store.readNodeRaw(A, 9, { from: null, to: null }, 100)).toEqual([]);
  });
});
