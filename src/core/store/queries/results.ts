/** Reading the outputs for the interface: series, data quality per node, alarm events. */
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import type { ElaboratedColumns } from '../../domain/columns.ts';
import { ELABORATED_VALUES } from '../../domain/columns.ts';
import { FLAG_BITS } from '../../domain/flags.ts';
import { elaboratedFromRows, lowerBound, upperBound } from '../columns.ts';
import type { SqlContext } from '../context.ts';
import type { SqlValue } from '../executor.ts';
import type { FlagCountQuery, NodeFlagCounts, SeriesQuery, StoredAlarmEvent } from '../port.ts';
import { eventSchema, eventSelect, flagCountsSchema, parseRows } from '../rows.ts';
import { clampLimit } from '../sql.ts';

export interface EventFilter {
  key?: ChainKey;
  from?: number | null;
  to?: number | null;
  limit?: number;
}

export async function readElaborated(ctx: SqlContext, query: SeriesQuery): Promise<ElaboratedColumns> {
  const { dialect } = ctx;
  const key = { controlUnitCode: query.controlUnitCode, chain: query.chain };
  let sql =
    `SELECT ${dialect.epoch('timestamp')}, nodeIndex, ${ELABORATED_VALUES.join(', ')}, flags${query.withRunIds ? ', runId' : ''} ` +
    'FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?';
  const params: SqlValue[] = [key.controlUnitCode, key.chain, lowerBound(query.from), upperBound(query.to)];
  if (query.nodeIndex !== undefined) {
    sql += ' AND nodeIndex = ?';
    params.push(query.nodeIndex);
  }
  // With a limit, the newest rows are kept: read newest first, stored oldest first.
  const newestFirst = query.limit !== undefined;
  if (newestFirst) {
    sql += ' ORDER BY timestamp DESC, nodeIndex DESC LIMIT ?';
    params.push(dialect.limit(clampLimit(query.limit, 1)));
  } else {
    sql += ' ORDER BY timestamp, nodeIndex';
  }
  const rows = await ctx.guard(`reading the elaborated rows of chain ${chainLabel(key)}`, () =>
    ctx.driver.allArrays(sql, params),
  );
  return elaboratedFromRows(rows, key, newestFirst, query.withRunIds === true);
}

export async function flagCounts(ctx: SqlContext, query: FlagCountQuery): Promise<NodeFlagCounts[]> {
  const { dialect } = ctx;
  const counts = FLAG_BITS.map(([name, mask]) => `SUM(${dialect.flagBit(mask)}) AS ${name}`).join(', ');
  const sql =
    `SELECT nodeIndex, COUNT(*) AS rowCount, ${counts}, ` +
    `${dialect.epoch('MIN(timestamp)')} AS firstAt, ${dialect.epoch('MAX(timestamp)')} AS lastAt ` +
    'FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ? ' +
    'GROUP BY nodeIndex ORDER BY nodeIndex';
  const params = [query.key.controlUnitCode, query.key.chain, lowerBound(query.from), upperBound(query.to)];
  const rows = await ctx.guard(`counting the flags of chain ${chainLabel(query.key)}`, () =>
    ctx.driver.all(sql, params),
  );
  return parseRows(flagCountsSchema, rows, 'elaborated_rsn_data', query.key);
}

export async function listEvents(ctx: SqlContext, filter: EventFilter): Promise<StoredAlarmEvent[]> {
  const { dialect } = ctx;
  const clauses = ['timestamp >= ?', 'timestamp <= ?'];
  const params: SqlValue[] = [lowerBound(filter.from), upperBound(filter.to)];
  if (filter.key) {
    clauses.unshift('controlUnitCode = ? AND chain = ?');
    params.unshift(filter.key.controlUnitCode, filter.key.chain);
  }
  params.push(dialect.limit(clampLimit(filter.limit, 1000)));
  const rows = await ctx.guard('listing the alarm events', () =>
    ctx.driver.all(
      `SELECT ${eventSelect(dialect.epoch)} FROM rsn_alarm_events WHERE ${clauses.join(' AND ')} ` +
        'ORDER BY timestamp DESC, controlUnitCode, chain, metric LIMIT ?',
      params,
    ),
  );
  return parseRows(eventSchema, rows, 'rsn_alarm_events', filter.key);
}
