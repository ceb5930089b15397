/**
 * Coalesces a chain's progress into a steady few events per second: an
 * interface redraws on each event, so one per written batch would flood the
 * IPC channel and the WebSocket.
 *
 * The rate is measured over a sliding window of the last seconds of writing
 * (not since the run began: the configuring and reading before the first
 * write would make it start low and climb), and the ETA is smoothed: each new
 * estimate moves the previous one, counted down by the time passed, part of
 * the way. Batches that land in bursts therefore do not swing it from a
 * minute to seconds and back.
 */
import type { ChainPhase } from './events.ts';

export interface ProgressState {
  phase: ChainPhase;
  timestampsDone: number;
  timestampsTotal: number;
  rowsRead: number;
  /** raw rows the run is expected to read (its timestamps × enabled nodes); 0 until known */
  rowsToRead: number;
  rowsWritten: number;
  /** in phase `waiting`: what the write waits for */
  waitingFor: string | null;
}

export interface ProgressSnapshot extends ProgressState {
  rate: number;
  etaSeconds: number | null;
}

/** Seconds of progress the rate is measured over. */
export const RATE_WINDOW_SECONDS = 10;
/** Share of a new estimate taken into the ETA at each event. */
export const ETA_SMOOTHING = 0.3;

export class ProgressThrottle {
  readonly #intervalMs: number;
  readonly #emit: (snapshot: ProgressSnapshot) => void;
  readonly #now: () => number;
  #lastEmit = Number.NEGATIVE_INFINITY;
  #lastPhase: ChainPhase | null = null;
  /** (ms, timestamps done) since the first write, oldest first, pruned to the window */
  #samples: { at: number; done: number }[] = [];
  #eta: { at: number; seconds: number } | null = null;

  constructor(emit: (snapshot: ProgressSnapshot) => void, intervalMs = 250, now = () => performance.now()) {
    this.#emit = emit;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Emits when the phase changed, when forced, or when the interval has passed. */
  update(state: ProgressState, force = false): void {
    const now = this.#now();
    this.#sample(now, state);
    if (!force && state.phase === this.#lastPhase && now - this.#lastEmit < this.#intervalMs) return;
    this.#lastEmit = now;
    this.#lastPhase = state.phase;
    const rate = this.#rate(now);
    const left = Math.max(0, state.timestampsTotal - state.timestampsDone);
    this.#emit({ ...state, rate, etaSeconds: this.#smoothedEta(now, rate, left) });
  }

  #sample(now: number, state: ProgressState): void {
    const done = state.timestampsDone;
    const last = this.#samples[this.#samples.length - 1];
    if (!last) {
      // the window starts with the elaboration: the configuring and reading before it are not its pace
      if (state.phase === 'elaborating') this.#samples.push({ at: now, done });
      return;
    }
    if (last.done === done) return;
    this.#samples.push({ at: now, done });
    const from = now - RATE_WINDOW_SECONDS * 1000;
    // keep one sample at or before the window's start, so the window is covered whole
    while (this.#samples.length > 2 && this.#samples[1]!.at <= from) this.#samples.shift();
  }

  /**
   * Timestamps per second over the window up to now (the timestamps done at
   * its start are those of the last sample before it); over the time since
   * the elaboration began while that is shorter. A stall lowers it as it goes on.
   */
  #rate(now: number): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last) return 0;
    const windowStart = now - RATE_WINDOW_SECONDS * 1000;
    let base = first;
    for (const sample of this.#samples) if (sample.at <= windowStart) base = sample;
    const from = Math.max(base.at, windowStart);
    if (now <= from) return 0;
    return (last.done - base.done) / ((now - from) / 1000);
  }

  #smoothedEta(now: number, rate: number, left: number): number | null {
    if (left === 0) {
      this.#eta = { at: now, seconds: 0 };
      return 0;
    }
    if (rate <= 0)
      return this.#eta === null ? null : Math.max(0, this.#eta.seconds - (now - this.#eta.at) / 1000);
    const estimate = left / rate;
    const previous = this.#eta === null ? null : Math.max(0, this.#eta.seconds - (now - this.#eta.at) / 1000);
    const seconds = previous === null ? estimate : previous + ETA_SMOOTHING * (estimate - previous);
    this.#eta = { at: now, seconds };
    return seconds;
  }
}
