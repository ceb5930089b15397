/**
 * Reading the raw rows: the hot read (readRaw, keyset pages into typed
 * columns, chunking.ts) and the small timestamp queries the engine plans a
 * run with. Times are compared as 'YYYY-MM-DD HH:MM:SS' text, which MySQL
 * converts to DATETIME and SQLite compares in the same order.
 */
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import type { RawColumns } from '../../domain/columns.ts';
import { formatDbTime } from '../../time.ts';
import { readRawChunks } from '../chunking.ts';
import { decodeEpoch, lowerBound, MAX_EPOCH, MIN_EPOCH, upperBound } from '../columns.ts';
import type { SqlContext } from '../context.ts';
import type { SqlValue } from '../executor.ts';
import type { NodeRawRow, RawSpan, ReadRawOptions } from '../port.ts';
import { parseRows, singleNumberSchema } from '../rows.ts';
import { inList } from '../sql.ts';

const keyOf = (span: RawSpan): ChainKey => ({ controlUnitCode: span.controlUnitCode, chain: span.chain });

export function readRaw(
  ctx: SqlContext,
  span: RawSpan,
  options: ReadRawOptions = {},
): AsyncIterable<RawColumns> {
  const { driver, dialect } = ctx;
  const key = keyOf(span);
  const select =
    `SELECT ${dialect.epoch('timestamp')}, nodeIndex, rawX, rawY, rawZ, rawT, errorCode FROM raw_rsn_data ` +
    'WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp, nodeIndex';
  const doing = `reading the raw rows of chain ${chainLabel(key)}`;
  return readRawChunks(
    key,
    span,
    options.chunkRows ?? dialect.sizes.readRows,
    (from, to, limit) =>
      ctx.guard(doing, () => {
        const params: SqlValue[] = [key.controlUnitCode, key.chain, lowerBound(from), upperBound(to)];
        if (limit === null) return driver.allArrays(select, params);
        return driver.allArrays(`${select} LIMIT ?`, [...params, dialect.limit(limit)]);
      }),
    { signal: options.signal },
  );
}

function decodeTimestamps(rows: unknown[][], key: ChainKey): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = decodeEpoch(rows[i]![0], 'raw_rsn_data', key);
  return out;
}

export async function chainTimestamps(
  ctx: SqlContext,
  span: RawSpan,
  nodes: readonly number[],
): Promise<Float64Array> {
  if (nodes.length === 0) return new Float64Array(0);
  const key = keyOf(span);
  const list = inList(nodes);
  const rows = await ctx.guard(`reading the timestamps of chain ${chainLabel(key)}`, () =>
    ctx.driver.allArrays(
      `SELECT ${ctx.dialect.epoch('timestamp')} FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? ` +
        `AND timestamp >= ? AND timestamp <= ? AND nodeIndex IN (${list.sql}) GROUP BY timestamp ORDER BY timestamp`,
      [key.controlUnitCode, key.chain, lowerBound(span.from), upperBound(span.to), ...list.params],
    ),
  );
  return decodeTimestamps(rows, key);
}

async function oneTimestamp(
  ctx: SqlContext,
  key: ChainKey,
  sql: string,
  params: SqlValue[],
): Promise<number | null> {
  const rows = await ctx.guard(`reading the timestamps of chain ${chainLabel(key)}`, () =>
    ctx.driver.allArrays(sql, params),
  );
  const first = rows[0];
  return first && first[0] !== null ? decodeEpoch(first[0], 'raw_rsn_data', key) : null;
}

export async function lastChainTimestampBefore(
  ctx: SqlContext,
  key: ChainKey,
  before: number,
  nodes: readonly number[],
): Promise<number | null> {
  if (nodes.length === 0) return null;
  const list = inList(nodes);
  // timestamp < before ⇔ timestamp < ceil(before) for whole-second times
  const bound = formatDbTime(Math.min(MAX_EPOCH, Math.max(MIN_EPOCH, Math.ceil(before))));
  return oneTimestamp(
    ctx,
    key,
    `SELECT ${ctx.dialect.epoch('timestamp')} FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp < ? ` +
      `AND nodeIndex IN (${list.sql}) ORDER BY timestamp DESC LIMIT 1`,
    [key.controlUnitCode, key.chain, bound, ...list.params],
  );
}

export async function firstChainTimestamp(
  ctx: SqlContext,
  key: ChainKey,
  nodes: readonly number[],
  notBefore: number | null = null,
): Promise<number | null> {
  if (nodes.length === 0) return null;
  const list = inList(nodes);
  return oneTimestamp(
    ctx,
    key,
    `SELECT ${ctx.dialect.epoch('timestamp')} FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? ` +
      `AND timestamp >= ? AND nodeIndex IN (${list.sql}) ORDER BY timestamp LIMIT 1`,
    [key.controlUnitCode, key.chain, lowerBound(notBefore), ...list.params],
  );
}

/** Raw rows of the chain dated before `from` or after `to` (implausible times: left out of every run). */
export async function countRawOutsideTimes(
  ctx: SqlContext,
  key: ChainKey,
  from: number,
  to: number,
): Promise<number> {
  const rows = await ctx.guard(`counting the raw rows of chain ${chainLabel(key)}`, () =>
    ctx.driver.all(
      'SELECT COUNT(*) AS v FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? AND (timestamp < ? OR timestamp > ?)',
      [key.controlUnitCode, key.chain, lowerBound(from), upperBound(to)],
    ),
  );
  return parseRows(singleNumberSchema, rows, 'raw_rsn_data', key)[0]?.v ?? 0;
}

/** The database's clock, epoch seconds: every workstation's runs agree on what "the future" is. */
export async function databaseNow(ctx: SqlContext): Promise<number> {
  const rows = await ctx.guard('reading the database clock', () =>
    ctx.driver.all(`SELECT ${ctx.dialect.nowEpoch} AS v`),
  );
  const now = parseRows(singleNumberSchema, rows, 'the database clock')[0]?.v;
  if (now === undefined || now === null) throw new Error('the database returned no time');
  return now;
}

export async function countRawOutside(
  ctx: SqlContext,
  span: RawSpan,
  nodes: readonly number[],
): Promise<number> {
  const key = keyOf(span);
  let sql =
    'SELECT COUNT(*) AS v FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?';
  const params: SqlValue[] = [key.controlUnitCode, key.chain, lowerBound(span.from), upperBound(span.to)];
  if (nodes.length > 0) {
    const list = inList(nodes);
    sql += ` AND nodeIndex NOT IN (${list.sql})`;
    params.push(...list.params);
  }
  const rows = await ctx.guard(`counting the raw rows of chain ${chainLabel(key)}`, () =>
    ctx.driver.all(sql, params),
  );
  return parseRows(singleNumberSchema, rows, 'raw_rsn_data', key)[0]?.v ?? 0;
}

/**
 * One node's raw rows over a span, the newest `limit` of them, oldest first
 * (the console's "raw against elaborated": a suspicious value judged by its
 * counts). Missing values are null.
 */
export async function readNodeRaw(
  ctx: SqlContext,
  key: ChainKey,
  nodeIndex: number,
  span: { from: number | null; to: number | null },
  limit: number,
): Promise<NodeRawRow[]> {
  const rows = await ctx.guard(`reading the raw rows of chain ${chainLabel(key)}, node ${nodeIndex}`, () =>
    ctx.driver.allArrays(
      `SELECT ${ctx.dialect.epoch('timestamp')}, rawX, rawY, rawZ, rawT, errorCode FROM raw_rsn_data ` +
        'WHERE controlUnitCode = ? AND chain = ? AND nodeIndex = ? AND timestamp >= ? AND timestamp <= ? ' +
        'ORDER BY timestamp DESC LIMIT ?',
      [
        key.controlUnitCode,
        key.chain,
        nodeIndex,
        lowerBound(span.from),
        upperBound(span.to),
        ctx.dialect.limit(limit),
      ],
    ),
  );
  const out: NodeRawRow[] = rows.map((r) => ({
    timestamp: decodeEpoch(r[0], 'raw_rsn_data', key),
    rawX: numberOrNull(r[1]),
    rawY: numberOrNull(r[2]),
    rawZ: numberOrNull(r[3]),
    rawT: numberOrNull(r[4]),
    errorCode: numberOrNull(r[5]),
  }));
  return out.reverse();
}

/** A driver's number (MySQL may answer a DOUBLE as text, a BIGINT as bigint) or null. */
function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}
