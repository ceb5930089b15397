/**
 * What the API needs beyond the core service, built in the host from the
 * service's own methods and events:
 *
 * - a board of this host's launches, kept from the engine's events (which
 *   chains are queued or running in which launch, their last progress, their
 *   results), so that a trigger of a running chain answers 409 with the
 *   running launch's id and a status answers with live progress;
 * - launches as resources (`GET /api/v1/launches/{id}`), from the board and
 *   catena_runs (launches of other hosts, or of before a restart);
 * - series with downsampling and the latest row of each node.
 */
import type {
  ApiHost,
  ChainProgress,
  LaunchView,
  RunningChain,
  ScheduleView,
  SeriesView,
  StartedLaunch,
} from '../contract/api.ts';
import { chainRunning, SERIES_MAX_POINTS } from '../contract/api.ts';
import { HostRefusal } from '../contract/errors.ts';
import type { ChainKey } from '../core/domain/chain.ts';
import { chainLabel } from '../core/domain/chain.ts';
import type { ChainResult, EngineEvent, LaunchRequest } from '../core/engine/events.ts';
import type { CatenaService } from '../core/service/types.ts';
import type { RunRecord } from '../core/store/port.ts';
import { NO_SCHEDULE } from './scheduler.ts';
import { downsample, latestRows, type SeriesColumns } from './series.ts';

interface TrackedChain {
  key: ChainKey;
  state: 'queued' | 'running' | 'ended';
  progress: ChainProgress | null;
  result: ChainResult | null;
}

interface TrackedLaunch {
  launchId: string;
  mode: LaunchRequest['mode'];
  startedAt: number;
  finishedAt: number | null;
  chains: Map<string, TrackedChain>;
}

/** Ended launches kept on the board for `GET /api/v1/launches/{id}` (older ones are read from catena_runs). */
const KEEP_ENDED = 200;
/** Rows the series route reads at most; more keeps the newest (`truncated`). */
export const SERIES_READ_ROWS = 500_000;
/** Rows one series answer carries at most; more is downsampled (`reason: "row-cap"`). */
export const SERIES_ANSWER_ROWS = 100_000;
/** Runs read to find which of many chains run on other hosts. */
const RUNS_SCAN = 2_000;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class LaunchBoard {
  readonly #launches = new Map<string, TrackedLaunch>();
  /** chain label → this host's launch that has not finished it */
  readonly #busy = new Map<string, string>();
  /** chain label → launch being started by a request (its id once known) */
  readonly #starting = new Map<string, Promise<string | null>>();
  readonly #off: () => void;

  constructor(service: CatenaService) {
    this.#off = service.onEvent((event) => this.#on(event));
  }

  close(): void {
    this.#off();
  }

  #on(event: EngineEvent): void {
    switch (event.type) {
      case 'launch-started': {
        const chains = new Map<string, TrackedChain>();
        for (const key of event.chains) {
          const label = chainLabel(key);
          chains.set(label, { key, state: 'queued', progress: null, result: null });
          this.#busy.set(label, event.launchId);
        }
        this.#launches.set(event.launchId, {
          launchId: event.launchId,
          mode: event.mode,
          startedAt: nowSeconds(),
          finishedAt: null,
          chains,
        });
        return;
      }
      case 'chain-progress': {
        const chain = this.#launches.get(event.launchId)?.chains.get(chainLabel(event));
        if (!chain || chain.state === 'ended') return;
        chain.state = 'running';
        chain.progress = {
          phase: event.phase,
          timestampsDone: event.timestampsDone,
          timestampsTotal: event.timestampsTotal,
          rowsRead: event.rowsRead,
          rowsWritten: event.rowsWritten,
          waitingFor: event.waitingFor,
          rate: event.rate,
          etaSeconds: event.etaSeconds,
        };
        return;
      }
      case 'chain-finished': {
        const label = chainLabel(event.result);
        const chain = this.#launches.get(event.launchId)?.chains.get(label);
        if (chain) {
          chain.state = 'ended';
          chain.result = event.result;
        }
        if (this.#busy.get(label) === event.launchId) this.#busy.delete(label);
        return;
      }
      case 'launch-finished': {
        const launch = this.#launches.get(event.launchId);
        if (launch) launch.finishedAt = nowSeconds();
        for (const [label, launchId] of this.#busy) {
          if (launchId === event.launchId) this.#busy.delete(label);
        }
        this.#prune();
        return;
      }
    }
  }

  #prune(): void {
    const ended = [...this.#launches.values()].filter((l) => l.finishedAt !== null);
    for (const launch of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) {
      this.#launches.delete(launch.launchId);
    }
  }

  get(launchId: string): TrackedLaunch | undefined {
    return this.#launches.get(launchId);
  }

  /** The chain's launch on this host while the chain is queued or running in it. */
  localChain(key: ChainKey): { launchId: string; chain: TrackedChain } | null {
    const launchId = this.#busy.get(chainLabel(key));
    if (launchId === undefined) return null;
    const chain = this.#launches.get(launchId)?.chains.get(chainLabel(key));
    return chain ? { launchId, chain } : null;
  }

  /** This host's launch of the chain (started, or being started), if any. */
  async localLaunchOf(key: ChainKey): Promise<string | null | undefined> {
    const label = chainLabel(key);
    const busy = this.#busy.get(label);
    if (busy !== undefined) return busy;
    const starting = this.#starting.get(label);
    return starting === undefined ? undefined : await starting;
  }

  /** This host's launch of the chain now: its id, or null (none, or being started). */
  localLaunchNow(key: ChainKey): string | null {
    return this.#busy.get(chainLabel(key)) ?? null;
  }

  isLocallyBusy(key: ChainKey): boolean {
    const label = chainLabel(key);
    return this.#busy.has(label) || this.#starting.has(label);
  }

  /**
   * Marks the chains as being started until `launch` settles, so that a
   * second request in between sees them as running.
   */
  async reserve<T extends { launchId: string }>(keys: ChainKey[], launch: () => Promise<T>): Promise<T> {
    let settle!: (launchId: string | null) => void;
    const id = new Promise<string | null>((resolve) => {
      settle = resolve;
    });
    const labels = keys.map(chainLabel);
    for (const label of labels) this.#starting.set(label, id);
    try {
      const started = await launch();
      settle(started.launchId);
      return started;
    } catch (error) {
      settle(null);
      throw error;
    } finally {
      for (const label of labels) if (this.#starting.get(label) === id) this.#starting.delete(label);
    }
  }
}

/** The newest run per chain among `runs` (newest first). */
function newestPerChain(runs: RunRecord[]): Map<string, RunRecord> {
  const newest = new Map<string, RunRecord>();
  for (const run of runs) {
    const label = chainLabel(run);
    if (!newest.has(label)) newest.set(label, run);
  }
  return newest;
}

function keyOf(key: ChainKey): ChainKey {
  return { controlUnitCode: key.controlUnitCode, chain: key.chain };
}

/** The ApiHost of the contract, from the core service. */
export function createApiHost(
  service: CatenaService,
  board: LaunchBoard,
  schedule: () => ScheduleView = () => NO_SCHEDULE,
): ApiHost {
  /** Chains running on this host or elsewhere, among `keys`. */
  async function runningAmong(keys: ChainKey[]): Promise<RunningChain[]> {
    const running: RunningChain[] = [];
    const elsewhere: ChainKey[] = [];
    for (const key of keys) {
      if (board.isLocallyBusy(key)) {
        running.push({ ...keyOf(key), launchId: (await board.localLaunchOf(key)) ?? null, host: null });
      } else {
        elsewhere.push(key);
      }
    }
    if (elsewhere.length === 0) return running;
    // Another host's run is a `running` row with a live heartbeat (listRuns stores stale ones as interrupted).
    const newest =
      elsewhere.length === 1
        ? newestPerChain(await service.listRuns({ key: elsewhere[0]!, limit: 1 }))
        : newestPerChain(await service.listRuns({ limit: RUNS_SCAN }));
    for (const key of elsewhere) {
      const run = newest.get(chainLabel(key));
      if (run?.status === 'running' && !board.isLocallyBusy(key)) {
        running.push({ ...keyOf(key), launchId: run.launchId, host: run.host });
      }
    }
    return running;
  }

  async function stored(key: ChainKey): Promise<ChainKey> {
    // CHAIN_NOT_FOUND (404) when absent; the stored spelling of the key otherwise
    const nodes = await service.chainNodes(key);
    return { controlUnitCode: nodes.controlUnitCode, chain: nodes.chain };
  }

  async function start(request: LaunchRequest): Promise<StartedLaunch> {
    const allActive = request.chains === 'all-active';
    let keys: ChainKey[];
    if (request.chains === 'all-active') {
      keys = (await service.listChains()).filter((c) => c.active).map(keyOf);
      if (keys.length === 0) {
        throw new HostRefusal('DATA_INVALID', 'no chain is active in active_stations: nothing to launch');
      }
    } else {
      const seen = new Map<string, ChainKey>();
      for (const key of request.chains) {
        const real = await stored(key);
        seen.set(chainLabel(real), real);
      }
      keys = [...seen.values()];
    }
    const running = await runningAmong(keys);
    // From here to the reservation nothing awaits: the check and the start are one step for this host.
    const busy = new Set(running.map(chainLabel));
    for (const key of keys) {
      if (!busy.has(chainLabel(key)) && board.isLocallyBusy(key)) {
        running.push({ ...keyOf(key), launchId: board.localLaunchNow(key), host: null });
        busy.add(chainLabel(key));
      }
    }
    if (running.length > 0 && (!allActive || running.length === keys.length)) throw chainRunning(running);
    const chains = keys.filter((k) => !busy.has(chainLabel(k)));
    const launched = await board.reserve(chains, () => service.launch({ ...request, chains }));
    return { launchId: launched.launchId, chains: launched.chains, skipped: running };
  }

  async function launch(launchId: string): Promise<LaunchView> {
    const tracked = board.get(launchId);
    const runs = await service.listRuns({ launchId, limit: 10_000 });
    if (!tracked && runs.length === 0) {
      throw new HostRefusal('NOT_FOUND', `no launch ${launchId} on this host or in catena_runs`);
    }
    const newest = newestPerChain(runs);
    // the launch's order: as launched, else as the runs started
    const started = [...newest.values()].sort((a, b) => a.runId - b.runId).map(chainLabel);
    const labels = new Set<string>([...(tracked?.chains.keys() ?? []), ...started]);
    const chains = [...labels].map((label) => {
      const t = tracked?.chains.get(label);
      const run = newest.get(label);
      const key = t?.key ?? keyOf(run!);
      const result = t?.result ?? null;
      const status = result?.status ?? (t ? t.state : (run?.status ?? 'running'));
      const progress = t && t.state !== 'ended' ? t.progress : null;
      return {
        ...keyOf(key),
        status: status === 'ended' ? ('running' as const) : status,
        runId: result?.runId ?? run?.runId ?? null,
        phase: progress?.phase ?? (t?.state === 'queued' ? 'queued' : (result?.phase ?? run?.phase ?? null)),
        rowsWritten: result?.rowsWritten ?? progress?.rowsWritten ?? run?.rowsWritten ?? 0,
        progress,
        errorCode: result ? result.errorCode : (run?.errorCode ?? null),
        message: result ? result.message : (run?.message ?? null),
      };
    });
    const first = runs.at(-1);
    const ended = runs.every((r) => r.status !== 'running');
    return {
      launchId,
      status: tracked
        ? tracked.finishedAt === null
          ? 'running'
          : 'finished'
        : ended
          ? 'finished'
          : 'running',
      mode: tracked?.mode ?? first?.mode ?? null,
      host: tracked ? null : (first?.host ?? null),
      startedAt: tracked?.startedAt ?? (runs.length > 0 ? Math.min(...runs.map((r) => r.startedAt)) : null),
      finishedAt:
        tracked?.finishedAt ??
        (!tracked && ended ? Math.max(...runs.map((r) => r.endedAt ?? r.startedAt)) : null),
      chains,
    };
  }

  async function cancel(launchId: string, chain?: ChainKey) {
    const tracked = board.get(launchId);
    if (tracked && tracked.finishedAt === null) {
      if (chain && !tracked.chains.has(chainLabel(chain))) {
        throw new HostRefusal('NOT_FOUND', `chain ${chainLabel(chain)} is not in launch ${launchId}`, {
          subject: keyOf(chain),
        });
      }
      if (service.cancel(launchId, chain)) {
        return { launchId, cancelled: true as const, chain: chain ? keyOf(chain) : null };
      }
    }
    if (tracked) throw new HostRefusal('LAUNCH_ENDED', `launch ${launchId} has already ended`);
    const runs = await service.listRuns({ launchId, limit: 10_000 });
    if (runs.length === 0)
      throw new HostRefusal('NOT_FOUND', `no launch ${launchId} on this host or in catena_runs`);
    const running = runs.find((r) => r.status === 'running');
    if (running) {
      throw new HostRefusal(
        'LAUNCH_ENDED',
        `launch ${launchId} runs on host ${running.host}, not here: cancel it there`,
      );
    }
    throw new HostRefusal('LAUNCH_ENDED', `launch ${launchId} has already ended`);
  }

  return {
    service,
    schedule,
    start,
    launch,
    cancel,
    async chainState(key) {
      const local = board.localChain(key);
      const [run] = await service.listRuns({ key, limit: 1 });
      if (!local && !run) await stored(key); // CHAIN_NOT_FOUND for a chain that does not exist
      return {
        key: keyOf(key),
        local: local ? { launchId: local.launchId, progress: local.chain.progress } : null,
        run: run ?? null,
      };
    },
    async series(request) {
      const key = await stored(request.key);
      const columns: SeriesColumns = await service.series({
        key,
        nodeIndex: request.nodeIndex,
        from: request.from ?? null,
        to: request.to ?? null,
        limit: SERIES_READ_ROWS,
      });
      const view: Omit<SeriesView, 'series' | 'downsampling'> = {
        ...key,
        from: request.from ?? null,
        to: request.to ?? null,
        nodeIndex: request.nodeIndex ?? null,
        rowsRead: columns.length,
        truncated: columns.length >= SERIES_READ_ROWS,
      };
      if (request.points !== undefined) {
        const down = downsample(columns, request.points);
        return {
          ...view,
          series: down.series,
          downsampling: down.bucketSeconds === null ? null : downsampling('requested', request.points, down),
        };
      }
      if (columns.length > SERIES_ANSWER_ROWS) {
        const nodes = new Set(columns.nodeIndex).size;
        const points = Math.max(2, Math.min(SERIES_MAX_POINTS, Math.floor(SERIES_ANSWER_ROWS / nodes)));
        const down = downsample(columns, points);
        return { ...view, series: down.series, downsampling: downsampling('row-cap', points, down) };
      }
      return { ...view, series: downsample(columns, null).series, downsampling: null };
    },
    async latest(key) {
      const nodes = await service.chainNodes(key);
      const real = { controlUnitCode: nodes.controlUnitCode, chain: nodes.chain };
      const indexes = nodes.nodes.map((n) => n.nodeIndex);
      // the newest rows of the chain usually hold every node's newest row: one read, then one per node missing
      const recent = await service.series({ key: real, limit: Math.max(1, indexes.length) });
      const rows = latestRows(recent);
      const missing = nodes.nodes.filter((n) => n.enabled && !rows.has(n.nodeIndex));
      for (const node of missing) {
        const one = latestRows(await service.series({ key: real, nodeIndex: node.nodeIndex, limit: 1 }));
        for (const [index, row] of one) rows.set(index, row);
      }
      const list = [...rows.values()].sort((a, b) => a.nodeIndex - b.nodeIndex);
      return {
        ...real,
        timestamp: list.length > 0 ? Math.max(...list.map((r) => r.timestamp)) : null,
        nodes: list,
      };
    },
  };
}

function downsampling(
  reason: 'requested' | 'row-cap',
  points: number,
  down: { bucketSeconds: number | null },
) {
  return { method: 'bucket-mean' as const, reason, points, bucketSeconds: down.bucketSeconds ?? 0 };
}
