/**
 * Offline snapshots (docs/EXPORTS.md): the configuration, elaborated rows,
 * alarm events with their acknowledgements and run history of chosen chains,
 * copied from a monitoring database into another store (an SQLite file),
 * streamed a page at a time. Taken again into the same file, only what is
 * new is copied: rows after the snapshot's last elaborated timestamp (or
 * from the start of the span of any full or range run the source made since,
 * which may have rewritten older rows), raw rows after the snapshot's last
 * raw row. Configuration, events and runs are small and are copied whole
 * each time (acknowledgements and run ends come after the fact).
 *
 * Outputs and bookkeeping are stored as the source has them, through the
 * Store port's import methods: elaborated rows with their runId, events with
 * their runId, createdAt, notification and acknowledgement, runs with their
 * ids and times. Each pass is recorded in the snapshot's
 * catena_snapshot_passes (source, the source's clock at the start, status):
 * a database that has passes opens read-only, and says where and when it was
 * taken.
 */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import { CatenaError } from '../errors.ts';
import { outputsDatum } from '../store/datum.ts';
import type { RunRecord, Store } from '../store/port.ts';
import { formatIsoTime } from '../time.ts';
import { chainRuns, pageEvents } from './export.ts';
import { DEFAULT_PAGE_ROWS, pageElaborated } from './pager.ts';

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
  /** the source database's clock when the pass began: when the snapshot was taken */
  takenAt: number;
  /** the pass's row in the snapshot's catena_snapshot_passes */
  passId: number;
  chains: ChainSnapshot[];
}

export async function takeSnapshot(
  source: Store,
  target: Store,
  request: SnapshotRequest = {},
): Promise<SnapshotResult> {
  await target.migrate();
  await checkTarget(source, target);
  const chains = await chosenChains(source, request.chains);
  const takenAt = await source.databaseNow();
  const passId = await target.startSnapshotPass({
    source: source.info.location,
    takenAt,
    chains: chains.map(chainLabel).join(' '),
  });
  const result: SnapshotResult = { source: source.info.location, takenAt, passId, chains: [] };
  try {
    for (const [i, key] of chains.entries()) {
      request.signal?.throwIfAborted();
      const report = (step: SnapshotStep, rows: number, fraction: number | null) =>
        request.onProgress?.({ chain: key, step, rows, fraction, chainNumber: i + 1, chains: chains.length });
      result.chains.push(await snapshotChain(source, target, key, request, report));
    }
  } catch (error) {
    await target
      .endSnapshotPass(passId, {
        status: request.signal?.aborted === true ? 'cancelled' : 'failed',
        message: error instanceof Error ? error.message : String(error),
      })
      .catch(() => undefined);
    throw error;
  }
  await target.endSnapshotPass(passId, {
    status: 'succeeded',
    message: `snapshot of ${source.info.location} taken at ${formatIsoTime(takenAt)}`,
  });
  return result;
}

/**
 * A snapshot keeps the source's run ids, so a file holds one source's
 * snapshot and nothing else: a Catena database with runs of its own, or a
 * snapshot of another database, is refused before anything is written.
 */
async function checkTarget(source: Store, target: Store): Promise<void> {
  const passes = await target.listSnapshotPasses();
  const where = target.info.location;
  if (passes.length === 0) {
    if ((await target.listRuns({ limit: 1 })).length > 0) {
      throw new CatenaError(
        'DATA_INVALID',
        `${where} is a Catena database with runs of its own, not a snapshot; take the snapshot into a new file.`,
      );
    }
    return;
  }
  const previous = passes[0]!.source;
  if (previous !== source.info.location) {
    throw new CatenaError(
      'DATA_INVALID',
      `${where} holds a snapshot of ${previous}; take the snapshot of ${source.info.location} into a new file.`,
    );
  }
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
  await target.recordSnapshotDatum(key, await outputsDatum(source, setup));

  // Run history: which runs are new or were still running at the previous pass. They are
  // written last, so that a pass cut short sees them again as new the next time.
  const runs = await planRuns(source, target, key);

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
  for await (const page of pageElaborated(source, key, {
    from: rowsFrom,
    to,
    pageRows: request.pageRows ?? DEFAULT_PAGE_ROWS,
    withRunIds: true,
    signal: request.signal,
  })) {
    if (out.elaboratedFrom === null && page.rows.length > 0) out.elaboratedFrom = page.rows.timestamp[0]!;
    await target.importElaborated(key, page.rows);
    out.elaboratedRows += page.rows.length;
    report(
      'elaborated',
      out.elaboratedRows,
      (page.to - page.spanFrom + 1) / (page.spanTo - page.spanFrom + 1),
    );
  }

  // Alarm events, whole: the snapshot's events of each window are replaced by the source's, as they are.
  for await (const page of pageEvents(source, key, from, to, request.pageRows ?? 5000, request.signal)) {
    await target.importEvents(key, page.from, page.to, page.events);
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
  request.signal?.throwIfAborted();
  await target.importRuns(runs.sourceRuns);
  out.runsCopied = runs.newRuns.length;
  report('runs', out.runsCopied, 1);
  return out;
}

interface RunPlan {
  sourceRuns: RunRecord[];
  /** source runs the snapshot lacks, oldest first */
  newRuns: RunRecord[];
  /**
   * runs that may have written rows since the previous pass: the new ones, and
   * those that had not ended then (their copy is running or interrupted)
   */
  changed: RunRecord[];
}

/** The source's runs of the chain, and which of them the snapshot lacks or holds unfinished (same runId). */
async function planRuns(source: Store, target: Store, key: ChainKey): Promise<RunPlan> {
  const sourceRuns = await chainRuns(source, key, null, null);
  const copies = new Map((await chainRuns(target, key, null, null)).map((r) => [r.runId, r]));
  const changed = sourceRuns.filter((r) => {
    const copy = copies.get(r.runId);
    return !copy || !isEnded(copy);
  });
  return { sourceRuns, newRuns: sourceRuns.filter((r) => !copies.has(r.runId)), changed };
}

function isEnded(r: RunRecord): boolean {
  return r.status === 'succeeded' || r.status === 'failed' || r.status === 'cancelled';
}
