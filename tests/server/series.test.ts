/** Downsampling and the latest rows, on hand-made columns with the arithmetic in the comments. */
import { describe, expect, it } from 'vitest';
import type { ElaboratedColumns } from '../../src/core/domain/columns.ts';
import { downsample, latestRows } from '../../src/server/series.ts';

/** rows [t, node, value, flags]: every value column = value (NaN = null) */
function columns(rows: [number, number, number, number][]): ElaboratedColumns {
  const f = () => Float64Array.from(rows.map((r) => r[2]));
  return {
    length: rows.length,
    timestamp: Float64Array.from(rows.map((r) => r[0])),
    nodeIndex: Int32Array.from(rows.map((r) => r[1])),
    alphaX: f(),
    alphaY: f(),
    temperature: f(),
    dispX: f(),
    dispY: f(),
    cumX: f(),
    cumY: f(),
    cumR: f(),
    velR: f(),
    flags: Int32Array.from(rows.map((r) => r[3])),
  };
}

// two nodes every 100 s from t = 0 to 500 (6 timestamps), node 2 = node 1 + 10
const grid = columns(
  [0, 100, 200, 300, 400, 500].flatMap((t, i): [number, number, number, number][] => [
    [t, 1, i, i === 4 ? 2 : 0],
    [t, 2, i === 1 ? Number.NaN : i + 10, 0],
  ]),
);

describe('downsampling (bucket-mean)', () => {
  it('2 points: buckets of floor(500/2)+1 = 251 s, the same for both nodes', () => {
    const { series, bucketSeconds } = downsample(grid, 2);
    expect(bucketSeconds).toBe(251);
    // bucket 0 = t 0..250: t 0, 100, 200; bucket 1 = t 251..501: t 300, 400, 500
    expect(series.length).toBe(4);
    expect(series.nodeIndex).toEqual([1, 2, 1, 2]);
    // mean times: (0+100+200)/3 = 100, (300+400+500)/3 = 400
    expect(series.timestamp).toEqual([100, 100, 400, 400]);
    // node 1: mean(0,1,2) = 1, mean(3,4,5) = 4; node 2: mean(10, NaN left out, 12) = 11, mean(13,14,15) = 14
    expect(series.alphaX).toEqual([1, 11, 4, 14]);
    expect(series.cumR).toEqual([1, 11, 4, 14]);
    // the held row (flag 2) of node 1 at t = 400 stays visible
    expect(series.flags).toEqual([0, 0, 2, 0]);
    expect(series.samples).toEqual([3, 3, 3, 3]);
  });

  it('a bucket whose values are all NULL gives null', () => {
    const sparse = columns([
      [0, 1, Number.NaN, 1],
      [10, 1, Number.NaN, 1],
      [1000, 1, 5, 0],
    ]);
    const { series } = downsample(sparse, 2);
    expect(series.alphaX).toEqual([null, 5]);
    expect(series.flags).toEqual([1, 0]);
  });

  it('no points, no rows, or no more timestamps than points: the rows as stored', () => {
    expect(downsample(grid, null).bucketSeconds).toBeNull();
    expect(downsample(grid, 6)).toEqual({ series: downsample(grid, null).series, bucketSeconds: null });
    expect(downsample(columns([]), 3).series.length).toBe(0);
    expect(downsample(grid, null).series.alphaX[3]).toBeNull(); // NaN on the wire is null
  });
});

describe('latest rows', () => {
  it('the newest row of each node, NaN as null', () => {
    const rows = latestRows(
      columns([
        [500, 2, Number.NaN, 0],
        [500, 1, 5, 0],
        [400, 1, 4, 8],
        [300, 3, 3, 0],
      ]),
    );
    expect([...rows.keys()].sort()).toEqual([1, 2, 3]);
    expect(rows.get(1)).toMatchObject({ timestamp: 500, alphaX: 5, flags: 0 });
    expect(rows.get(2)).toMatchObject({ timestamp: 500, alphaX: null });
    expect(rows.get(3)).toMatchObject({ timestamp: 300, alphaX: 3 });
  });
});
