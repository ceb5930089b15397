/**
 * Offline snapshots (docs/EXPORTS.md): the configuration, elaborated rows,
 * alarm events with their acknowledgements and run history of chosen chains,
 * copied from a monitoring database into another store (an SQLite file),
 * streamed a page at a time. Taken again into the same file, only what is
 * new is copied: rows after the snapshot's last elaborated timestamp (or
 * from the start of the span of any full or range run the source made since,
 * which may have rewritten older rows), runs not copied yet, raw rows after
 * the snapshot's last raw row. Configuration and events are small and are
 * copied whole each time (acknowledgements change after the fact).
 *
 * Everything goes through the Store port, so some columns cannot be kept
 * (the port has no bulk import): each pass of the snapshot is itself a run in
 * catena_runs (launchId `snapshot:<time>`, host `snapshot of <source>`), the
 * rows and events it writes carry that run's id, events' createdAt is the
 * time of the copy, and copied runs get new ids (resumesRunId is mapped) with
 * startedAt/endedAt/heartbeatAt/committedTo of the copy.
 */
import type { AlarmEvent } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import { allocElaborated } from '../domain/columns.ts';
import { RUN_COUNT_NAMES } from '../domain/runs.ts';
import { CatenaError } from '../errors.ts';
import type { RunRecord, Store, StoredAlarmEvent } from '../store/port.ts';
import { formatIsoTime } from '../time.ts';
import { chainRuns, pageEvents } from './export.ts';
import { DEFAULT_PAGE_ROWS, pageElaborated } from './pager.ts';

/** The launchId prefix of the runs that record a snapshot's passes. */
export const SNAPSHOT_LAUNCH_PREFIX = 'snapshot:';

export type SnapshotStep = 'configuration' | 'runs' | 'elaborated' | 'events' | 'raw';

export interface SnapshotProgress {
  chain: ChainKey;
  step: SnapshotStep;
  /** rows copied in this step so far */
  rows: number;
  /** how far through the step (0..1), when known */
  fraction: number | null;
  chainNumber: number;
  chains: number;
}

export interface SnapshotRequest {
  /** the chains to copy; all chains of the source when absent or empty */
  chains?: readonly ChainKey[];
  /** inclusive bounds on the elaborated, raw and event times (epoch seconds); null = unbounded */
  from?: number | null;
  to?: number | null;
  /** copy raw_rsn_data too */
  withRaw?: boolean;
  onProgress?: (progress: SnapshotProgress) => void;
  signal?: AbortSignal;
  pageRows?: number;
}

export interface ChainSnapshot extends ChainKey {
  runsCopied: number;
  /** the first elaborated time copied in this pass (null: none) */
  elaboratedFrom: number | null;
  elaboratedRows: number;
  events: number;
  rawRows: number;
}

export interface SnapshotResult {
  source: string;
  /** the snapshot's own run, per chain: where and when it was taken */
  takenAt: number;
  chains: ChainSnapshot[];
}

/** The unbounded ends of an events span as writeChunk takes them (the store clamps to its range). */
const FAR_PAST = Number.NEGATIVE_INFINITY;
const FAR_FUTURE = Number.POSITIVE_INFINITY;

export async function takeSnapshot(
  source: Store,
  target: Store,
  request: SnapshotRequest = {},
): Promise<SnapshotResult> {
  await target.migrate();
  const chains = await chosenChains(source, request.chains);
  const takenAt = await source.databaseNow();
  const result: SnapshotResult = { source: source.info.location, takenAt, chains: [] };
  for (const [i, key] of chains.entries()) {
    request.signal?.throwIfAborted();
    const report = (step: SnapshotStep, rows: number, fraction: number | null) =>
      request.onProgress?.({ chain: key, step, rows, fraction, chainNumber: i + 1, chains: chains.length });
    result.chains.push(await snapshotChain(source, target, key, request, takenAt, report));
  }
  return result;
}

async function chosenChains(source: Store, chains: readonly ChainKey[] | undefined): Promise<ChainKey[]> {
  const all = await source.listChains();
  if (!chains || chains.length === 0) {
    return all.map((c) => ({ controlUnitCode: c.controlUnitCode, chain: c.chain }));
  }
  const known = new Set(all.map((c) => chainLabel(c)));
  for (const key of chains) {
    if (!known.has(chainLabel(key))) {
      throw new CatenaError(
        'CHAIN_NOT_FOUND',
        `chain ${chainLabel(key)} is not in active_stations of ${source.info.location}; \`catena stations\` lists them`,
      );
    }
  }
  return [...chains];
}

async function snapshotChain(
  source: Store,
  target: Store,
  key: ChainKey,
  request: SnapshotRequest,
  takenAt: number,
  report: (step: SnapshotStep, rows: number, fraction: number | null) => void,
): Promise<ChainSnapshot> {
  const from = request.from ?? null;
  const to = request.to ?? null;
  const out: ChainSnapshot = {
    ...key,
    runsCopied: 0,
    elaboratedFrom: null,
    elaboratedRows: 0,
    events: 0,
    rawRows: 0,
  };

  // Configuration: active_stations, rsn_nodes, rsn_thresholds.
  report('configuration', 0, null);
  const setup = await source.readChainSetup(key);
  if (!setup) throw new CatenaError('CHAIN_NOT_FOUND', `chain ${chainLabel(key)} is not in active_stations`);
  await target.upsertStation(setup.station);
  await target.replaceChainConfig(
    key,
    setup.nodes,
    setup.thresholds.map(({ id: _id, ...t }) => t),
  );

  // Run history: which runs are not copied yet (a chain has one run per launch). They are
  // written last, so that a pass cut short sees them again as new the next time.
  const runs = await planRuns(source, target, key);

  // This pass, recorded as a run of the snapshot.
  const runId = await target.startRun({
    ...key,
    launchId: `${SNAPSHOT_LAUNCH_PREFIX}${formatIsoTime(takenAt)}`,
    mode: 'range',
    spanFrom: from,
    spanTo: to,
    host: `snapshot of ${source.info.location}`.slice(0, 255),
  });
  try {
    // Elaborated rows: from the snapshot's last row on, or earlier when the source re-elaborated since.
    const last = await target.lastElaboratedAt(key);
    let resume: number | null = last === null ? null : last + 1;
    for (const run of runs.changed) {
      if (run.mode !== 'incremental' && run.rowsWritten > 0 && resume !== null) {
        resume = run.spanFrom === null ? null : Math.min(resume, run.spanFrom);
      }
    }
    const rowsFrom = resume === null ? from : from === null ? resume : Math.max(from, resume);
    out.elaboratedFrom = rowsFrom;
    const empty = allocElaborated(0);
    for await (const page of pageElaborated(source, key, {
      from: rowsFrom,
      to,
      pageRows: request.pageRows ?? DEFAULT_PAGE_ROWS,
      signal: request.signal,
    })) {
      if (out.elaboratedFrom === null && page.rows.length > 0) out.elaboratedFrom = page.rows.timestamp[0]!;
      await target.writeChunk({ ...key, runId, rows: page.rows, eventsFrom: 1, eventsTo: 0, events: [] });
      out.elaboratedRows += page.rows.length;
      report(
        'elaborated',
        out.elaboratedRows,
        (page.to - page.spanFrom + 1) / (page.spanTo - page.spanFrom + 1),
      );
    }

    // Alarm events, whole: the snapshot's events of each window are replaced by the source's.
    for await (const page of pageEvents(source, key, from, to, request.pageRows ?? 5000, request.signal)) {
      await target.writeChunk({
        ...key,
        runId,
        rows: empty,
        eventsFrom: page.from ?? FAR_PAST,
        eventsTo: page.to ?? FAR_FUTURE,
        events: page.events.map(alarmEvent),
      });
      await copyEventMarks(target, key, page.events);
      out.events += page.events.length;
      report('events', out.events, null);
    }

    // Raw rows, after the snapshot's last raw row.
    if (request.withRaw) {
      const lastRaw =
        (await target.listChains()).find((c) => chainLabel(c) === chainLabel(key))?.lastRawAt ?? null;
      const rawFrom = lastRaw === null ? from : from === null ? lastRaw + 1 : Math.max(from, lastRaw + 1);
      const extent = (await source.listChains()).find((c) => chainLabel(c) === chainLabel(key));
      const spanFrom = rawFrom ?? extent?.firstRawAt ?? 0;
      const spanTo = to ?? extent?.lastRawAt ?? spanFrom;
      for await (const chunk of source.readRaw({ ...key, from: rawFrom, to }, { signal: request.signal })) {
        await target.writeRaw(key, chunk);
        out.rawRows += chunk.length;
        const reached = chunk.length > 0 ? chunk.timestamp[chunk.length - 1]! : spanFrom;
        report('raw', out.rawRows, (reached - spanFrom + 1) / Math.max(1, spanTo - spanFrom + 1));
      }
    }
    report('runs', 0, null);
    out.runsCopied = await applyRuns(target, key, runs);
    report('runs', out.runsCopied, 1);
    await target.endRun(runId, {
      status: 'succeeded',
      phase: null,
      message: `snapshot of ${source.info.location} taken at ${formatIsoTime(takenAt)}`,
      errorCode: null,
      rowsRead: out.elaboratedRows + out.rawRows,
      rowsWritten: out.elaboratedRows,
      timestamps: 0,
      invalidRows: 0,
      spikeRows: 0,
      heldRows: 0,
      ignoredRawRows: 0,
      eventsCreated: out.events,
    });
  } catch (error) {
    const cancelled = request.signal?.aborted === true;
    await target
      .endRun(runId, {
        status: cancelled ? 'cancelled' : 'failed',
        phase: null,
        message: error instanceof Error ? error.message : String(error),
        errorCode: error instanceof CatenaError ? error.code : null,
        rowsRead: 0,
        rowsWritten: out.elaboratedRows,
        timestamps: 0,
        invalidRows: 0,
        spikeRows: 0,
        heldRows: 0,
        ignoredRawRows: 0,
        eventsCreated: 0,
      })
      .catch(() => undefined);
    throw error;
  }
  return out;
}

function alarmEvent(e: StoredAlarmEvent): AlarmEvent {
  return {
    metric: e.metric,
    timestamp: e.timestamp,
    level: e.level,
    previousLevel: e.previousLevel,
    nodeIndex: e.nodeIndex,
    value: e.value,
  };
}

/** Groups `items` by a string key, in first-seen order. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/** Notification times and acknowledgements, as the source has them. */
async function copyEventMarks(
  target: Store,
  key: ChainKey,
  events: readonly StoredAlarmEvent[],
): Promise<void> {
  const notified = events.filter((e) => e.notifiedAt !== null);
  for (const group of groupBy(notified, (e) => String(e.notifiedAt))) {
    await target.markNotified(key, group.map(alarmEvent), group[0]!.notifiedAt!);
  }
  const acknowledged = events.filter((e) => e.acknowledgedAt !== null);
  for (const group of groupBy(acknowledged, (e) =>
    JSON.stringify([e.acknowledgedAt, e.acknowledgedBy, e.ackNote]),
  )) {
    const first = group[0]!;
    await target.acknowledgeEvents({
      key,
      events: group.map((e) => ({ metric: e.metric, timestamp: e.timestamp })),
      by: first.acknowledgedBy ?? '',
      note: first.ackNote,
      at: first.acknowledgedAt!,
    });
  }
}

interface RunPlan {
  sourceRuns: RunRecord[];
  /** the snapshot's copies of source runs, by launchId */
  copies: Map<string, RunRecord>;
  /** source runs the snapshot lacks, oldest first */
  newRuns: RunRecord[];
  /**
   * runs that may have written rows since the previous pass: the new ones, and
   * those that were running then (their copy has not ended) and have ended or
   * still run
   */
  changed: RunRecord[];
}

/** The source runs the snapshot lacks (matched on launchId: one run per chain per launch). */
async function planRuns(source: Store, target: Store, key: ChainKey): Promise<RunPlan> {
  const sourceRuns = await chainRuns(source, key, null, null);
  const targetRuns = (await chainRuns(target, key, null, null)).filter(
    (r) => !r.launchId.startsWith(SNAPSHOT_LAUNCH_PREFIX),
  );
  const copies = new Map(targetRuns.map((r) => [r.launchId, r]));
  const changed = sourceRuns.filter((r) => {
    const copy = copies.get(r.launchId);
    return !copy || (!isEnded(copy) && (isEnded(r) || r.status === 'running'));
  });
  return { sourceRuns, copies, newRuns: sourceRuns.filter((r) => !copies.has(r.launchId)), changed };
}

/**
 * Copies the runs the snapshot lacks, oldest first, and ends the copies of
 * runs that were still running at the previous pass and have ended since.
 * Returns how many runs were copied.
 */
async function applyRuns(target: Store, key: ChainKey, plan: RunPlan): Promise<number> {
  // source runId → snapshot runId, for resumesRunId
  const ids = new Map<number, number>();
  for (const r of plan.sourceRuns) {
    const copy = plan.copies.get(r.launchId);
    if (copy) ids.set(r.runId, copy.runId);
  }
  for (const r of plan.sourceRuns) {
    const existing = plan.copies.get(r.launchId);
    if (existing) {
      if ((existing.status === 'running' || existing.status === 'interrupted') && isEnded(r)) {
        await target.endRun(existing.runId, runEnd(r));
      }
      continue;
    }
    const runId = await target.startRun({
      ...key,
      launchId: r.launchId,
      mode: r.mode,
      spanFrom: r.spanFrom,
      spanTo: r.spanTo,
      host: r.host,
      configFingerprint: r.configFingerprint,
    });
    ids.set(r.runId, runId);
    if (r.resumesRunId !== null) {
      await target.amendRun(runId, {
        mode: r.mode,
        spanFrom: r.spanFrom,
        spanTo: r.spanTo,
        resumesRunId: ids.get(r.resumesRunId) ?? null,
      });
    }
    if (isEnded(r)) await target.endRun(runId, runEnd(r));
    else
      await target.heartbeatRun(runId, {
        ...r,
        phase: r.phase ?? '',
        configFingerprint: r.configFingerprint,
      });
  }
  return plan.newRuns.length;
}

function isEnded(r: RunRecord): boolean {
  return r.status === 'succeeded' || r.status === 'failed' || r.status === 'cancelled';
}

function runEnd(r: RunRecord) {
  const counts = Object.fromEntries(RUN_COUNT_NAMES.map((n) => [n, r[n]])) as Pick<
    RunRecord,
    (typeof RUN_COUNT_NAMES)[number]
  >;
  return {
    ...counts,
    status: r.status as 'succeeded' | 'failed' | 'cancelled',
    phase: r.phase,
    message: r.message,
    errorCode: r.errorCode,
  };
}
