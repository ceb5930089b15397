/**
 * The elaboration engine: launches are sets of chain jobs run with bounded
 * concurrency. Database I/O stays on the host's event loop (asynchronous,
 * bounded by the store's pool); the number crunching goes to a worker-thread
 * pool. One failing chain never stops the others; every launch and every
 * chain can be cancelled.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { RawBlock } from '../elaboration/types.ts';
import { CatenaError } from '../errors.ts';
import type { Store } from '../store/port.ts';
import { workerEnv } from '../worker-env.ts';
import { type Compute, type ElaborateResult, runChainJob, type Tuning } from './chain-job.ts';
import type { ChainResult, EngineEvent, LaunchFinishedEvent, LaunchRequest } from './events.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import type { WorkerTask } from './worker.ts';
import { WriteLanes } from './write-lanes.ts';

export interface EngineOptions {
  store: Store;
  /** the worker entry; hosts that bundle pass their own */
  workerUrl?: URL;
  /** worker threads (default: one core less than the machine has, at least 1) */
  threads?: number;
  /** chains at once (default: the machine's cores, at least 2) */
  concurrency?: number;
  /** bulk writes at once, shared by every chain of every launch (default: the store's `sizes.writeStreams`) */
  writeStreams?: number;
  host?: string;
  tuning?: Partial<Tuning>;
  /** raw rows dated more than this after the database's clock are left out and reported (default 1 day) */
  futureToleranceSeconds?: number;
  /** retries of a chain's work after a transient failure (default: 6, backoff 0.5 s doubling to 8 s) */
  retry?: RetryPolicy;
  onUnexpected?: (error: unknown, key: ChainKey) => void;
}

export interface Launch {
  launchId: string;
  chains: ChainKey[];
  done: Promise<LaunchFinishedEvent>;
}

interface RunningLaunch {
  controller: AbortController;
  chains: Map<string, AbortController>;
}

/**
 * Defaults measured with the benchmark on a 2-core machine that also runs the
 * database (docs/PERFORMANCE.md): the database server and the host's event
 * loop need a core, so the pool leaves one free, and more chains at once than
 * cores only adds contention (slower, and event-loop stalls from preemption).
 */
export const DEFAULT_CONCURRENCY = Math.max(2, availableParallelism());
export const DEFAULT_THREADS = Math.max(1, availableParallelism() - 1);

/** Cells (timestamps × nodes) computed per worker task. */
const CHUNK_CELLS = 50_000;

export class Engine {
  readonly #store: Store;
  readonly #pool: Piscina;
  readonly #events = new EventEmitter();
  readonly #launches = new Map<string, RunningLaunch>();
  readonly #concurrency: number;
  readonly #host: string;
  readonly #tuning: Tuning;
  readonly #futureTolerance: number;
  readonly #retry: RetryPolicy;
  readonly #onUnexpected: EngineOptions['onUnexpected'];
  readonly #writeLanes: WriteLanes;

  constructor(options: EngineOptions) {
    this.#store = options.store;
    const threads = options.threads ?? DEFAULT_THREADS;
    this.#pool = new Piscina({
      filename: (options.workerUrl ?? new URL('./worker.ts', import.meta.url)).href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 30_000,
      env: workerEnv(),
    });
    this.#concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.#host = options.host ?? 'catena';
    // Small reads and batches keep each synchronous slice of work on the event
    // loop to a few milliseconds; the store knows the sizes measured for its database.
    const { sizes } = options.store;
    const base: Tuning = {
      chunkCells: CHUNK_CELLS,
      writeRows: sizes.elaboratedWriteRows,
      readRows: sizes.readRows,
    };
    this.#tuning = { ...base, ...options.tuning };
    this.#onUnexpected = options.onUnexpected;
    this.#futureTolerance = options.futureToleranceSeconds ?? 86_400;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#writeLanes = new WriteLanes(options.writeStreams ?? sizes.writeStreams);
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  /** Resolves the chains and starts the launch; `done` settles when every chain has ended. */
  async launch(request: LaunchRequest): Promise<Launch> {
    validateRequest(request);
    const chains = await this.#resolveChains(request);
    const launchId = randomUUID();
    const running: RunningLaunch = { controller: new AbortController(), chains: new Map() };
    for (const key of chains) running.chains.set(chainLabel(key), new AbortController());
    this.#launches.set(launchId, running);
    this.#emit({ type: 'launch-started', launchId, chains, mode: request.mode });
    const done = this.#run(launchId, running, chains, request).finally(() => this.#launches.delete(launchId));
    return { launchId, chains, done };
  }

  /** Cancels a launch, or one chain of it; false when there is nothing to cancel. */
  cancel(launchId: string, chain?: ChainKey): boolean {
    const running = this.#launches.get(launchId);
    if (!running) return false;
    if (!chain) {
      running.controller.abort();
      return true;
    }
    const controller = running.chains.get(chainLabel(chain));
    controller?.abort();
    return controller !== undefined;
  }

  get runningLaunches(): string[] {
    return [...this.#launches.keys()];
  }

  async close(): Promise<void> {
    for (const running of this.#launches.values()) running.controller.abort();
    await this.#pool.destroy();
  }

  async #run(
    launchId: string,
    running: RunningLaunch,
    chains: ChainKey[],
    request: LaunchRequest,
  ): Promise<LaunchFinishedEvent> {
    const startedAt = performance.now();
    const compute = this.#compute();
    const results: ChainResult[] = new Array(chains.length);
    let next = 0;
    const worker = async () => {
      while (next < chains.length) {
        const index = next++;
        const key = chains[index]!;
        const own = running.chains.get(chainLabel(key))!;
        const result = await runChainJob(
          { ...key, mode: request.mode, from: request.from, to: request.to },
          {
            store: this.#store,
            futureToleranceSeconds: this.#futureTolerance,
            retry: this.#retry,
            compute,
            launchId,
            host: this.#host,
            signal: AbortSignal.any([running.controller.signal, own.signal]),
            tuning: this.#tuning,
            writeLanes: this.#writeLanes,
            onProgress: (k, s) => this.#emit({ type: 'chain-progress', launchId, ...k, ...s }),
            onAlarms: (k, runId, events) =>
              this.#emit({
                type: 'alarms-raised',
                launchId,
                controlUnitCode: k.controlUnitCode,
                chain: k.chain,
                runId,
                events,
              }),
            onUnexpected: this.#onUnexpected,
          },
        );
        results[index] = result;
        this.#emit({ type: 'chain-finished', launchId, result });
      }
    };
    const lanes = Math.max(1, Math.min(request.concurrency ?? this.#concurrency, chains.length));
    await Promise.all(Array.from({ length: lanes }, worker));
    const finished: LaunchFinishedEvent = {
      type: 'launch-finished',
      launchId,
      results,
      durationMs: Math.round(performance.now() - startedAt),
    };
    this.#emit(finished);
    return finished;
  }

  #compute(): Compute {
    const pool = this.#pool;
    return {
      references: (task) =>
        pool.run({ kind: 'references', ...task } satisfies WorkerTask, transferOf(task.block)),
      elaborate: (task) =>
        pool.run(
          { kind: 'elaborate', ...task } satisfies WorkerTask,
          transferOf(task.block),
        ) as Promise<ElaborateResult>,
    };
  }

  async #resolveChains(request: LaunchRequest): Promise<ChainKey[]> {
    if (request.chains !== 'all-active') {
      // A chain is named as the database stores it: on a case-insensitive collation `CU002:b` is chain B.
      // Unknown chains are kept as asked: their job fails with CHAIN_NOT_FOUND and a run row.
      const stored = await Promise.all(
        dedupe(request.chains).map(async (key) => {
          // A chain whose configuration cannot be read fails in its own job, with a run row; never the launch.
          const setup = await this.#store.readChainSetup(key).catch(() => null);
          return setup ? { controlUnitCode: setup.station.controlUnitCode, chain: setup.station.chain } : key;
        }),
      );
      return dedupe(stored);
    }
    const all = await this.#store.listChains();
    return all.filter((c) => c.active).map((c) => ({ controlUnitCode: c.controlUnitCode, chain: c.chain }));
  }

  #emit(event: EngineEvent): void {
    this.#events.emit('event', event);
  }
}

function transferOf(block: RawBlock): { transferList: ArrayBuffer[] } {
  const arrays = [
    block.timestamps,
    block.present,
    block.rawX,
    block.rawY,
    block.rawZ,
    block.rawT,
    block.errorCode,
  ];
  return { transferList: arrays.map((a) => a.buffer as ArrayBuffer) };
}

function dedupe(chains: ChainKey[]): ChainKey[] {
  const seen = new Map<string, ChainKey>();
  for (const c of chains) seen.set(chainLabel(c), { controlUnitCode: c.controlUnitCode, chain: c.chain });
  return [...seen.values()];
}

function validateRequest(request: LaunchRequest): void {
  if (request.mode === 'range' && (request.from === undefined || request.to === undefined)) {
    throw new CatenaError('DATA_INVALID', 'a range run needs both from and to');
  }
  if (request.from !== undefined && request.to !== undefined && request.from > request.to) {
    throw new CatenaError('DATA_INVALID', 'from is after to; swap them');
  }
  if (
    request.concurrency !== undefined &&
    !(Number.isInteger(request.concurrency) && request.concurrency >= 1)
  ) {
    throw new CatenaError('DATA_INVALID', 'concurrency must be a whole number of at least 1');
  }
}
