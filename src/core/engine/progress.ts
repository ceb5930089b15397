/**
 * Coalesces a chain's progress into a steady few events per second: an
 * interface redraws on each event, so one per written batch would flood the
 * IPC channel and the WebSocket.
 */
import type { ChainPhase } from './events.ts';

export interface ProgressState {
  phase: ChainPhase;
  timestampsDone: number;
  timestampsTotal: number;
  rowsRead: number;
  rowsWritten: number;
  /** in phase `waiting`: what the write waits for */
  waitingFor: string | null;
}

export interface ProgressSnapshot extends ProgressState {
  rate: number;
  etaSeconds: number | null;
}

export class ProgressThrottle {
  readonly #intervalMs: number;
  readonly #emit: (snapshot: ProgressSnapshot) => void;
  readonly #startedAt = performance.now();
  #lastEmit = Number.NEGATIVE_INFINITY;
  #lastPhase: ChainPhase | null = null;

  constructor(emit: (snapshot: ProgressSnapshot) => void, intervalMs = 250) {
    this.#emit = emit;
    this.#intervalMs = intervalMs;
  }

  /** Emits when the phase changed, when forced, or when the interval has passed. */
  update(state: ProgressState, force = false): void {
    const now = performance.now();
    if (!force && state.phase === this.#lastPhase && now - this.#lastEmit < this.#intervalMs) return;
    this.#lastEmit = now;
    this.#lastPhase = state.phase;
    const seconds = (now - this.#startedAt) / 1000;
    const rate = seconds > 0 ? state.timestampsDone / seconds : 0;
    const left = state.timestampsTotal - state.timestampsDone;
    const etaSeconds = rate > 0 ? left / rate : null;
    this.#emit({ ...state, rate, etaSeconds });
  }
}
