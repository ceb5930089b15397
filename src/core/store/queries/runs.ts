/**
 * Run bookkeeping in catena_runs: one row per chain per launch, its
 * heartbeat while it runs, its end. A `running` row whose heartbeat is older
 * than the lease belongs to a process that died or lost the database: the
 * next reader stores it as `interrupted`, so no run stays `running` forever.
 */

import { z } from 'zod';
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import { RUN_COUNT_NAMES } from '../../domain/runs.ts';
import { CatenaError } from '../../errors.ts';
import { formatDbTime } from '../../time.ts';
import { nowEpoch } from '../columns.ts';
import type { SqlContext } from '../context.ts';
import type { SqlValue } from '../executor.ts';
import type { ChainHistory, RunAmendment, RunBeat, RunEnd, RunRecord, RunStart } from '../port.ts';
import { parseRows, runSchema, runSelect, singleNumberSchema } from '../rows.ts';
import { clampLimit } from '../sql.ts';

const dbTimeOrNull = (t: number | null): string | null => (t === null ? null : formatDbTime(t));
const cut = (text: string | null, length: number): string | null =>
  text === null ? null : text.slice(0, length);

export interface RunFilter {
  key?: ChainKey;
  launchId?: string;
  limit?: number;
}

export async function startRun(ctx: SqlContext, run: RunStart): Promise<number> {
  const result = await ctx.guard(`recording a run of chain ${chainLabel(run)}`, () =>
    ctx.driver.run(
      'INSERT INTO catena_runs (launchId, controlUnitCode, chain, mode, spanFrom, spanTo, host, status, startedAt, ' +
        `heartbeatAt, configFingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ${ctx.dialect.nowTime}, ?)`,
      [
        run.launchId,
        run.controlUnitCode,
        run.chain,
        run.mode,
        dbTimeOrNull(run.spanFrom),
        dbTimeOrNull(run.spanTo),
        run.host.slice(0, 255),
        formatDbTime(nowEpoch()),
        run.configFingerprint ?? null,
      ],
    ),
  );
  if (result.lastInsertId === null) {
    throw new CatenaError('STORE_ERROR', 'The database did not return the id of the new run.');
  }
  return result.lastInsertId;
}

const COUNTS_SET = RUN_COUNT_NAMES.map((n) => `${n} = ?`).join(', ');

/** Counts written by the run's own commits (writeChunk), never by a heartbeat that may land after a commit. */
const BEAT_COUNTS = RUN_COUNT_NAMES.filter((n) => n !== 'rowsWritten');

export async function heartbeatRun(ctx: SqlContext, runId: number, beat: RunBeat): Promise<void> {
  await ctx.guard(`recording the progress of run ${runId}`, () =>
    ctx.driver.run(
      `UPDATE catena_runs SET heartbeatAt = ${ctx.dialect.nowTime}, phase = ?, configFingerprint = ?, ` +
        `${BEAT_COUNTS.map((n) => `${n} = ?`).join(', ')} WHERE runId = ? AND status = 'running'`,
      [cut(beat.phase, 32), beat.configFingerprint, ...BEAT_COUNTS.map((n) => beat[n]), runId],
    ),
  );
}

export async function endRun(ctx: SqlContext, runId: number, end: RunEnd): Promise<void> {
  await ctx.guard(`recording the end of run ${runId}`, () =>
    ctx.driver.run(
      'UPDATE catena_runs SET status = ?, endedAt = ?, phase = ?, message = ?, errorCode = ?, ' +
        `${COUNTS_SET} WHERE runId = ?`,
      [
        end.status,
        formatDbTime(nowEpoch()),
        cut(end.phase, 32),
        cut(end.message, 8000),
        cut(end.errorCode, 64),
        ...RUN_COUNT_NAMES.map((n) => end[n]),
        runId,
      ],
    ),
  );
}

/** Stores as `interrupted` every `running` run whose heartbeat is older than the lease; returns how many. */
export async function interruptStaleRuns(ctx: SqlContext): Promise<number> {
  // A snapshot shows its runs as they were when it was taken.
  if (ctx.readOnly) return 0;
  const { dialect, leaseSeconds } = ctx;
  const stale = `status = 'running' AND ${dialect.epoch('COALESCE(heartbeatAt, startedAt)')} < ${dialect.nowEpoch} - ?`;
  // Looked for first: an UPDATE takes the write lock even when it changes nothing, and every
  // reader of the runs (the service's REST polls, many a second) would queue behind the engine's writes.
  const found = await ctx.guard('looking for interrupted runs', () =>
    ctx.driver.all(`SELECT runId FROM catena_runs WHERE ${stale} LIMIT 1`, [leaseSeconds]),
  );
  if (found.length === 0) return 0;
  const result = await ctx.guard('marking interrupted runs', () =>
    ctx.driver.run(
      "UPDATE catena_runs SET status = 'interrupted', endedAt = COALESCE(heartbeatAt, startedAt), " +
        `errorCode = 'INTERRUPTED', message = ? WHERE ${stale}`,
      [
        'the run stopped before it ended (its process was stopped, crashed, or lost the database); what it ' +
          'committed is kept, and the next incremental run resumes after it',
        leaseSeconds,
      ],
    ),
  );
  return result.changes;
}

export async function listRuns(ctx: SqlContext, filter: RunFilter = {}): Promise<RunRecord[]> {
  await interruptStaleRuns(ctx);
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
  const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
  params.push(ctx.dialect.limit(clampLimit(filter.limit, 200)));
  const rows = await ctx.guard('listing the runs', () =>
    ctx.driver.all(
      `SELECT ${runSelect(ctx.dialect.epoch)} FROM catena_runs${where} ORDER BY runId DESC LIMIT ?`,
      params,
    ),
  );
  return parseRows(runSchema, rows, 'catena_runs');
}

export async function amendRun(ctx: SqlContext, runId: number, amendment: RunAmendment): Promise<void> {
  await ctx.guard(`recording run ${runId}`, () =>
    ctx.driver.run(
      'UPDATE catena_runs SET mode = ?, spanFrom = ?, spanTo = ?, resumesRunId = ? WHERE runId = ?',
      [
        amendment.mode,
        dbTimeOrNull(amendment.spanFrom),
        dbTimeOrNull(amendment.spanTo),
        amendment.resumesRunId,
        runId,
      ],
    ),
  );
}

const fingerprintSchema = z.object({ configFingerprint: z.string() });

export async function chainHistory(ctx: SqlContext, key: ChainKey): Promise<ChainHistory> {
  await interruptStaleRuns(ctx);
  const keyParams = [key.controlUnitCode, key.chain];
  return ctx.guard(`reading the runs of chain ${chainLabel(key)}`, async () => {
    const newest = async (mode: 'full' | 'range') =>
      parseRows(
        runSchema,
        await ctx.driver.all(
          `SELECT ${runSelect(ctx.dialect.epoch)} FROM catena_runs WHERE controlUnitCode = ? AND chain = ? ` +
            "AND mode = ? AND status <> 'running' ORDER BY runId DESC LIMIT ?",
          [...keyParams, mode, ctx.dialect.limit(1)],
        ),
        'catena_runs',
        key,
      )[0] ?? null;
    const lastFull = await newest('full');
    const lastRange = await newest('range');
    // A complete full run starts the rows stored now; a finished one started with the run it resumed.
    const base = await ctx.driver.all(
      'SELECT MAX(COALESCE(resumesRunId, runId)) AS v FROM catena_runs WHERE controlUnitCode = ? AND chain = ? ' +
        "AND mode = 'full' AND status = 'succeeded'",
      keyParams,
    );
    const since = parseRows(singleNumberSchema, base, 'catena_runs', key)[0]?.v ?? 0;
    const prints = await ctx.driver.all(
      'SELECT DISTINCT configFingerprint FROM catena_runs WHERE controlUnitCode = ? AND chain = ? ' +
        'AND runId >= ? AND rowsWritten > 0 AND configFingerprint IS NOT NULL ORDER BY configFingerprint',
      [...keyParams, since],
    );
    return {
      lastFull,
      lastRange,
      fingerprints: parseRows(fingerprintSchema, prints, 'catena_runs', key).map((r) => r.configFingerprint),
    };
  });
}
