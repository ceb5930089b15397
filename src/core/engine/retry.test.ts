import { describe, expect, it } from 'vitest';
import { CatenaError } from '../errors.ts';
import { remainingSpans } from './chain-job.ts';
import { backoffMs, withRetries } from './retry.ts';

const policy = { retries: 3, baseMs: 1, maxMs: 4 };
const transient = () => new CatenaError('CONNECTION_LOST', 'lost', {}, { transient: true });

describe('withRetries', () => {
  it('tries again after a transient failure, at most `retries` times, then throws the last failure', async () => {
    let calls = 0;
    const attempts: number[] = [];
    await expect(
      withRetries(
        async () => {
          calls++;
          throw transient();
        },
        { policy, signal: new AbortController().signal, onRetry: (_e, n) => attempts.push(n) },
      ),
    ).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    expect(calls).toBe(4);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('returns what a later try returns; a failure that is not transient is thrown at once', async () => {
    let calls = 0;
    const value = await withRetries(
      async () => {
        if (++calls < 3) throw transient();
        return 'done';
      },
      { policy, signal: new AbortController().signal },
    );
    expect([value, calls]).toEqual(['done', 3]);
    calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new CatenaError('CHAIN_CONFIG', 'bad gain');
        },
        { policy, signal: new AbortController().signal },
      ),
    ).rejects.toMatchObject({ code: 'CHAIN_CONFIG' });
    expect(calls).toBe(1);
  });

  it('backoff doubles from the base up to the maximum, within ±25 % jitter', () => {
    const p = { retries: 6, baseMs: 500, maxMs: 8000 };
    for (const [attempt, plain] of [
      [0, 500],
      [1, 1000],
      [3, 4000],
      [5, 8000],
    ] as const) {
      const wait = backoffMs(p, attempt);
      expect(wait).toBeGreaterThanOrEqual(plain * 0.75);
      expect(wait).toBeLessThanOrEqual(plain * 1.25);
    }
  });
});

describe('remainingSpans: after a transient failure only what was not committed is elaborated again', () => {
  const span = (ts: number[], eventsFrom: number, eventsTo: number) => ({
    timestamps: Float64Array.from(ts),
    eventsFrom,
    eventsTo,
  });

  it('drops committed timestamps and moves the first event bound past the last committed one', () => {
    const spans = [span([10, 20, 30], 0, 35), span([50, 60], 41, 99)];
    expect(remainingSpans(spans, null)).toEqual(spans);
    expect(remainingSpans(spans, 20)).toEqual([span([30], 21, 35), span([50, 60], 41, 99)]);
    expect(remainingSpans(spans, 30)).toEqual([span([50, 60], 41, 99)]);
    expect(remainingSpans(spans, 50)).toEqual([span([60], 51, 99)]);
    expect(remainingSpans(spans, 60)).toEqual([]);
  });
});
