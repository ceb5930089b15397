import { describe, expect, it } from 'vitest';
import type { WireSeries } from '../../contract/wire.ts';
import { niceTicks, timeTicks } from './components/LineCanvas.tsx';
import { chartSeries, pickRows, transferables } from './series-data.ts';

function wire(n: number, value: (i: number) => number | null): WireSeries {
  const col = Array.from({ length: n }, (_, i) => value(i));
  return {
    length: n,
    timestamp: Array.from({ length: n }, (_, i) => 1_800_000_000 + i * 1800),
    nodeIndex: Array.from({ length: n }, () => 7),
    alphaX: col,
    alphaY: col,
    temperature: col,
    dispX: col,
    dispY: col,
    cumX: col,
    cumY: col,
    cumR: col,
    velR: col,
    flags: Array.from({ length: n }, () => 0),
  };
}

describe('pickRows', () => {
  it('keeps every row of a short series', () => {
    expect(Array.from(pickRows(5, [[1, 2, 3, 4, 5]], 10))).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps the first and last row, and each run’s minimum and maximum, so a spike stays', () => {
    const n = 10_000;
    const values = Array.from({ length: n }, (_, i) =>
      i === 4321 ? 99 : i === 8765 ? -99 : Math.sin(i / 50),
    );
    const picked = Array.from(pickRows(n, [values], 100));
    expect(picked[0]).toBe(0);
    expect(picked.at(-1)).toBe(n - 1);
    expect(picked).toContain(4321);
    expect(picked).toContain(8765);
    // at most first, last, min and max of each of the 100 runs, in order, without repeats
    expect(picked.length).toBeLessThanOrEqual(400);
    expect(picked).toEqual([...new Set(picked)].sort((a, b) => a - b));
  });

  it('skips missing values when looking for a run’s extremes', () => {
    const values = [null, null, 5, null, 1, null, null, null];
    const picked = Array.from(pickRows(values.length, [values], 1));
    expect(picked).toEqual([0, 2, 4, 7]);
  });
});

describe('chartSeries', () => {
  it('turns a wire series into typed columns, null as NaN, with its span and row count', () => {
    const s = chartSeries(
      wire(4, (i) => (i === 1 ? null : i)),
      10,
    );
    expect(s.total).toBe(4);
    expect(s.span).toEqual([1_800_000_000, 1_800_000_000 + 3 * 1800]);
    expect(Array.from(s.values.cumR)).toEqual([0, Number.NaN, 2, 3]);
    expect(s.t).toBeInstanceOf(Float64Array);
    expect(transferables(s)).toHaveLength(8);
  });

  it('an empty series has no span', () => {
    const s = chartSeries(
      wire(0, () => 0),
      10,
    );
    expect(s).toMatchObject({ total: 0, span: null });
    expect(s.t.length).toBe(0);
  });
});

describe('chart ticks', () => {
  it('values: round steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(-0.3, 1.2, 3)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('times: whole days at midnight UTC over two months, whole hours over a day', () => {
    const start = Date.UTC(2026, 8, 2, 0, 0) / 1000;
    const ticks = timeTicks(start, Date.UTC(2026, 9, 31, 23, 30) / 1000, 4);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.every((t) => t % 86_400 === 0)).toBe(true);
    const hours = timeTicks(start + 1000, start + 86_400, 6);
    expect(hours.every((t) => t % 3600 === 0)).toBe(true);
    expect(hours.length).toBeGreaterThanOrEqual(4);
  });
});
