import { describe, expect, it } from 'vitest';
import { type ProgressSnapshot, ProgressThrottle } from './progress.ts';

const state = (done: number, phase: ProgressSnapshot['phase'] = 'elaborating') => ({
  phase,
  timestampsDone: done,
  timestampsTotal: 100,
  rowsRead: 0,
  rowsWritten: 0,
  waitingFor: null,
});

describe('ProgressThrottle', () => {
  it('coalesces updates within the interval, but always passes a phase change or a forced update', () => {
    const seen: ProgressSnapshot[] = [];
    const t = new ProgressThrottle((s) => seen.push(s), 10_000);
    t.update(state(0, 'reference'));
    t.update(state(1, 'reference')); // same phase, within the interval: dropped
    t.update(state(2)); // phase change: passes
    t.update(state(3)); // dropped
    t.update(state(4), true); // forced: passes
    expect(seen.map((s) => [s.phase, s.timestampsDone])).toEqual([
      ['reference', 0],
      ['elaborating', 2],
      ['elaborating', 4],
    ]);
  });

  it('reports a rate and an ETA once there is progress', () => {
    const seen: ProgressSnapshot[] = [];
    const t = new ProgressThrottle((s) => seen.push(s), 0);
    t.update(state(0));
    t.update(state(50));
    expect(seen[0]!.etaSeconds).toBeNull();
    expect(seen[1]!.rate).toBeGreaterThan(0);
    expect(seen[1]!.etaSeconds).toBeGreaterThan(0);
  });
});
