/**
 * A running chain's pulse: every quarter of the lease it renews the chain's
 * lock and records the run's progress in catena_runs, so other workstations
 * see it live and a run whose process died is seen as interrupted. When the
 * lock turns out to be lost (another holder took it after the lease ran out)
 * the chain is stopped at once; its writes would be refused anyway.
 */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import { CatenaError } from '../errors.ts';
import type { ChainLock, RunBeat, Store } from '../store/port.ts';

export interface HeartbeatOptions {
  store: Store;
  key: ChainKey;
  runId: number;
  lock: ChainLock;
  /** the run's state now */
  beat: () => RunBeat;
  /** called once when the lock is lost */
  onLost: (error: CatenaError) => void;
  /** a failure to record the heartbeat (the database may be away; the lease decides) */
  onFailure: (error: unknown) => void;
  intervalMs?: number;
}

export class Heartbeat {
  readonly #options: HeartbeatOptions;
  readonly #timer: NodeJS.Timeout;
  #inFlight: Promise<void> | null = null;
  #stopped = false;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    const interval = options.intervalMs ?? (options.store.leaseSeconds * 1000) / 4;
    this.#timer = setInterval(() => this.#tick(), interval);
    // A heartbeat never keeps a process alive on its own.
    this.#timer.unref();
  }

  /** Records the run's state now (e.g. after a commit), without waiting for the next tick. */
  beatNow(): Promise<void> {
    return this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#inFlight;
  }

  #tick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#inFlight ??= this.#beat().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #beat(): Promise<void> {
    const { store, key, runId, lock } = this.#options;
    try {
      if (!(await lock.renew())) {
        this.#stopped = true;
        clearInterval(this.#timer);
        this.#options.onLost(
          new CatenaError(
            'CHAIN_LOCK_LOST',
            `chain ${chainLabel(key)}: this run lost its lock on the chain (its lease of ${store.leaseSeconds} s ran out, ` +
              'e.g. after the database or this computer stalled) and stopped; what it committed is kept, and the ' +
              'next incremental run resumes after it',
            key,
          ),
        );
        return;
      }
      await store.heartbeatRun(runId, this.#options.beat());
    } catch (error) {
      this.#options.onFailure(error);
    }
  }
}
