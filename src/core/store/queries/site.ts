/**
 * Writing the inputs: what the control units' import does in production,
 * and what the demo site, benchmark workloads and tests do here.
 */
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import type { RawColumns } from '../../domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../../domain/configuration.ts';
import { formatDbTime } from '../../time.ts';
import { checkRawColumns, rawKeyedRows } from '../columns.ts';
import type { SqlContext } from '../context.ts';
import type { SqlValue } from '../executor.ts';
import { NODE_COLUMNS, STATION_COLUMNS } from '../rows.ts';
import { insertSql } from '../sql.ts';
import { checkConfigKeys } from './checks.ts';

/** Every table with rows of a chain, outputs first. */
const CHAIN_TABLES = [
  'elaborated_rsn_data',
  'rsn_alarm_events',
  'catena_runs',
  'catena_chain_locks',
  'catena_notify_deliveries',
  'catena_stale_episodes',
  'raw_rsn_data',
  'rsn_thresholds',
  'rsn_nodes',
  'active_stations',
] as const;

const CONFIG_BATCH = 200;

export async function upsertStation(ctx: SqlContext, row: StationRow): Promise<void> {
  const columns = ['controlUnitCode', 'chain', ...STATION_COLUMNS];
  const params: SqlValue[] = [
    row.controlUnitCode,
    row.chain,
    ...STATION_COLUMNS.map((name) =>
      name === 'referenceTime'
        ? row.referenceTime === null
          ? null
          : formatDbTime(row.referenceTime)
        : (row[name] ?? null),
    ),
  ];
  await ctx.guard(`saving chain ${chainLabel(row)}`, () =>
    ctx.driver.run(
      insertSql(
        'active_stations',
        columns,
        1,
        ctx.dialect.upsert(['controlUnitCode', 'chain'], STATION_COLUMNS),
      ),
      params,
    ),
  );
}

const NODE_INSERT_COLUMNS = ['controlUnitCode', 'chain', 'nodeIndex', ...NODE_COLUMNS];
const THRESHOLD_INSERT_COLUMNS = ['controlUnitCode', 'chain', 'nodeIndex', 'metric', 'level', 'value'];

export async function replaceChainConfig(
  ctx: SqlContext,
  key: ChainKey,
  nodes: NodeRow[],
  thresholds: Omit<ThresholdRow, 'id'>[],
): Promise<void> {
  checkConfigKeys(key, nodes, thresholds);
  const keyParams = [key.controlUnitCode, key.chain];
  const nodeParams = nodes.map((n) => [...keyParams, n.nodeIndex, ...NODE_COLUMNS.map((c) => n[c] ?? null)]);
  const thresholdParams = thresholds.map((t) => [...keyParams, t.nodeIndex, t.metric, t.level, t.value]);
  await ctx.guard(`saving the configuration of chain ${chainLabel(key)}`, () =>
    ctx.driver.transaction(async (tx) => {
      await tx.run('DELETE FROM rsn_nodes WHERE controlUnitCode = ? AND chain = ?', keyParams);
      await tx.run('DELETE FROM rsn_thresholds WHERE controlUnitCode = ? AND chain = ?', keyParams);
      for (let i = 0; i < nodeParams.length; i += CONFIG_BATCH) {
        const batch = nodeParams.slice(i, i + CONFIG_BATCH);
        await tx.run(insertSql('rsn_nodes', NODE_INSERT_COLUMNS, batch.length), batch.flat());
      }
      for (let i = 0; i < thresholdParams.length; i += CONFIG_BATCH) {
        const batch = thresholdParams.slice(i, i + CONFIG_BATCH);
        await tx.run(insertSql('rsn_thresholds', THRESHOLD_INSERT_COLUMNS, batch.length), batch.flat());
      }
    }),
  );
}

export async function writeRaw(ctx: SqlContext, key: ChainKey, rows: RawColumns): Promise<void> {
  checkRawColumns(key, rows);
  const batch = ctx.dialect.sizes.rawWriteRows;
  for (let start = 0; start < rows.length; start += batch) {
    const end = Math.min(rows.length, start + batch);
    await ctx.guard(`writing the raw rows of chain ${chainLabel(key)}`, () =>
      ctx.driver.transaction((tx) => ctx.dialect.writeRows(tx, rawKeyedRows(key, rows, start, end))),
    );
  }
}

export async function deleteChain(ctx: SqlContext, key: ChainKey): Promise<void> {
  await ctx.guard(`deleting chain ${chainLabel(key)}`, () =>
    ctx.driver.transaction(async (tx) => {
      for (const table of CHAIN_TABLES) {
        await tx.run(`DELETE FROM ${table} WHERE controlUnitCode = ? AND chain = ?`, [
          key.controlUnitCode,
          key.chain,
        ]);
      }
    }),
  );
}
