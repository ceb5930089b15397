/**
 * Writing the outputs: one transaction per batch that (when the run holds a
 * chain lock) renews the lock's lease, upserts the elaborated rows through
 * the dialect's bulk path and replaces the events of the batch's span
 * (events.ts). Reading back where a chain's outputs end.
 */
import type { AlarmEvent } from '../../domain/alarms.ts';
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import { formatDbTime } from '../../time.ts';
import { checkElaboratedColumns, elaboratedKeyedRows, lowerBound, nowEpoch, upperBound } from '../columns.ts';
import type { SqlContext } from '../context.ts';
import { checkChunkEvents, type EventRow, type ExistingEvent, planEventReplacement } from '../events.ts';
import type { Executor, SqlValue } from '../executor.ts';
import type { EventAcknowledgement, WriteChunk, WriteResult } from '../port.ts';
import { existingEventSchema, parseRows, singleNumberSchema } from '../rows.ts';
import { insertSql } from '../sql.ts';
import { renewLease } from './locks.ts';

export async function lastElaboratedAt(
  ctx: SqlContext,
  key: ChainKey,
  notAfter: number | null = null,
): Promise<number | null> {
  const rows = await ctx.guard(`reading the elaborated rows of chain ${chainLabel(key)}`, () =>
    ctx.driver.all(
      `SELECT ${ctx.dialect.epoch('MAX(timestamp)')} AS v FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ? ` +
        'AND timestamp <= ?',
      [key.controlUnitCode, key.chain, upperBound(notAfter)],
    ),
  );
  return parseRows(singleNumberSchema, rows, 'elaborated_rsn_data', key)[0]?.v ?? null;
}

export async function writeChunk(ctx: SqlContext, chunk: WriteChunk): Promise<WriteResult> {
  const key = { controlUnitCode: chunk.controlUnitCode, chain: chunk.chain };
  checkElaboratedColumns(key, chunk.rows);
  checkChunkEvents(chunk);
  const now = nowEpoch();
  // The span clamped to whole seconds within DATETIME's range (an empty span deletes nothing).
  const span = [key.controlUnitCode, key.chain, lowerBound(chunk.eventsFrom), upperBound(chunk.eventsTo)];
  return ctx.guard(`writing the elaborated rows of chain ${chainLabel(key)}`, () =>
    ctx.driver.transaction(
      async (tx) => {
        if (chunk.lock) await renewLease(ctx, tx, key, chunk.lock.token);
        await ctx.dialect.writeRows(tx, elaboratedKeyedRows(key, chunk.runId, chunk.rows));
        const existing = await spanEvents(ctx, tx, key, span);
        if (existing.length > 0) {
          await tx.run(
            'DELETE FROM rsn_alarm_events WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?',
            span,
          );
        }
        const plan = planEventReplacement(chunk.events, existing, now);
        await insertEvents(tx, key, chunk.runId, plan.rows);
        await recordCommitted(ctx, tx, chunk);
        return { rowsWritten: chunk.rows.length, newEvents: plan.newEvents };
      },
      chunk.signal,
      chunk.onWait,
    ),
  );
}

/**
 * The run's committed prefix, in the same transaction as the rows: an
 * interrupted full or range run is finished from exactly here.
 */
async function recordCommitted(ctx: SqlContext, tx: Executor, chunk: WriteChunk): Promise<void> {
  if (chunk.rows.length === 0) return;
  const last = chunk.rows.timestamp[chunk.rows.length - 1]!;
  await tx.run(
    `UPDATE catena_runs SET committedTo = ?, heartbeatAt = ${ctx.dialect.nowTime}, rowsWritten = rowsWritten + ? ` +
      'WHERE runId = ?',
    [formatDbTime(last), chunk.rows.length, chunk.runId],
  );
}

async function spanEvents(
  ctx: SqlContext,
  tx: Executor,
  key: ChainKey,
  span: SqlValue[],
): Promise<ExistingEvent[]> {
  const epoch = ctx.dialect.epoch;
  const rows = await tx.all(
    `SELECT metric, ${epoch('timestamp')} AS timestamp, level, ${epoch('createdAt')} AS createdAt, ` +
      `${epoch('notifiedAt')} AS notifiedAt, ${epoch('acknowledgedAt')} AS acknowledgedAt, acknowledgedBy, ackNote ` +
      'FROM rsn_alarm_events WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?' +
      ctx.dialect.forUpdate,
    span,
  );
  return parseRows(existingEventSchema, rows, 'rsn_alarm_events', key);
}

export const EVENT_COLUMNS = [
  'controlUnitCode',
  'chain',
  'metric',
  'timestamp',
  'level',
  'previousLevel',
  'nodeIndex',
  'value',
  'runId',
  'createdAt',
  'notifiedAt',
  'acknowledgedAt',
  'acknowledgedBy',
  'ackNote',
];
export const EVENT_BATCH = 100;

const dbTimeOrNull = (t: number | null): string | null => (t === null ? null : formatDbTime(t));

function eventParams(key: ChainKey, runId: number, e: EventRow): SqlValue[] {
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
    dbTimeOrNull(e.notifiedAt),
    dbTimeOrNull(e.acknowledgedAt),
    e.acknowledgedBy,
    e.ackNote,
  ];
}

async function insertEvents(tx: Executor, key: ChainKey, runId: number, rows: EventRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += EVENT_BATCH) {
    const batch = rows.slice(i, i + EVENT_BATCH);
    await tx.run(
      insertSql('rsn_alarm_events', EVENT_COLUMNS, batch.length),
      batch.flatMap((e) => eventParams(key, runId, e)),
    );
  }
}

export async function markNotified(
  ctx: SqlContext,
  key: ChainKey,
  events: readonly AlarmEvent[],
  at: number,
): Promise<void> {
  if (events.length === 0) return;
  await ctx.guard(`recording the notifications of chain ${chainLabel(key)}`, () =>
    ctx.driver.transaction(async (tx) => {
      for (let i = 0; i < events.length; i += EVENT_BATCH) {
        const batch = events.slice(i, i + EVENT_BATCH);
        const params: SqlValue[] = [formatDbTime(at), key.controlUnitCode, key.chain];
        for (const e of batch) params.push(e.metric, formatDbTime(e.timestamp));
        await tx.run(
          'UPDATE rsn_alarm_events SET notifiedAt = ? WHERE controlUnitCode = ? AND chain = ? AND (' +
            batch.map(() => '(metric = ? AND timestamp = ?)').join(' OR ') +
            ')',
          params,
        );
      }
    }),
  );
}

export async function acknowledgeEvents(ctx: SqlContext, ack: EventAcknowledgement): Promise<number> {
  const { key } = ack;
  const head: SqlValue[] = [
    formatDbTime(ack.at),
    ack.by.slice(0, 128),
    ack.note,
    key.controlUnitCode,
    key.chain,
  ];
  const sql =
    'UPDATE rsn_alarm_events SET acknowledgedAt = ?, acknowledgedBy = ?, ackNote = ? ' +
    'WHERE controlUnitCode = ? AND chain = ? AND acknowledgedAt IS NULL';
  return ctx.guard(`acknowledging the alarm events of chain ${chainLabel(key)}`, async () => {
    if (ack.events === undefined) return (await ctx.driver.run(sql, head)).changes;
    let changed = 0;
    for (let i = 0; i < ack.events.length; i += EVENT_BATCH) {
      const batch = ack.events.slice(i, i + EVENT_BATCH);
      const params = [...head];
      for (const e of batch) params.push(e.metric, formatDbTime(e.timestamp));
      const match = batch.map(() => '(metric = ? AND timestamp = ?)').join(' OR ');
      changed += (await ctx.driver.run(`${sql} AND (${match})`, params)).changes;
    }
    return changed;
  });
}
