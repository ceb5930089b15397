/**
 * SQL text and parameters that both adapters share: the dialects agree on
 * these statements (times compared as 'YYYY-MM-DD HH:MM:SS' text, which
 * MySQL converts to DATETIME and SQLite compares as text in the same order),
 * except for the epoch conversion, passed in as `epoch`.
 */
import type { z } from 'zod';
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import { FLAG_BITS } from '../domain/flags.ts';
import { CatenaError } from '../errors.ts';
import { formatDbTime } from '../time.ts';
import { lowerBound, nowEpoch, upperBound } from './columns.ts';
import type { EventRow } from './events.ts';
import type { ChainSummary, FlagCountQuery, RunEnd, RunStart, SeriesQuery } from './port.ts';
import {
  type chainStatsSchema,
  type EpochSql,
  eventSelect,
  type lastSchema,
  NODE_COLUMNS,
  type nodeCountSchema,
  RUN_COUNT_COLUMNS,
  STATION_COLUMNS,
  type stationListSchema,
} from './rows.ts';
import { clampLimit, type SqlValue } from './sql.ts';

/** Every table with rows of a chain, outputs first. */
export const CHAIN_TABLES = [
  'elaborated_rsn_data',
  'rsn_alarm_events',
  'catena_runs',
  'raw_rsn_data',
  'rsn_thresholds',
  'rsn_nodes',
  'active_stations',
] as const;

export function eventParams(key: ChainKey, runId: number, e: EventRow): SqlValue[] {
  return [
    key.controlUnitCode,
    key.chain,
    e.metric,
    formatDbTime(e.timestamp),
    e.level,
    e.previousLevel,
    e.nodeIndex,
    e.value,
    runId,
    formatDbTime(e.createdAt),
    e.notifiedAt === null ? null : formatDbTime(e.notifiedAt),
  ];
}

const dbTimeOrNull = (t: number | null): string | null => (t === null ? null : formatDbTime(t));

export function runStartParams(run: RunStart): SqlValue[] {
  return [
    run.launchId,
    run.controlUnitCode,
    run.chain,
    run.mode,
    dbTimeOrNull(run.spanFrom),
    dbTimeOrNull(run.spanTo),
    run.host.slice(0, 255),
    formatDbTime(nowEpoch()),
  ];
}

export function runEndParams(end: RunEnd): SqlValue[] {
  return [
    end.status,
    formatDbTime(nowEpoch()),
    end.phase === null ? null : end.phase.slice(0, 32),
    end.message === null ? null : end.message.slice(0, 8000),
    end.errorCode === null ? null : end.errorCode.slice(0, 64),
    ...RUN_COUNT_COLUMNS.map((n) => end[n]),
  ];
}

export function runFilter(filter: { key?: ChainKey; launchId?: string }): {
  where: string;
  params: SqlValue[];
} {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (filter.key) {
    clauses.push('controlUnitCode = ? AND chain = ?');
    params.push(filter.key.controlUnitCode, filter.key.chain);
  }
  if (filter.launchId !== undefined) {
    clauses.push('launchId = ?');
    params.push(filter.launchId);
  }
  return { where: clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

export function elaboratedQuery(
  query: SeriesQuery,
  epoch: EpochSql,
): { sql: string; params: SqlValue[]; newestFirst: boolean; limit: number | null } {
  let sql =
    `SELECT ${epoch('timestamp')}, nodeIndex, alphaX, alphaY, temperature, dispX, dispY, cumX, cumY, cumR, velR, flags ` +
    `FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?`;
  const params: SqlValue[] = [
    query.controlUnitCode,
    query.chain,
    lowerBound(query.from),
    upperBound(query.to),
  ];
  if (query.nodeIndex !== undefined) {
    sql += ' AND nodeIndex = ?';
    params.push(query.nodeIndex);
  }
  if (query.limit === undefined) {
    return { sql: `${sql} ORDER BY timestamp, nodeIndex`, params, newestFirst: false, limit: null };
  }
  // The caller appends the limit parameter in its driver's form.
  const limit = clampLimit(query.limit, 1);
  return { sql: `${sql} ORDER BY timestamp DESC, nodeIndex DESC LIMIT ?`, params, newestFirst: true, limit };
}

/** SQL for "bit `mask` of flags is set" as 0/1, per dialect (operator precedence differs). */
export type FlagBitSql = (mask: number) => string;

/** flagCounts: one grouped query over the chain's elaborated rows of the span. */
export function flagCountsQuery(
  query: FlagCountQuery,
  epoch: EpochSql,
  bit: FlagBitSql,
): { sql: string; params: SqlValue[] } {
  const counts = FLAG_BITS.map(([name, mask]) => `SUM(${bit(mask)}) AS ${name}`).join(', ');
  return {
    sql:
      `SELECT nodeIndex, COUNT(*) AS rowCount, ${counts}, ` +
      `${epoch('MIN(timestamp)')} AS firstAt, ${epoch('MAX(timestamp)')} AS lastAt ` +
      'FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ? ' +
      'GROUP BY nodeIndex ORDER BY nodeIndex',
    params: [query.key.controlUnitCode, query.key.chain, lowerBound(query.from), upperBound(query.to)],
  };
}

export function eventsQuery(
  filter: { key?: ChainKey; from?: number | null; to?: number | null; limit?: number },
  epochSql: EpochSql,
): { sql: string; params: SqlValue[]; limit: number } {
  const clauses = ['timestamp >= ?', 'timestamp <= ?'];
  const params: SqlValue[] = [lowerBound(filter.from), upperBound(filter.to)];
  if (filter.key) {
    clauses.unshift('controlUnitCode = ? AND chain = ?');
    params.unshift(filter.key.controlUnitCode, filter.key.chain);
  }
  // The caller appends the limit parameter in its driver's form.
  return {
    limit: clampLimit(filter.limit, 1000),
    sql:
      `SELECT ${eventSelect(epochSql)} FROM rsn_alarm_events WHERE ${clauses.join(' AND ')} ` +
      'ORDER BY timestamp DESC, controlUnitCode, chain, metric LIMIT ?',
    params,
  };
}

export function stationParams(row: StationRow): SqlValue[] {
  return [
    row.controlUnitCode,
    row.chain,
    ...STATION_COLUMNS.map((name) => {
      const value = row[name];
      if (name === 'referenceTime') return dbTimeOrNull(row.referenceTime);
      return value ?? null;
    }),
  ];
}

export function nodeParams(key: ChainKey, node: NodeRow): SqlValue[] {
  return [key.controlUnitCode, key.chain, node.nodeIndex, ...NODE_COLUMNS.map((name) => node[name] ?? null)];
}

export function checkConfigKeys(
  key: ChainKey,
  nodes: NodeRow[],
  thresholds: Omit<ThresholdRow, 'id'>[],
): void {
  for (const row of [...nodes, ...thresholds]) {
    if (row.controlUnitCode !== key.controlUnitCode || row.chain !== key.chain) {
      throw new CatenaError(
        'DATA_INVALID',
        `The configuration of chain ${chainLabel(key)} contains a row of chain ${chainLabel(row)}.`,
        key,
      );
    }
  }
  const seen = new Set<number>();
  for (const node of nodes) {
    if (!Number.isInteger(node.nodeIndex)) {
      throw new CatenaError(
        'DATA_INVALID',
        `Chain ${chainLabel(key)}: node index ${node.nodeIndex} is not whole.`,
        {
          ...key,
          table: 'rsn_nodes',
          column: 'nodeIndex',
        },
      );
    }
    if (seen.has(node.nodeIndex)) {
      throw new CatenaError(
        'DATA_INVALID',
        `Chain ${chainLabel(key)}: node ${node.nodeIndex} is listed twice.`,
        {
          ...key,
          nodeIndex: node.nodeIndex,
          table: 'rsn_nodes',
        },
      );
    }
    seen.add(node.nodeIndex);
  }
}

/** ChainSummary rows: one per station, joined in memory with the grouped counts. */
export function summarize(
  stations: z.infer<typeof stationListSchema>[],
  nodes: z.infer<typeof nodeCountSchema>[],
  raw: z.infer<typeof chainStatsSchema>[],
  elaborated: z.infer<typeof lastSchema>[],
): ChainSummary[] {
  const k = (r: ChainKey) => `${r.controlUnitCode}\u0000${r.chain}`;
  const nodeMap = new Map(nodes.map((r) => [k(r), r]));
  const rawMap = new Map(raw.map((r) => [k(r), r]));
  const elaboratedMap = new Map(elaborated.map((r) => [k(r), r]));
  return stations.map((s) => {
    const n = nodeMap.get(k(s));
    const r = rawMap.get(k(s));
    return {
      controlUnitCode: s.controlUnitCode,
      chain: s.chain,
      siteName: s.siteName,
      active: s.active !== 0,
      fixedEnd: s.fixedEnd,
      nodeCount: n?.n ?? 0,
      enabledNodeCount: n?.enabled ?? 0,
      rawRowCount: r?.n ?? 0,
      firstRawAt: r?.first ?? null,
      lastRawAt: r?.last ?? null,
      lastElaboratedAt: elaboratedMap.get(k(s))?.last ?? null,
    };
  });
}

/**
 * A referenceTime the database cannot turn into a time (malformed text in
 * SQLite, a zero date in a legacy MySQL table) would silently read as "no
 * reference time": refuse it. Rows are selected with the stored text as
 * `referenceTimeText` next to the epoch `referenceTime`.
 */
export function checkReferenceTime(rows: unknown[], key: ChainKey): unknown[] {
  const row = rows[0] as Record<string, unknown> | undefined;
  if (
    row &&
    row.referenceTime === null &&
    row.referenceTimeText !== null &&
    row.referenceTimeText !== undefined
  ) {
    throw new CatenaError(
      'DATA_INVALID',
      `Chain ${chainLabel(key)}: active_stations.referenceTime '${String(row.referenceTimeText)}' is not a date ` +
        "and time ('YYYY-MM-DD HH:MM:SS'); correct it or set it to NULL.",
      { ...key, table: 'active_stations', column: 'referenceTime' },
    );
  }
  return rows;
}
