/**
 * Stale data (DATA_MODEL.md v2, `staleAfterHours`): a chain whose newest raw
 * row is older than its limit is silent. Each silence is an episode of
 * `catena_stale_episodes`, keyed by that newest raw row (`since`), which
 * every process computes alike from the database. Its start and its end
 * (data seen back) are notified through the same rules as alarm events, as
 * events of metric `stale` at `since` (level 1 when it starts, 0 when it
 * ends), so the delivery claims make each one go out once across processes.
 *
 * The order makes a crash harmless: an episode is recorded before its start
 * is claimed (a start not yet claimed is claimed again by the next check, a
 * claim already made is not made twice), and its end is claimed before the
 * episode is closed (a process that dies in between leaves it open, and the
 * next check claims the end again, which is a no-op, and closes it).
 */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { NotifiableEvent, Notifier } from '../notify/notifier.ts';
import type { Store } from '../store/port.ts';
import type { ChainOverview, StaleCheck } from './types.ts';

export interface StaleWatchOptions {
  store: Pick<Store, 'openStaleEpisode' | 'endStaleEpisode' | 'listStaleEpisodes' | 'databaseNow'>;
  notifier: Pick<Notifier, 'notify'>;
  /** the chains as the stations list sees them (stale, lastRawAt, staleAfterHours) */
  chains(): Promise<ChainOverview[]>;
  /** how often the timer checks (0 = no timer; `check()` still works) */
  everyMs: number;
  log?: (message: string) => void;
}

/** the first check after the start (or after one period, when that is shorter) */
const FIRST_CHECK_MS = 10_000;

const lower = (key: ChainKey) => chainLabel(key).toLowerCase();

export class StaleWatch {
  readonly #options: StaleWatchOptions;
  #timer: ReturnType<typeof setInterval> | null = null;
  #first: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<StaleCheck> | null = null;
  #stopped = false;

  constructor(options: StaleWatchOptions) {
    this.#options = options;
  }

  /** Checks soon (in the background) and then on the timer; neither keeps the process alive. */
  start(): void {
    if (this.#options.everyMs <= 0 || this.#timer || this.#stopped) return;
    const tick = () => {
      this.check().catch((error: unknown) =>
        this.#options.log?.(
          `checking for stale data: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    };
    this.#timer = setInterval(tick, this.#options.everyMs);
    this.#timer.unref();
    // the first check a little after the start, not competing with the host's own first reads
    this.#first = setTimeout(tick, Math.min(this.#options.everyMs, FIRST_CHECK_MS));
    this.#first.unref();
  }

  /** One check of every active chain; a check already running is joined, not doubled. */
  check(): Promise<StaleCheck> {
    if (this.#stopped) return Promise.resolve({ started: [], ended: [], claimed: 0 });
    this.#running ??= this.#check().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Stops the timer and waits (bounded) for a check in progress. */
  async stop(waitMs = 5_000): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#first) clearTimeout(this.#first);
    this.#timer = null;
    this.#first = null;
    const running = this.#running;
    if (!running) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      running.catch(() => undefined),
      new Promise((resolve) => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]);
    clearTimeout(timer);
  }

  async #check(): Promise<StaleCheck> {
    const { store, notifier } = this.#options;
    const result: StaleCheck = { started: [], ended: [], claimed: 0 };
    const chains = await this.#options.chains();
    const open = new Map<string, { since: number }[]>();
    for (const episode of await store.listStaleEpisodes({ open: true })) {
      const list = open.get(lower(episode)) ?? [];
      list.push(episode);
      open.set(lower(episode), list);
    }
    const now = await store.databaseNow();
    for (const chain of chains) {
      if (this.#stopped) break;
      if (!chain.active || chain.lastRawAt === null) continue;
      const key = { controlUnitCode: chain.controlUnitCode, chain: chain.chain };
      const episodes = open.get(lower(key)) ?? [];
      // the silences that are over: data came after them (and the chain may be silent again since)
      for (const episode of episodes) {
        if (chain.stale && episode.since === chain.lastRawAt) continue;
        const silentHours = Math.round(((chain.lastRawAt - episode.since) / 3600) * 100) / 100;
        result.claimed += await notifier.notify(key, [staleEvent(episode.since, 0, silentHours)]);
        if (await store.endStaleEpisode(key, episode.since, chain.lastRawAt)) result.ended.push(key);
      }
      if (!chain.stale) continue;
      const inserted = await store.openStaleEpisode(key, chain.lastRawAt, chain.staleAfterHours);
      // claimed on every check while silent: a no-op once claimed, and it covers a crash after the insert
      const hours = Math.round(((now - chain.lastRawAt) / 3600) * 100) / 100;
      result.claimed += await notifier.notify(key, [staleEvent(chain.lastRawAt, 1, hours)]);
      if (inserted) result.started.push(key);
    }
    return result;
  }
}

/** The notified event of an episode: level 1 = silent since `since` (value: hours without data), 0 = data back. */
function staleEvent(since: number, level: 0 | 1, hours: number): NotifiableEvent {
  return {
    metric: 'stale',
    timestamp: since,
    level,
    previousLevel: 1 - level,
    nodeIndex: null,
    value: hours,
  };
}
