/**
 * JSON-safe shapes of outputs that the core returns as typed arrays. NaN
 * (SQL NULL) becomes null; Int32Array columns become plain number arrays.
 */
import type { ElaboratedColumns } from '../core/domain/columns.ts';

export type WireColumns<T> = {
  [K in keyof T]: T[K] extends Float64Array ? (number | null)[] : T[K] extends Int32Array ? number[] : T[K];
};

/** `ElaboratedColumns` on the wire: same columns, arrays of numbers, null for NaN. */
export type WireSeries = WireColumns<ElaboratedColumns>;

function floats(column: Float64Array): (number | null)[] {
  const out = new Array<number | null>(column.length);
  for (let i = 0; i < column.length; i++) {
    const v = column[i]!;
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}

function ints(column: Int32Array): number[] {
  return Array.from(column);
}

export function encodeSeries(c: ElaboratedColumns): WireSeries {
  return {
    length: c.length,
    timestamp: floats(c.timestamp),
    nodeIndex: ints(c.nodeIndex),
    alphaX: floats(c.alphaX),
    alphaY: floats(c.alphaY),
    temperature: floats(c.temperature),
    dispX: floats(c.dispX),
    dispY: floats(c.dispY),
    cumX: floats(c.cumX),
    cumY: floats(c.cumY),
    cumR: floats(c.cumR),
    velR: floats(c.velR),
    flags: ints(c.flags),
  };
}

/** Replaces non-finite numbers by null in a plain JSON value (defensive, for outputs that are objects). */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
