/**
 * Bounded retries of a chain's work after a transient failure (the database
 * restarting, a lost connection, a deadlock, a lock wait): exponential
 * backoff with jitter, interrupted at once by the chain's signal. A failure
 * that is not transient, or the last one, is thrown as it is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isCatenaError } from '../errors.ts';

export interface RetryPolicy {
  /** retries after the first try */
  retries: number;
  baseMs: number;
  maxMs: number;
}

/** About 30 s in all: a database restart or a failover fits, a server that stays down does not. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 6, baseMs: 500, maxMs: 8_000 };

export function isTransient(error: unknown): boolean {
  return isCatenaError(error) && error.transient;
}

/** The wait before retry `attempt` (0-based): base · 2^attempt, at most max, with ±25 % jitter. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const plain = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(plain * (0.75 + Math.random() * 0.5));
}

export async function withRetries<T>(
  work: () => Promise<T>,
  options: {
    policy: RetryPolicy;
    signal: AbortSignal;
    /** before each wait: what failed and how long the wait is */
    onRetry?: (error: unknown, attempt: number, waitMs: number) => void;
  },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || attempt >= options.policy.retries || options.signal.aborted) throw error;
      const wait = backoffMs(options.policy, attempt);
      options.onRetry?.(error, attempt + 1, wait);
      await sleep(wait, undefined, { signal: options.signal });
    }
  }
}
