import { describe, expect, it } from 'vitest';
import { readAhead } from './chain-job.ts';

describe('readAhead', () => {
  it('asks for the next piece as soon as one is taken, and yields every piece in order', async () => {
    const asked: number[] = [];
    let n = 0;
    const source: AsyncIterator<number> = {
      next: async () => {
        asked.push(n);
        return n < 3 ? { done: false, value: n++ } : { done: true, value: undefined };
      },
    };
    const it = readAhead(source);
    expect(await it.next()).toEqual({ done: false, value: 0 });
    // piece 1 is already requested while the caller works on piece 0
    expect(asked).toEqual([0, 1]);
    const rest: number[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    expect(rest).toEqual([1, 2]);
  });

  it('a failed read ahead surfaces when its piece is taken, not as an unhandled rejection', async () => {
    let calls = 0;
    const source: AsyncIterator<number> = {
      next: async () => {
        calls++;
        if (calls === 2) throw new Error('connection lost');
        return { done: false, value: calls };
      },
    };
    const it = readAhead(source);
    expect(await it.next()).toEqual({ done: false, value: 1 });
    await new Promise((r) => setTimeout(r, 5));
    await expect(it.next()).rejects.toThrow('connection lost');
  });

  it('return() closes the source', async () => {
    let closed = false;
    const source: AsyncIterator<number> = {
      next: async () => ({ done: false, value: 1 }),
      return: async () => {
        closed = true;
        return { done: true, value: undefined };
      },
    };
    const it = readAhead(source);
    await it.next();
    await it.return?.();
    expect(closed).toBe(true);
  });
});
