/**
 * Offline snapshots (src/core/export/snapshot.ts, docs/EXPORTS.md): the
 * outputs and bookkeeping of a source stored as they are, ids and times
 * included, and the record of each snapshot pass (catena_snapshot_passes,
 * created by the first pass: a database that has it is a snapshot).
 */
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import type { ElaboratedColumns } from '../../domain/columns.ts';
import { RUN_COUNT_NAMES } from '../../domain/runs.ts';
import { CatenaError } from '../../errors.ts';
import { formatDbTime } from '../../time.ts';
import { checkElaboratedColumns, elaboratedKeyedRows, lowerBound, nowEpoch, upperBound } from '../columns.ts';
import type { SqlContext } from '../context.ts';
import type { SqlValue } from '../executor.ts';
import type {
  RunRecord,
  SnapshotPass,
  SnapshotPassEnd,
  SnapshotPassStart,
  StoredAlarmEvent,
} from '../port.ts';
import { parseRows, snapshotPassSchema, snapshotPassSelect } from '../rows.ts';
import { CATENA_SNAPSHOT_DATUMS, CATENA_SNAPSHOT_PASSES } from '../schema.ts';
import { insertSql } from '../sql.ts';
import { EVENT_BATCH, EVENT_COLUMNS } from './outputs.ts';

const dbTimeOrNull = (t: number | null): string | null => (t === null ? null : formatDbTime(t));

export async function importElaborated(
  ctx: SqlContext,
  key: ChainKey,
  rows: ElaboratedColumns,
): Promise<void> {
  const runIds = rows.runId;
  if (!runIds || runIds.length < rows.length) {
    throw new CatenaError(
      'DATA_INVALID',
      `Chain ${chainLabel(key)}: imported elaborated rows need the runId of every row (read them with withRunIds).`,
      { ...key, table: 'elaborated_rsn_data', column: 'runId' },
    );
  }
  checkElaboratedColumns(key, rows);
  if (rows.length === 0) return;
  await ctx.guard(`importing the elaborated rows of chain ${chainLabel(key)}`, () =>
    ctx.driver.transaction((tx) => ctx.dialect.writeRows(tx, elaboratedKeyedRows(key, runIds, rows))),
  );
}

function eventParams(e: StoredAlarmEvent): SqlValue[] {
  return [
    e.controlUnitCode,
    e.chain,
    e.metric,
    formatDbTime(e.timestamp),
    e.level,
    e.previousLevel,
    e.nodeIndex,
    e.value,
    e.runId,
    formatDbTime(e.createdAt),
    dbTimeOrNull(e.notifiedAt),
    dbTimeOrNull(e.acknowledgedAt),
    e.acknowledgedBy,
    e.ackNote,
  ];
}

export async function importEvents(
  ctx: SqlContext,
  key: ChainKey,
  from: number | null,
  to: number | null,
  events: readonly StoredAlarmEvent[],
): Promise<void> {
  for (const e of events) {
    if (e.controlUnitCode !== key.controlUnitCode || e.chain !== key.chain) {
      throw new CatenaError(
        'DATA_INVALID',
        `An event of chain ${chainLabel(e)} was given to import into chain ${chainLabel(key)}.`,
        { ...key, table: 'rsn_alarm_events' },
      );
    }
  }
  const span = [key.controlUnitCode, key.chain, lowerBound(from), upperBound(to)];
  await ctx.guard(`importing the alarm events of chain ${chainLabel(key)}`, () =>
    ctx.driver.transaction(async (tx) => {
      await tx.run(
        'DELETE FROM rsn_alarm_events WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?',
        span,
      );
      for (let i = 0; i < events.length; i += EVENT_BATCH) {
        const batch = events.slice(i, i + EVENT_BATCH);
        await tx.run(insertSql('rsn_alarm_events', EVENT_COLUMNS, batch.length), batch.flatMap(eventParams));
      }
    }),
  );
}

const RUN_COLUMNS = [
  'runId',
  'launchId',
  'controlUnitCode',
  'chain',
  'mode',
  'spanFrom',
  'spanTo',
  'host',
  'status',
  'startedAt',
  'endedAt',
  'phase',
  'message',
  'errorCode',
  ...RUN_COUNT_NAMES,
  'heartbeatAt',
  'configFingerprint',
  'committedTo',
  'resumesRunId',
];
const RUN_BATCH = 50;

function runParams(r: RunRecord): SqlValue[] {
  return [
    r.runId,
    r.launchId,
    r.controlUnitCode,
    r.chain,
    r.mode,
    dbTimeOrNull(r.spanFrom),
    dbTimeOrNull(r.spanTo),
    r.host,
    r.status,
    formatDbTime(r.startedAt),
    dbTimeOrNull(r.endedAt),
    r.phase,
    r.message,
    r.errorCode,
    ...RUN_COUNT_NAMES.map((n) => r[n]),
    dbTimeOrNull(r.heartbeatAt),
    r.configFingerprint,
    dbTimeOrNull(r.committedTo),
    r.resumesRunId,
  ];
}

export async function importRuns(ctx: SqlContext, runs: readonly RunRecord[]): Promise<void> {
  if (runs.length === 0) return;
  const suffix = ctx.dialect.upsert(
    ['runId'],
    RUN_COLUMNS.filter((c) => c !== 'runId'),
  );
  await ctx.guard('importing runs', () =>
    ctx.driver.transaction(async (tx) => {
      for (let i = 0; i < runs.length; i += RUN_BATCH) {
        const batch = runs.slice(i, i + RUN_BATCH);
        await tx.run(insertSql('catena_runs', RUN_COLUMNS, batch.length, suffix), batch.flatMap(runParams));
      }
    }),
  );
}

export async function startSnapshotPass(ctx: SqlContext, pass: SnapshotPassStart): Promise<number> {
  return ctx.guard('recording a snapshot pass', async () => {
    await ctx.driver.session(async (exec) => {
      for (const table of [CATENA_SNAPSHOT_PASSES, CATENA_SNAPSHOT_DATUMS]) {
        for (const statement of ctx.dialect.ddl.createTable(table)) await exec.run(statement);
      }
    });
    const result = await ctx.driver.run(
      'INSERT INTO catena_snapshot_passes (source, takenAt, chains, status, startedAt) VALUES (?, ?, ?, ?, ?)',
      [
        pass.source.slice(0, 512),
        formatDbTime(pass.takenAt),
        pass.chains,
        'running',
        formatDbTime(nowEpoch()),
      ],
    );
    if (result.lastInsertId === null) {
      throw new CatenaError('STORE_ERROR', 'The database did not return the id of the snapshot pass.');
    }
    return result.lastInsertId;
  });
}

export async function endSnapshotPass(ctx: SqlContext, passId: number, end: SnapshotPassEnd): Promise<void> {
  await ctx.guard('recording the end of a snapshot pass', () =>
    ctx.driver.run(
      'UPDATE catena_snapshot_passes SET status = ?, endedAt = ?, message = ? WHERE passId = ?',
      [
        end.status,
        formatDbTime(nowEpoch()),
        end.message === null ? null : end.message.slice(0, 8000),
        passId,
      ],
    ),
  );
}

export async function listSnapshotPasses(ctx: SqlContext): Promise<SnapshotPass[]> {
  return ctx.guard('reading the snapshot passes', async () => {
    const tables = await ctx.driver.session((exec) => ctx.dialect.inspect(exec));
    if (!tables.has(CATENA_SNAPSHOT_PASSES.name)) return [];
    const rows = await ctx.driver.all(
      `SELECT ${snapshotPassSelect(ctx.dialect.epoch)} FROM catena_snapshot_passes ORDER BY passId DESC`,
    );
    return parseRows(snapshotPassSchema, rows, 'catena_snapshot_passes');
  });
}

/** Records the source's datum of a chain (null: the source had none) in the snapshot. */
export async function recordSnapshotDatum(
  ctx: SqlContext,
  key: ChainKey,
  datum: number | null,
): Promise<void> {
  const suffix = ctx.dialect.upsert(['controlUnitCode', 'chain'], ['datum']);
  await ctx.guard(`recording the datum of chain ${chainLabel(key)} in the snapshot`, () =>
    ctx.driver.run(insertSql('catena_snapshot_datums', ['controlUnitCode', 'chain', 'datum'], 1, suffix), [
      key.controlUnitCode,
      key.chain,
      dbTimeOrNull(datum),
    ]),
  );
}

/**
 * The source's datum of a chain as recorded by the last snapshot pass: a number, null when the
 * source had none, undefined when this database recorded none (not a snapshot, or an older one).
 */
export async function snapshotDatum(ctx: SqlContext, key: ChainKey): Promise<number | null | undefined> {
  return ctx.guard(`reading the datum of chain ${chainLabel(key)} in the snapshot`, async () => {
    const tables = await ctx.driver.session((exec) => ctx.dialect.inspect(exec));
    if (!tables.has(CATENA_SNAPSHOT_DATUMS.name)) return undefined;
    const rows = await ctx.driver.all(
      `SELECT ${ctx.dialect.epoch('datum')} AS datum FROM catena_snapshot_datums WHERE controlUnitCode = ? AND chain = ?`,
      [key.controlUnitCode, key.chain],
    );
    if (rows.length === 0) return undefined;
    const value = rows[0]!.datum;
    return value === null || value === undefined ? null : Number(value);
  });
}
