/**
 * One chain of a launch: configuration, reference, then the span in time
 * chunks. The look-back context (ELABORATION.md §5) is read once, with the
 * first chunk; each later chunk continues from the state the previous one
 * left (despike rings, held samples, velocity window, alarm windows). Chunks
 * are computed on the worker pool and written in whole-timestamp batches, each
 * batch one transaction, strictly in time order — so whatever is committed
 * when a run stops is a prefix of the span, and the next incremental run
 * resumes exactly after it. Writing chunk k overlaps computing chunk k + 1.
 */

import type { AlarmEvent } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { ElaboratedColumns } from '../domain/columns.ts';
import type { RunCounts, RunMode } from '../domain/runs.ts';
import { buildChainModel, contextSeconds, referenceLoadSpan } from '../elaboration/config.ts';
import type { ChainState } from '../elaboration/state.ts';
import type { ChainModel, OutputBlock, References } from '../elaboration/types.ts';
import { CatenaError, isCatenaError } from '../errors.ts';
import { PLAUSIBLE_FROM } from '../store/datum.ts';
import type { WaitListener } from '../store/executor.ts';
import type { ChainLock, RunBeat, Store } from '../store/port.ts';
import { formatIsoTime } from '../time.ts';
import type { ChainPhase, ChainResult } from './events.ts';
import { configFingerprint } from './fingerprint.ts';
import { Heartbeat } from './heartbeat.ts';
import { type ProgressSnapshot, ProgressThrottle } from './progress.ts';
import { RawWindow } from './raw-window.ts';
import { type RetryPolicy, withRetries } from './retry.ts';
import { type Plausible, planSpans, type Span, type SpanPlan } from './span.ts';
import type { ElaborateTask, ReferenceTask } from './worker.ts';
import type { WriteLanes } from './write-lanes.ts';

export interface ChainJob extends ChainKey {
  mode: RunMode;
  from?: number;
  to?: number;
}

export interface ElaborateResult {
  output: OutputBlock;
  events: AlarmEvent[];
  counts: { invalidRows: number; spikeRows: number; heldRows: number };
  state: ChainState;
}

export interface Compute {
  references(task: Omit<ReferenceTask, 'kind'>): Promise<References>;
  elaborate(task: Omit<ElaborateTask, 'kind'>): Promise<ElaborateResult>;
}

export interface Tuning {
  /** node-timestamp cells computed per chunk (bounds memory) */
  chunkCells: number;
  /** elaborated rows per write transaction */
  writeRows: number;
  /** raw rows per read round trip */
  readRows: number;
}

export interface ChainJobContext {
  store: Store;
  /** how transient failures (a database restart, a lost connection) are retried before the chain fails */
  retry: RetryPolicy;
  /** raw rows dated more than this after the database's clock are left out and reported */
  futureToleranceSeconds: number;
  compute: Compute;
  launchId: string;
  host: string;
  signal: AbortSignal;
  tuning: Tuning;
  /** the database's bulk-write streams, shared with the other chains */
  writeLanes: WriteLanes;
  onProgress: (key: ChainKey, snapshot: ProgressSnapshot) => void;
  /** after each committed batch: the events that did not exist before it (the alarm seam) */
  onAlarms?: (key: ChainKey, runId: number, events: AlarmEvent[]) => void;
  onUnexpected?: (error: unknown, key: ChainKey) => void;
}

/** What each write carries: its run, and the chain lock the store re-checks inside the write's transaction. */
interface RunWriter {
  runId: number;
  lock: ChainLock;
  onWait: WaitListener;
}

export async function runChainJob(job: ChainJob, ctx: ChainJobContext): Promise<ChainResult> {
  const key: ChainKey = { controlUnitCode: job.controlUnitCode, chain: job.chain };
  const startedAt = performance.now();
  const counts = zeroCounts();
  const warnings: string[] = [];
  const state = {
    phase: 'configuring' as ChainPhase,
    spanFrom: null as number | null,
    spanTo: null as number | null,
    fingerprint: null as string | null,
    waitingFor: null as string | null,
  };
  const progress = new ProgressThrottle((s) => ctx.onProgress(key, s));
  // The chain stops on the operator's cancel, or when its lock is lost.
  const lost = new AbortController();
  let lostError: CatenaError | null = null;
  const signal = AbortSignal.any([ctx.signal, lost.signal]);
  let runId: number | null = null;
  let lock: ChainLock | null = null;
  let heartbeat: Heartbeat | null = null;
  const retried: { attempt: number; code: string; at: number }[] = [];
  let total = 0;
  let rowsToRead = 0;
  const progressState = () => ({
    phase: state.phase,
    timestampsDone: counts.timestamps,
    timestampsTotal: total,
    rowsRead: counts.rowsRead,
    rowsToRead,
    rowsWritten: counts.rowsWritten,
    waitingFor: state.waitingFor,
  });
  const beat = (): RunBeat => ({
    ...counts,
    phase: state.phase,
    configFingerprint: state.fingerprint,
  });

  /** Records the end of the run; a store that fails here (it may be what failed) is said, not thrown. */
  const finish = async (
    status: ChainResult['status'],
    error: { code: string; message: string } | null,
  ): Promise<ChainResult> => {
    await heartbeat?.stop();
    const result: ChainResult = {
      ...key,
      ...counts,
      runId,
      status,
      durationMs: Math.round(performance.now() - startedAt),
      spanFrom: state.spanFrom,
      spanTo: state.spanTo,
      phase: error ? state.phase : null,
      errorCode: error?.code ?? null,
      message: error?.message ?? null,
      warnings,
    };
    if (runId === null) return result;
    const id = runId;
    try {
      // The end is recorded even when the chain was cancelled: its own signal no longer applies.
      await withRetries(
        async () => {
          if (lock) await ctx.store.heartbeatRun(id, beat());
          await ctx.store.endRun(id, {
            ...counts,
            status,
            phase: result.phase,
            message: result.message,
            errorCode: result.errorCode,
          });
        },
        { policy: ctx.retry, signal: new AbortController().signal },
      );
    } catch (bookkeeping) {
      const detail = bookkeeping instanceof Error ? bookkeeping.message : String(bookkeeping);
      warnings.push(`the end of run ${runId} could not be recorded in catena_runs (${detail})`);
    }
    return result;
  };

  try {
    const retry = <T>(work: () => Promise<T>) =>
      withRetries(work, {
        policy: ctx.retry,
        signal,
        onRetry: (error, attempt) => {
          retried.push({
            attempt,
            code: isCatenaError(error) ? error.code : 'UNEXPECTED',
            at: performance.now(),
          });
          progress.update({ ...progressState(), phase: 'retrying' }, true);
        },
      });
    // Every chain of a launch gets its run row, also one cancelled while it waited for its turn.
    runId = await retry(() =>
      ctx.store.startRun({
        ...key,
        launchId: ctx.launchId,
        mode: job.mode,
        spanFrom: job.from ?? null,
        spanTo: job.to ?? null,
        host: ctx.host,
        configFingerprint: null,
      }),
    );
    const id = runId;
    signal.throwIfAborted();
    lock = await retry(() => ctx.store.lockChain(key, { runId: id, host: ctx.host }));
    if (!lock) {
      throw new CatenaError(
        'CHAIN_LOCKED',
        `chain ${chainLabel(key)} is being elaborated by another launch or workstation; wait for that run to end (or cancel it there), then launch again`,
        key,
      );
    }
    const held = lock;
    heartbeat = new Heartbeat({
      store: ctx.store,
      key,
      runId,
      lock: held,
      beat,
      onLost: (error) => {
        lostError = error;
        lost.abort(error);
      },
      onFailure: () => {},
    });
    const prepared = await retry(() => prepare(ctx, job, key, id, warnings, counts));
    state.fingerprint = prepared.fingerprint;
    const { model, plan, plausible } = prepared;
    total = plan.spans.reduce((n, s) => n + s.timestamps.length, 0);
    if (total === 0) return await finish('succeeded', null);
    // an estimate: a node may miss a timestamp, and the first chunk reads some context before the span
    rowsToRead = total * prepared.enabled.length;

    const jobCtx: ChainJobContext = { ...ctx, signal };
    state.phase = 'reference';
    progress.update(progressState(), true);
    const refs = await retry(() => loadReferences(jobCtx, key, model, prepared.enabled, plausible));

    // the raw rows of the first chunk are read before anything is computed: a phase of its own, with its progress
    state.phase = 'reading';
    progress.update(progressState(), true);
    const reads: SpanReads = {
      read: () => progress.update(progressState()),
      chunkRead: () => {
        if (state.phase !== 'reading') return;
        // the read phase ends with its count whole, however fast it was
        progress.update(progressState(), true);
        state.phase = 'elaborating';
        progress.update(progressState(), true);
      },
    };
    const ignored = { unknown: 0, duplicate: 0 };
    // A write kept waiting by a lock held elsewhere shows as such, not as a frozen bar.
    const onWait = (reason: string | null) => {
      state.phase = reason === null ? 'elaborating' : 'waiting';
      state.waitingFor = reason;
      progress.update(progressState(), true);
    };
    await retry(async () => {
      state.phase = counts.timestamps === 0 ? 'reading' : 'elaborating';
      // After a transient failure, only what was not committed is elaborated again (with its own context).
      for (const span of remainingSpans(plan.spans, state.spanTo)) {
        const window = new RawWindow(prepared.enabled, prepared.known, span.timestamps[0]!);
        const onBatch = (first: number, last: number) => {
          state.spanFrom ??= first;
          state.spanTo = last;
          progress.update(progressState());
        };
        try {
          await elaborateSpan(
            jobCtx,
            key,
            model,
            refs,
            span,
            window,
            { runId: id, lock: held, onWait },
            counts,
            onBatch,
            {
              rowsReadBefore: counts.rowsRead,
              plausibleFrom: plausible.from,
            },
            reads,
          );
        } finally {
          ignored.unknown += window.unknownRows;
          ignored.duplicate += window.duplicateRows;
        }
      }
    });
    reportIgnored(key, ignored, counts, warnings);
    if (retried.length > 0) {
      const codes = [...new Set(retried.map((r) => r.code))].join(', ');
      const seconds = ((performance.now() - retried[0]!.at) / 1000).toFixed(1);
      warnings.push(
        `chain ${chainLabel(key)}: recovered after ${retried.length} retr${retried.length === 1 ? 'y' : 'ies'} ` +
          `(${codes}) in ${seconds} s; the result is the same as an undisturbed run`,
      );
    }
    state.phase = 'finishing';
    progress.update(progressState(), true);
    return await finish('succeeded', null);
  } catch (error) {
    if (ctx.signal.aborted) return await finish('cancelled', cancelledMessage(key, counts));
    const failure = lostError ?? error;
    if (isCatenaError(failure)) return await finish('failed', failure);
    ctx.onUnexpected?.(failure, key);
    const detail = failure instanceof Error ? failure.message : String(failure);
    return await finish('failed', {
      code: 'UNEXPECTED',
      message: `chain ${chainLabel(key)}: unexpected error while ${state.phase} (${detail}); see the log file`,
    });
  } finally {
    await heartbeat?.stop();
    const held = lock;
    // A lock left behind would refuse this chain for a whole lease: its release is retried like any write.
    if (held) {
      await withRetries(() => held.release(), {
        policy: ctx.retry,
        signal: new AbortController().signal,
      }).catch(() => {});
    }
  }
}

interface Prepared {
  model: ChainModel;
  fingerprint: string;
  enabled: number[];
  known: number[];
  plausible: Plausible;
  plan: SpanPlan;
}

/** The chain's configuration, validated, and what the run elaborates (recorded on its run row). */
async function prepare(
  ctx: ChainJobContext,
  job: ChainJob,
  key: ChainKey,
  runId: number,
  warnings: string[],
  counts: RunCounts,
): Promise<Prepared> {
  const setup = await ctx.store.readChainSetup(key);
  if (!setup) {
    throw new CatenaError(
      'CHAIN_NOT_FOUND',
      `chain ${chainLabel(key)} is not in active_stations; check the control unit code and the chain letter`,
      key,
    );
  }
  const model = buildChainModel(setup);
  const fingerprint = configFingerprint(model);
  const enabled = model.nodes.map((n) => n.nodeIndex);
  const known = setup.nodes.map((n) => n.nodeIndex);
  const plausible = await plausibleTimes(ctx, key, warnings, counts);
  const plan = await planSpans(ctx.store, job, enabled, fingerprint, plausible);
  if (plan.amendment) await ctx.store.amendRun(runId, plan.amendment);
  if (plan.notice) warnings.push(`chain ${chainLabel(key)}: ${plan.notice}`);
  return { model, fingerprint, enabled, known, plausible, plan };
}

/** The spans' timestamps after `committed` (the last committed one), with their event bounds moved past it. */
export function remainingSpans(spans: readonly Span[], committed: number | null): Span[] {
  const out: Span[] = [];
  for (const span of spans) {
    const ts = committed === null ? span.timestamps : span.timestamps.filter((t) => t > committed);
    if (ts.length === 0) continue;
    const eventsFrom = committed !== null && committed >= span.eventsFrom ? committed + 1 : span.eventsFrom;
    out.push({ timestamps: ts, eventsFrom, eventsTo: span.eventsTo });
  }
  return out;
}

function reportIgnored(
  key: ChainKey,
  ignored: { unknown: number; duplicate: number },
  counts: RunCounts,
  warnings: string[],
): void {
  counts.ignoredRawRows += ignored.unknown + ignored.duplicate;
  if (ignored.duplicate > 0) {
    warnings.push(
      `${ignored.duplicate} raw rows of chain ${chainLabel(key)} repeat a reading of the same node and timestamp; one ` +
        'reading of each was used (without an error code first, then the smallest values; ELABORATION.md appendix) ' +
        'and the others were ignored. Remove the duplicates from raw_rsn_data (give it a primary key)',
    );
  }
  if (ignored.unknown > 0) {
    warnings.push(
      `${ignored.unknown} raw rows of chain ${chainLabel(key)} belong to nodes that are not in rsn_nodes and were ignored`,
    );
  }
}

/**
 * The times a raw row may plausibly have: not before 1990, not more than the
 * tolerance after the database's clock. Rows outside are left out of spans,
 * references and context, and reported with their count: a future-dated row
 * would otherwise end every later incremental run's span (the chain would
 * stop being elaborated), and a year-1000 row would become the reference.
 */
async function plausibleTimes(
  ctx: ChainJobContext,
  key: ChainKey,
  warnings: string[],
  counts: RunCounts,
): Promise<Plausible> {
  const to = (await ctx.store.databaseNow()) + ctx.futureToleranceSeconds;
  const outside = await ctx.store.countRawOutsideTimes(key, PLAUSIBLE_FROM, to);
  if (outside > 0) {
    counts.ignoredRawRows += outside;
    warnings.push(
      `${outside} raw rows of chain ${chainLabel(key)} are dated before ${formatIsoTime(PLAUSIBLE_FROM)} or after ` +
        `${formatIsoTime(to)} (more than ${ctx.futureToleranceSeconds / 3600} h ahead of the database's clock) and were ` +
        'ignored; correct their timestamps in raw_rsn_data (a control unit with a wrong clock?)',
    );
  }
  return { from: PLAUSIBLE_FROM, to };
}

function cancelledMessage(key: ChainKey, counts: RunCounts): { code: string; message: string } {
  const message =
    counts.timestamps === 0
      ? `chain ${chainLabel(key)} cancelled before anything was written`
      : `chain ${chainLabel(key)} cancelled after ${counts.timestamps} timestamps; what was written is kept and the next incremental run resumes after it`;
  return { code: 'CANCELLED', message };
}

/**
 * A reference time after every reading leaves every node without a zero
 * reading: every row would be flagged and every displacement null, reported
 * as a success. It is refused before anything is written.
 */
async function checkReferenceTime(
  ctx: ChainJobContext,
  key: ChainKey,
  referenceTime: number,
  enabled: number[],
  plausibleTo: number,
): Promise<void> {
  const last = await ctx.store.lastChainTimestampBefore(key, plausibleTo + 1, enabled);
  if (last !== null && referenceTime > last) {
    throw new CatenaError(
      'CHAIN_CONFIG',
      `chain ${chainLabel(key)}: referenceTime ${formatIsoTime(referenceTime)} in active_stations is after the ` +
        `chain's last reading (${formatIsoTime(last)}), so no node has a zero reading; enter the date of the zero ` +
        'reading, or leave it empty for the first reading',
      { ...key, column: 'referenceTime', table: 'active_stations' },
    );
  }
}

async function loadReferences(
  ctx: ChainJobContext,
  key: ChainKey,
  model: ChainModel,
  enabled: number[],
  plausible: Plausible,
): Promise<References> {
  const tRef =
    model.params.referenceTime ?? (await ctx.store.firstChainTimestamp(key, enabled, plausible.from));
  if (model.params.referenceTime !== null) {
    await checkReferenceTime(ctx, key, model.params.referenceTime, enabled, plausible.to);
  }
  if (tRef === null) {
    const none = new Float64Array(enabled.length).fill(Number.NaN);
    return { refX: none, refY: none.slice() };
  }
  const span = referenceLoadSpan(model.params, tRef);
  const window = new RawWindow(enabled, enabled, Number.POSITIVE_INFINITY);
  for await (const rows of ctx.store.readRaw(
    { ...key, from: Math.floor(span.from), to: Math.ceil(span.toExclusive) },
    { chunkRows: ctx.tuning.readRows, signal: ctx.signal },
  )) {
    window.add(rows);
  }
  const block = window.block(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  return ctx.compute.references({ model, block, tRef });
}

/** What elaborateSpan says of its reading: each raw chunk read, and each chunk of timestamps read whole. */
interface SpanReads {
  read(): void;
  chunkRead(): void;
}

async function elaborateSpan(
  ctx: ChainJobContext,
  key: ChainKey,
  model: ChainModel,
  refs: References,
  span: Span,
  window: RawWindow,
  run: RunWriter,
  counts: RunCounts,
  onBatch: (first: number, last: number) => void,
  reading: { rowsReadBefore: number; plausibleFrom: number },
  reads: SpanReads,
): Promise<void> {
  const ts = span.timestamps;
  const nodeCount = model.nodes.length;
  const perChunk = Math.max(1, Math.floor(ctx.tuning.chunkCells / nodeCount));
  // The first chunk is one write batch: the chain's first write starts as soon as it can (the write
  // streams are the bottleneck; until then this chain only reads and computes).
  const firstChunk = Math.min(perChunk, Math.max(1, Math.floor(ctx.tuning.writeRows / nodeCount)));
  const context = contextSeconds(model.params);
  const found = await ctx.store.lastChainTimestampBefore(key, ts[0]!, window.enabledNodes);
  // An implausibly old row is no predecessor: the span then starts the chain.
  const before = found !== null && found >= reading.plausibleFrom ? found : null;
  const readFrom = before === null ? ts[0]! : Math.max(before - context, reading.plausibleFrom);
  const reader = readAhead(
    ctx.store
      .readRaw(
        { ...key, from: Math.floor(readFrom), to: ts[ts.length - 1]! },
        { chunkRows: ctx.tuning.readRows, signal: ctx.signal },
      )
      [Symbol.asyncIterator](),
  );
  let streamLast = Number.NEGATIVE_INFINITY;
  let writing: Promise<void> = Promise.resolve();
  // The first chunk holds the look-back context (§5); each later one continues from the state the previous left.
  let state: ChainState | null = null;
  try {
    for (let c0 = 0, c1 = 0; c0 < ts.length; c0 = c1) {
      ctx.signal.throwIfAborted();
      c1 = Math.min(ts.length, c0 + (c0 === 0 ? firstChunk : perChunk));
      const first = ts[c0]!;
      const last = ts[c1 - 1]!;
      const contextFrom = c0 === 0 && before !== null ? before - context : first;
      while (streamLast < last) {
        const next = await reader.next();
        if (next.done) break;
        const rows = next.value;
        if (rows.length > 0) streamLast = rows.timestamp[rows.length - 1]!;
        window.add(rows);
        counts.rowsRead = reading.rowsReadBefore + window.rowsRead;
        reads.read();
      }
      reads.chunkRead();
      window.trimBefore(contextFrom);
      const block = window.block(contextFrom, last);
      const outputFrom = firstIndexAtOrAfter(block.timestamps, first);
      const result = await ctx.compute.elaborate({ model, refs, block, outputFrom, state });
      state = result.state;
      ctx.signal.throwIfAborted();
      await writing;
      counts.invalidRows += result.counts.invalidRows;
      counts.spikeRows += result.counts.spikeRows;
      counts.heldRows += result.counts.heldRows;
      const eventsFrom = c0 === 0 ? span.eventsFrom : first;
      const eventsTo = c1 === ts.length ? span.eventsTo : ts[c1]! - 1;
      writing = writeOutput(ctx, key, model, run, result, eventsFrom, eventsTo, counts, onBatch);
      // Observed when awaited; this only keeps an early failure from being reported as unhandled.
      writing.catch(() => {});
    }
    await writing;
  } finally {
    await writing.catch(() => {});
    await reader.return?.();
  }
}

/**
 * The iterator with its next piece always requested: the database reads the
 * chain's next rows while the worker computes and the write streams write.
 * At most one piece is held ahead (a read round trip, `readRows` rows).
 */
export function readAhead<T>(source: AsyncIterator<T>): AsyncIterator<T> {
  let ahead: Promise<IteratorResult<T>> | null = null;
  const request = () => {
    const next = source.next();
    // observed when taken; a failure while nobody waits must not be reported as unhandled
    next.catch(() => {});
    return next;
  };
  return {
    async next() {
      const current = ahead ?? request();
      const result = await current;
      ahead = result.done ? null : request();
      return result;
    },
    async return(value?: unknown) {
      ahead = null;
      return (await source.return?.(value)) ?? { done: true, value: undefined };
    },
  };
}

/** Writes one chunk's output in whole-timestamp batches, each one transaction, in time order. */
async function writeOutput(
  ctx: ChainJobContext,
  key: ChainKey,
  model: ChainModel,
  run: RunWriter,
  result: ElaborateResult,
  eventsFrom: number,
  eventsTo: number,
  counts: RunCounts,
  onBatch: (first: number, last: number) => void,
): Promise<void> {
  const out = result.output;
  const T = out.timestamps.length;
  const perBatch = Math.max(1, Math.floor(ctx.tuning.writeRows / out.nodeCount));
  for (let i0 = 0; i0 < T; i0 += perBatch) {
    const i1 = Math.min(T, i0 + perBatch);
    const from = i0 === 0 ? eventsFrom : out.timestamps[i0]!;
    const to = i1 === T ? eventsTo : out.timestamps[i1]! - 1;
    const events = result.events.filter((e) => e.timestamp >= from && e.timestamp <= to);
    ctx.signal.throwIfAborted();
    const rows = sliceOutput(out, model, i0, i1);
    const written = await ctx.writeLanes.use(
      () =>
        ctx.store.writeChunk({
          ...key,
          runId: run.runId,
          rows,
          eventsFrom: from,
          eventsTo: to,
          events,
          lock: run.lock,
          signal: ctx.signal,
          onWait: run.onWait,
        }),
      ctx.signal,
    );
    counts.rowsWritten += written.rowsWritten;
    counts.eventsCreated += written.newEvents.length;
    if (written.newEvents.length > 0) ctx.onAlarms?.(key, run.runId, written.newEvents);
    counts.timestamps += i1 - i0;
    onBatch(out.timestamps[i0]!, out.timestamps[i1 - 1]!);
  }
}

/** Rows of timestamps [i0, i1) as store columns; value arrays are views (time-major layout). */
export function sliceOutput(out: OutputBlock, model: ChainModel, i0: number, i1: number): ElaboratedColumns {
  const N = out.nodeCount;
  const a = i0 * N;
  const b = i1 * N;
  const timestamp = new Float64Array(b - a);
  const nodeIndex = new Int32Array(b - a);
  for (let i = i0; i < i1; i++) {
    const t = out.timestamps[i]!;
    for (let k = 0; k < N; k++) {
      timestamp[(i - i0) * N + k] = t;
      nodeIndex[(i - i0) * N + k] = model.nodes[k]!.nodeIndex;
    }
  }
  return {
    length: b - a,
    timestamp,
    nodeIndex,
    alphaX: out.alphaX.subarray(a, b),
    alphaY: out.alphaY.subarray(a, b),
    temperature: out.temperature.subarray(a, b),
    dispX: out.dispX.subarray(a, b),
    dispY: out.dispY.subarray(a, b),
    cumX: out.cumX.subarray(a, b),
    cumY: out.cumY.subarray(a, b),
    cumR: out.cumR.subarray(a, b),
    velR: out.velR.subarray(a, b),
    flags: out.flags.subarray(a, b),
  };
}

function firstIndexAtOrAfter(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function zeroCounts(): RunCounts {
  return {
    rowsRead: 0,
    rowsWritten: 0,
    timestamps: 0,
    invalidRows: 0,
    spikeRows: 0,
    heldRows: 0,
    ignoredRawRows: 0,
    eventsCreated: 0,
  };
}
