/**
 * Column arrays at the store boundary: allocation, decoding database values
 * into typed arrays (NULL → NaN), checking what a caller hands in before it
 * is written, and the time formatting the hot paths share.
 */

import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import {
  allocElaborated,
  allocRaw,
  ELABORATED_VALUES,
  type ElaboratedColumns,
  RAW_VALUES,
  type RawColumns,
} from '../domain/columns.ts';
import { CatenaError } from '../errors.ts';
import { formatDbTime } from '../time.ts';
import type { KeyedRows } from './dialect.ts';
import type { SqlValue } from './executor.ts';

/** Column order of elaborated rows in bulk writes. */
export const ELABORATED_COLUMNS = [
  'controlUnitCode',
  'chain',
  'timestamp',
  'nodeIndex',
  ...ELABORATED_VALUES,
  'flags',
  'runId',
] as const;
/** Column order of raw rows in bulk writes. */
export const RAW_COLUMNS = [
  'controlUnitCode',
  'chain',
  'timestamp',
  'nodeIndex',
  ...RAW_VALUES,
  'errorCode',
] as const;

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * A stored double: NULL → NaN; a number (or a numeric string, e.g. from a
 * DECIMAL or a TEXT column of a legacy table) → its value; anything else
 * (non-numeric text or a blob, possible in SQLite) → +Infinity, so that the
 * elaboration sees it as not finite (port.ts, RawColumns).
 */
export function decodeDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return Number.POSITIVE_INFINITY;
}

/** A stored integer for an Int32 column: NULL → 0; a non-numeric value → -1 (an error code). */
export function decodeInt(value: unknown): number {
  if (typeof value === 'number') return value | 0;
  if (value === null || value === undefined) return 0;
  if (typeof value === 'bigint') return Number(value) | 0;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value) | 0;
  return -1;
}

/** An epoch-seconds value selected by the adapter (TIMESTAMPDIFF / unixepoch). */
export function decodeEpoch(value: unknown, table: string, key: ChainKey): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || (typeof value === 'string' && NUMERIC.test(value))) return Number(value);
  throw new CatenaError(
    'DATA_INVALID',
    `Chain ${chainLabel(key)}: ${table} has a timestamp that is not a date and time ` +
      "('YYYY-MM-DD HH:MM:SS'); correct or delete that row.",
    { ...key, table, column: 'timestamp' },
  );
}

/** Raw rows selected as [epoch, nodeIndex, rawX, rawY, rawZ, rawT, errorCode], first `count` of them. */
export function rawFromRows(rows: readonly unknown[], count: number, key: ChainKey): RawColumns {
  const out = allocRaw(count);
  const { timestamp, nodeIndex, rawX, rawY, rawZ, rawT, errorCode } = out;
  let lastEpochValue: unknown;
  let lastEpoch = 0;
  for (let i = 0; i < count; i++) {
    const row = rows[i] as unknown[];
    const epochValue = row[0];
    if (epochValue !== lastEpochValue) {
      lastEpoch = decodeEpoch(epochValue, 'raw_rsn_data', key);
      lastEpochValue = epochValue;
    }
    timestamp[i] = lastEpoch;
    nodeIndex[i] = decodeInt(row[1]);
    rawX[i] = decodeDouble(row[2]);
    rawY[i] = decodeDouble(row[3]);
    rawZ[i] = decodeDouble(row[4]);
    rawT[i] = decodeDouble(row[5]);
    errorCode[i] = decodeInt(row[6]);
  }
  return out;
}

/**
 * Elaborated rows selected as [epoch, nodeIndex, alphaX … velR, flags(, runId)]; when
 * `reversed`, the rows came newest first and are stored oldest first.
 */
export function elaboratedFromRows(
  rows: readonly unknown[],
  key: ChainKey,
  reversed: boolean,
  withRunIds = false,
): ElaboratedColumns {
  const count = rows.length;
  const out = allocElaborated(count);
  const runId = withRunIds ? new Int32Array(count) : null;
  if (runId) out.runId = runId;
  const values = ELABORATED_VALUES.map((name) => out[name]);
  for (let r = 0; r < count; r++) {
    const row = rows[r] as unknown[];
    const i = reversed ? count - 1 - r : r;
    out.timestamp[i] = decodeEpoch(row[0], 'elaborated_rsn_data', key);
    out.nodeIndex[i] = decodeInt(row[1]);
    for (let c = 0; c < values.length; c++) values[c]![i] = decodeDouble(row[2 + c]);
    out.flags[i] = decodeInt(row[2 + values.length]);
    if (runId) runId[i] = decodeInt(row[3 + values.length]);
  }
  return out;
}

function invalid(key: ChainKey, table: string, column: string, message: string): CatenaError {
  return new CatenaError('DATA_INVALID', `Chain ${chainLabel(key)}: ${message}`, { ...key, table, column });
}

function checkLengths(
  key: ChainKey,
  table: string,
  length: number,
  arrays: Record<string, ArrayLike<number>>,
) {
  if (!Number.isInteger(length) || length < 0) {
    throw invalid(key, table, 'length', `cannot write ${length} rows to ${table}.`);
  }
  for (const [name, array] of Object.entries(arrays)) {
    if (array.length < length) {
      throw invalid(key, table, name, `column ${name} has ${array.length} values for ${length} rows.`);
    }
  }
}

function checkKeysAndDoubles(
  key: ChainKey,
  table: string,
  length: number,
  timestamp: Float64Array,
  nodeIndex: Int32Array,
  doubles: Record<string, Float64Array>,
) {
  let last = Number.NaN;
  for (let i = 0; i < length; i++) {
    const t = timestamp[i]!;
    if (t !== last) {
      if (!Number.isInteger(t) || t < MIN_EPOCH || t > MAX_EPOCH) {
        throw invalid(
          key,
          table,
          'timestamp',
          `row ${i} has timestamp ${t}, not whole epoch seconds in range.`,
        );
      }
      last = t;
    }
  }
  for (const [name, array] of Object.entries(doubles)) {
    for (let i = 0; i < length; i++) {
      const v = array[i]!;
      // NaN is NULL; ±Infinity has no SQL value (MySQL refuses it), so it is refused in both databases.
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        throw invalid(
          key,
          table,
          name,
          `row ${i} (node ${nodeIndex[i]}) has ${name} = ${v}, which cannot be stored; write NaN for "no value".`,
        );
      }
    }
  }
}

export function checkRawColumns(key: ChainKey, rows: RawColumns): void {
  const { length, timestamp, nodeIndex, errorCode } = rows;
  const doubles = { rawX: rows.rawX, rawY: rows.rawY, rawZ: rows.rawZ, rawT: rows.rawT };
  checkLengths(key, 'raw_rsn_data', length, { timestamp, nodeIndex, errorCode, ...doubles });
  checkKeysAndDoubles(key, 'raw_rsn_data', length, timestamp, nodeIndex, doubles);
}

export function checkElaboratedColumns(key: ChainKey, rows: ElaboratedColumns): void {
  const { length, timestamp, nodeIndex, flags } = rows;
  const doubles: Record<string, Float64Array> = {};
  for (const name of ELABORATED_VALUES) doubles[name] = rows[name];
  checkLengths(key, 'elaborated_rsn_data', length, { timestamp, nodeIndex, flags, ...doubles });
  checkKeysAndDoubles(key, 'elaborated_rsn_data', length, timestamp, nodeIndex, doubles);
}

/** DATETIME's range: 1000-01-01 00:00:00 … 9999-12-31 23:59:59. */
export const MIN_EPOCH = -30_610_224_000;
export const MAX_EPOCH = 253_402_300_799;

/** The inclusive lower bound of a span as a database time (null = the beginning). */
export function lowerBound(from: number | null | undefined): string {
  if (from === null || from === undefined || Number.isNaN(from)) return formatDbTime(MIN_EPOCH);
  return formatDbTime(Math.min(MAX_EPOCH, Math.max(MIN_EPOCH, Math.ceil(from))));
}

/** The inclusive upper bound of a span as a database time (null = the end). */
export function upperBound(to: number | null | undefined): string {
  if (to === null || to === undefined || Number.isNaN(to)) return formatDbTime(MAX_EPOCH);
  return formatDbTime(Math.min(MAX_EPOCH, Math.max(MIN_EPOCH, Math.floor(to))));
}

/**
 * formatDbTime with a one-entry cache: rows come grouped by timestamp, so
 * a chunk of 50 nodes formats each timestamp once, not 50 times.
 */
export class TimeFormatter {
  private lastEpoch = Number.NaN;
  private lastText = '';

  format(epochSeconds: number): string {
    if (epochSeconds !== this.lastEpoch) {
      this.lastEpoch = epochSeconds;
      this.lastText = formatDbTime(epochSeconds);
    }
    return this.lastText;
  }
}

/** Now, in whole epoch seconds. */
export function nowEpoch(): number {
  return Math.floor(Date.now() / 1000);
}

/** Elaborated rows [start, end) of one chain as written by writeChunk. */
export function elaboratedKeyedRows(
  key: ChainKey,
  runId: number | Int32Array,
  rows: ElaboratedColumns,
  start = 0,
  end = rows.length,
): KeyedRows {
  return {
    table: 'elaborated_rsn_data',
    key,
    columns: ELABORATED_COLUMNS,
    timestamp: rows.timestamp,
    nodeIndex: rows.nodeIndex,
    values: ELABORATED_VALUES.map((name) => rows[name]),
    tail: [rows.flags, runId],
    start,
    end,
  };
}

/** Raw rows [start, end) of one chain as written by writeRaw. */
export function rawKeyedRows(key: ChainKey, rows: RawColumns, start = 0, end = rows.length): KeyedRows {
  return {
    table: 'raw_rsn_data',
    key,
    columns: RAW_COLUMNS,
    timestamp: rows.timestamp,
    nodeIndex: rows.nodeIndex,
    values: RAW_VALUES.map((name) => rows[name]),
    tail: [rows.errorCode],
    start,
    end,
  };
}

/** Binds row i of `rows` at params[at…], in column order (NaN as NULL); returns the index after it. */
export function bindKeyedRow(
  params: SqlValue[],
  at: number,
  rows: KeyedRows,
  time: TimeFormatter,
  i: number,
): number {
  params[at] = rows.key.controlUnitCode;
  params[at + 1] = rows.key.chain;
  params[at + 2] = time.format(rows.timestamp[i]!);
  params[at + 3] = rows.nodeIndex[i]!;
  let next = at + 4;
  for (const column of rows.values) {
    const v = column[i]!;
    params[next++] = Number.isNaN(v) ? null : v;
  }
  for (const column of rows.tail) params[next++] = typeof column === 'number' ? column : column[i]!;
  return next;
}
