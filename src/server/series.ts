/**
 * Series for the API: downsampling by time buckets, and the newest row of
 * each node.
 *
 * Downsampling (`points = N`): the span from the first to the last timestamp
 * of the rows is cut into N equal buckets, the same for every node, so that
 * the nodes' points line up. Each node's rows of one bucket become one row:
 * the mean of each value (NaN/NULL left out; null when all are), the mean
 * timestamp (rounded), the OR of the flags (a spike or an invalid row in the
 * bucket stays visible) and `samples`, how many rows it stands for.
 */
import type { WireSeries } from '../contract/wire.ts';
import { encodeSeries, finiteOrNull } from '../contract/wire.ts';
import type { ElaboratedColumns } from '../core/domain/columns.ts';
import { ELABORATED_VALUES } from '../core/domain/columns.ts';

export type SeriesColumns = ElaboratedColumns;

export interface Downsampled {
  series: WireSeries & { samples?: number[] };
  /** null when the rows are answered as stored */
  bucketSeconds: number | null;
}

export function downsample(columns: ElaboratedColumns, points: number | null): Downsampled {
  const n = columns.length;
  if (points === null || n === 0) return { series: encodeSeries(columns), bucketSeconds: null };
  const first = columns.timestamp[0]!;
  const last = columns.timestamp[n - 1]!;
  const distinct = new Set(columns.timestamp).size;
  if (distinct <= points) return { series: encodeSeries(columns), bucketSeconds: null };

  // bucket b holds first + b·width ≤ t < first + (b+1)·width; the last timestamp falls in bucket points-1
  const bucketSeconds = Math.floor((last - first) / points) + 1;
  const values = ELABORATED_VALUES;
  interface Acc {
    bucket: number;
    nodeIndex: number;
    count: number;
    timeSum: number;
    sums: Float64Array;
    counts: Int32Array;
    flags: number;
  }
  const accs = new Map<string, Acc>();
  for (let i = 0; i < n; i++) {
    const bucket = Math.floor((columns.timestamp[i]! - first) / bucketSeconds);
    const nodeIndex = columns.nodeIndex[i]!;
    const id = `${bucket}:${nodeIndex}`;
    let acc = accs.get(id);
    if (!acc) {
      acc = {
        bucket,
        nodeIndex,
        count: 0,
        timeSum: 0,
        sums: new Float64Array(values.length),
        counts: new Int32Array(values.length),
        flags: 0,
      };
      accs.set(id, acc);
    }
    acc.count++;
    acc.timeSum += columns.timestamp[i]!;
    acc.flags |= columns.flags[i]!;
    for (let v = 0; v < values.length; v++) {
      const x = columns[values[v]!][i]!;
      if (Number.isFinite(x)) {
        acc.sums[v]! += x;
        acc.counts[v]!++;
      }
    }
  }
  const rows = [...accs.values()].sort((a, b) => a.bucket - b.bucket || a.nodeIndex - b.nodeIndex);
  const column = (v: number) => rows.map((r) => (r.counts[v]! > 0 ? r.sums[v]! / r.counts[v]! : null));
  const byName = Object.fromEntries(values.map((name, v) => [name, column(v)])) as Record<
    (typeof values)[number],
    (number | null)[]
  >;
  return {
    bucketSeconds,
    series: {
      length: rows.length,
      timestamp: rows.map((r) => Math.round(r.timeSum / r.count)),
      nodeIndex: rows.map((r) => r.nodeIndex),
      ...byName,
      flags: rows.map((r) => r.flags),
      samples: rows.map((r) => r.count),
    },
  };
}

export interface LatestRow {
  nodeIndex: number;
  timestamp: number;
  alphaX: number | null;
  alphaY: number | null;
  temperature: number | null;
  dispX: number | null;
  dispY: number | null;
  cumX: number | null;
  cumY: number | null;
  cumR: number | null;
  velR: number | null;
  flags: number;
}

/** Every row of the columns, in their order. */
export function rowsOf(columns: ElaboratedColumns): LatestRow[] {
  const rows: LatestRow[] = [];
  for (let i = 0; i < columns.length; i++) rows.push(rowAt(columns, i));
  return rows;
}

function rowAt(columns: ElaboratedColumns, i: number): LatestRow {
  return {
    nodeIndex: columns.nodeIndex[i]!,
    timestamp: columns.timestamp[i]!,
    alphaX: finiteOrNull(columns.alphaX[i]),
    alphaY: finiteOrNull(columns.alphaY[i]),
    temperature: finiteOrNull(columns.temperature[i]),
    dispX: finiteOrNull(columns.dispX[i]),
    dispY: finiteOrNull(columns.dispY[i]),
    cumX: finiteOrNull(columns.cumX[i]),
    cumY: finiteOrNull(columns.cumY[i]),
    cumR: finiteOrNull(columns.cumR[i]),
    velR: finiteOrNull(columns.velR[i]),
    flags: columns.flags[i]!,
  };
}

/** The newest row of each node among the columns. */
export function latestRows(columns: ElaboratedColumns): Map<number, LatestRow> {
  const rows = new Map<number, LatestRow>();
  for (let i = 0; i < columns.length; i++) {
    const nodeIndex = columns.nodeIndex[i]!;
    const timestamp = columns.timestamp[i]!;
    const known = rows.get(nodeIndex);
    if (known && known.timestamp >= timestamp) continue;
    rows.set(nodeIndex, rowAt(columns, i));
  }
  return rows;
}
