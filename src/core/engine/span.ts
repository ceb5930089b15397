/**
 * What a run elaborates: its spans of chain timestamps. An incremental run
 * first finishes an interrupted full or range run of the chain, so that the
 * stored outputs are always the result of one configuration and never a mix
 * of an old run's rows with a newer run's (ELABORATION.md appendix).
 */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import { CatenaError } from '../errors.ts';
import type { ChainHistory, RunAmendment, RunRecord, Store } from '../store/port.ts';
import { formatIsoTime } from '../time.ts';

/** The end of time for an open span's events (9999-12-31 23:59:59). */
export const END_OF_TIME = 253402300799;

export interface Span {
  timestamps: Float64Array;
  /** bounds of the span, for replacing its events */
  eventsFrom: number;
  eventsTo: number;
}

export interface SpanPlan {
  /** elaborated in order, each with its own look-back context */
  spans: Span[];
  /** what the run turned out to be, when it finishes an interrupted one */
  amendment: RunAmendment | null;
  /** said to the operator with the result */
  notice: string | null;
}

export interface SpanRequest extends ChainKey {
  mode: 'incremental' | 'range' | 'full';
  from?: number;
  to?: number;
}

/** Bounds on the raw timestamps a run may take (future-dated or implausibly old rows are left out). */
export interface Plausible {
  from: number;
  to: number;
}

export async function planSpans(
  store: Store,
  job: SpanRequest,
  enabled: number[],
  fingerprint: string,
  plausible: Plausible,
): Promise<SpanPlan> {
  const key = { controlUnitCode: job.controlUnitCode, chain: job.chain };
  const span = (from: number | null, to: number | null, eventsTo = END_OF_TIME) =>
    timestampsIn(store, key, enabled, plausible, from, to, eventsTo);
  if (job.mode === 'range') {
    if (job.from === undefined || job.to === undefined || job.from > job.to) {
      throw new CatenaError('DATA_INVALID', `chain ${chainLabel(key)}: a range run needs from ≤ to`, key);
    }
    return { spans: [await span(job.from, job.to, job.to)], amendment: null, notice: null };
  }
  if (job.mode === 'full') return { spans: [await span(null, null)], amendment: null, notice: null };
  const pending = pendingRewrite(await store.chainHistory(key));
  if (pending) return finishPending(store, key, pending, fingerprint, span, plausible);
  const last = await store.lastElaboratedAt(key, plausible.to);
  return { spans: [await span(last === null ? null : last + 1, null)], amendment: null, notice: null };
}

/**
 * The interrupted full or range run whose outputs are partly written: its
 * committed prefix is of one configuration, what follows of another (or of
 * none). A range run finished by a later full run is no longer pending.
 */
export function pendingRewrite(history: ChainHistory): RunRecord | null {
  const { lastFull, lastRange } = history;
  if (lastFull && unfinished(lastFull)) return lastFull;
  if (lastRange && unfinished(lastRange) && !(lastFull && lastFull.runId > lastRange.runId)) return lastRange;
  return null;
}

function unfinished(run: RunRecord): boolean {
  if (run.status === 'succeeded' || run.status === 'running') return false;
  // Nothing written: the stored outputs are those from before it, whole.
  if (run.committedTo === null && run.rowsWritten === 0) return false;
  if (run.mode === 'range' && run.committedTo !== null && run.spanTo !== null)
    return run.committedTo < run.spanTo;
  return true;
}

type SpanOf = (from: number | null, to: number | null, eventsTo?: number) => Promise<Span>;

async function finishPending(
  store: Store,
  key: ChainKey,
  pending: RunRecord,
  fingerprint: string,
  span: SpanOf,
  plausible: Plausible,
): Promise<SpanPlan> {
  // The configuration changed since: finishing would mix two configurations, so the whole span is done again.
  const sameConfig = pending.configFingerprint === null || pending.configFingerprint === fingerprint;
  const resumeAt = sameConfig && pending.committedTo !== null ? pending.committedTo + 1 : null;
  const first = pending.resumesRunId ?? pending.runId;
  const what = `${pending.mode} run ${pending.runId} (${pending.status}${
    pending.committedTo === null ? '' : ` after ${formatIsoTime(pending.committedTo)}`
  })`;
  const notice = sameConfig
    ? `finished the interrupted ${what}, so that every stored row comes from one configuration`
    : `the configuration changed since the interrupted ${what}: its whole span was elaborated again with the current one`;
  if (pending.mode === 'full') {
    return {
      spans: [await span(resumeAt, null)],
      amendment: { mode: 'full', spanFrom: resumeAt, spanTo: null, resumesRunId: sameConfig ? first : null },
      notice,
    };
  }
  const rangeFrom = resumeAt ?? pending.spanFrom;
  const rangeTo = pending.spanTo!;
  const spans = [await span(rangeFrom, rangeTo, rangeTo)];
  // Then the new data, as the incremental run that was asked for.
  const last = await store.lastElaboratedAt(key, plausible.to);
  const tail = await span(Math.max(last ?? Number.NEGATIVE_INFINITY, rangeTo) + 1, null);
  if (tail.timestamps.length > 0) spans.push(tail);
  return {
    spans,
    amendment: {
      mode: 'range',
      spanFrom: rangeFrom,
      spanTo: rangeTo,
      resumesRunId: sameConfig ? first : null,
    },
    notice,
  };
}

async function timestampsIn(
  store: Store,
  key: ChainKey,
  enabled: number[],
  plausible: Plausible,
  from: number | null,
  to: number | null,
  eventsTo: number,
): Promise<Span> {
  const lo = Math.max(from ?? Number.NEGATIVE_INFINITY, plausible.from);
  const hi = Math.min(to ?? Number.POSITIVE_INFINITY, plausible.to);
  const timestamps =
    lo > hi ? new Float64Array(0) : await store.chainTimestamps({ ...key, from: lo, to: hi }, enabled);
  return { timestamps, eventsFrom: from ?? 0, eventsTo };
}
