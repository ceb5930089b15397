/**
 * Rows in columns: what flows between the store, the engine and the
 * elaboration. Times are epoch seconds (UTC); numeric SQL NULL is NaN (a
 * double read from a database is never NaN, so the encoding is lossless).
 * The column lists are defined here once.
 */

/**
 * Raw rows in columns, ordered by (timestamp, nodeIndex). A chunk never splits
 * the rows of one timestamp.
 */
export interface RawColumns {
  length: number;
  timestamp: Float64Array;
  nodeIndex: Int32Array;
  /** NaN = SQL NULL; a non-numeric value (possible in SQLite) = +Infinity, i.e. not finite */
  rawX: Float64Array;
  rawY: Float64Array;
  rawZ: Float64Array;
  rawT: Float64Array;
  /** SQL NULL = 0 */
  errorCode: Int32Array;
}

/** The value columns of `raw_rsn_data`, in table order. */
export const RAW_VALUES = ['rawX', 'rawY', 'rawZ', 'rawT'] as const;

/** The value columns of `elaborated_rsn_data` (ELABORATION.md §3), in table order. */
export const ELABORATED_VALUES = [
  'alphaX',
  'alphaY',
  'temperature',
  'dispX',
  'dispY',
  'cumX',
  'cumY',
  'cumR',
  'velR',
] as const;

export type ElaboratedValue = (typeof ELABORATED_VALUES)[number];

/** Elaborated rows in columns; NaN = SQL NULL. */
export interface ElaboratedColumns extends Record<ElaboratedValue, Float64Array> {
  length: number;
  timestamp: Float64Array;
  nodeIndex: Int32Array;
  flags: Int32Array;
  /** the run that wrote each row: only when read with `withRunIds` (snapshots keep it) */
  runId?: Int32Array;
}

export function allocRaw(length: number): RawColumns {
  return {
    length,
    timestamp: new Float64Array(length),
    nodeIndex: new Int32Array(length),
    rawX: new Float64Array(length),
    rawY: new Float64Array(length),
    rawZ: new Float64Array(length),
    rawT: new Float64Array(length),
    errorCode: new Int32Array(length),
  };
}

export function allocElaborated(length: number): ElaboratedColumns {
  return {
    length,
    timestamp: new Float64Array(length),
    nodeIndex: new Int32Array(length),
    alphaX: new Float64Array(length),
    alphaY: new Float64Array(length),
    temperature: new Float64Array(length),
    dispX: new Float64Array(length),
    dispY: new Float64Array(length),
    cumX: new Float64Array(length),
    cumY: new Float64Array(length),
    cumR: new Float64Array(length),
    velR: new Float64Array(length),
    flags: new Int32Array(length),
  };
}
