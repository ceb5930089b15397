/**
 * A node's series as the charts draw it: typed columns (NaN for a missing
 * value) downsampled for display. Pure functions, run in the series worker
 * (src/renderer/src/series.worker.ts) so that neither the parse nor the
 * downsampling of a long series holds up the page, and in the page itself
 * where a worker cannot start.
 */
import type { WireSeries } from '../../contract/wire.ts';

/** The columns the series charts draw. */
export const SERIES_COLUMNS = ['alphaX', 'alphaY', 'cumX', 'cumY', 'cumR', 'velR', 'temperature'] as const;
export type SeriesColumn = (typeof SERIES_COLUMNS)[number];

export interface ChartSeries {
  /** rows of the answer, before downsampling */
  total: number;
  /** first and last timestamp of the answer (epoch seconds), null when empty */
  span: [number, number] | null;
  /** the drawn points' timestamps, oldest first */
  t: Float64Array;
  values: Record<SeriesColumn, Float64Array>;
}

function column(values: readonly (number | null)[], picked: Int32Array): Float64Array {
  const out = new Float64Array(picked.length);
  for (let i = 0; i < picked.length; i++) {
    const v = values[picked[i]!];
    out[i] = typeof v === 'number' ? v : Number.NaN;
  }
  return out;
}

/**
 * The rows kept for display, at most about `2 × buckets × columns`: the rows
 * are cut into `buckets` runs of equal length, and of each run the first row,
 * the last row and, for every column, the rows of its minimum and maximum are
 * kept. A spike or a step therefore stays on the chart (a stride would drop
 * it); the values themselves are never altered.
 */
export function pickRows(
  length: number,
  columns: readonly (readonly (number | null)[])[],
  buckets: number,
): Int32Array {
  if (length <= buckets * 2) return Int32Array.from({ length }, (_, i) => i);
  const kept: number[] = [];
  const size = length / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = b === buckets - 1 ? length : Math.floor((b + 1) * size);
    const inBucket = new Set<number>([from, to - 1]);
    for (const values of columns) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      let minAt = -1;
      let maxAt = -1;
      for (let i = from; i < to; i++) {
        const v = values[i];
        if (typeof v !== 'number') continue;
        if (v < min) {
          min = v;
          minAt = i;
        }
        if (v > max) {
          max = v;
          maxAt = i;
        }
      }
      if (minAt >= 0) inBucket.add(minAt);
      if (maxAt >= 0) inBucket.add(maxAt);
    }
    kept.push(...[...inBucket].sort((a, b) => a - b));
  }
  return Int32Array.from(kept);
}

/** One node's wire series (rows ordered by timestamp) as chart columns, downsampled to `buckets`. */
export function chartSeries(wire: WireSeries, buckets: number): ChartSeries {
  const n = wire.length;
  const picked = pickRows(
    n,
    SERIES_COLUMNS.map((c) => wire[c]),
    buckets,
  );
  const values = Object.fromEntries(SERIES_COLUMNS.map((c) => [c, column(wire[c], picked)])) as Record<
    SeriesColumn,
    Float64Array
  >;
  const first = wire.timestamp[0];
  const last = wire.timestamp[n - 1];
  return {
    total: n,
    span: n > 0 && typeof first === 'number' && typeof last === 'number' ? [first, last] : null,
    t: column(wire.timestamp, picked),
    values,
  };
}

/** The buffers a worker hands over without a copy. */
export function transferables(series: ChartSeries): ArrayBuffer[] {
  return [series.t.buffer, ...SERIES_COLUMNS.map((c) => series.values[c].buffer)] as ArrayBuffer[];
}
