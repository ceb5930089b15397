import { describe, expect, it } from 'vitest';
import { type ProgressSnapshot, type ProgressState, ProgressThrottle } from './progress.ts';

const state = (
  done: number,
  phase: ProgressSnapshot['phase'] = 'elaborating',
  total = 100,
): ProgressState => ({
  phase,
  timestampsDone: done,
  timestampsTotal: total,
  rowsRead: 0,
  rowsToRead: total * 10,
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
    let now = 0;
    const seen: ProgressSnapshot[] = [];
    const t = new ProgressThrottle(
      (s) => seen.push(s),
      0,
      () => now,
    );
    t.update(state(0));
    now = 1000;
    t.update(state(50));
    expect(seen[0]!.etaSeconds).toBeNull();
    expect(seen[1]!.rate).toBe(50);
    expect(seen[1]!.etaSeconds).toBe(1);
  });

  it('measures the rate from the start of the elaboration, not from the reading before it', () => {
    let now = 0;
    const seen: ProgressSnapshot[] = [];
    const t = new ProgressThrottle(
      (s) => seen.push(s),
      0,
      () => now,
    );
    t.update(state(0, 'reading'));
    now = 60_000; // a minute of reading
    t.update(state(0, 'elaborating'));
    now = 61_000;
    t.update(state(100, 'elaborating', 1000));
    // 100 timestamps in the second since the elaboration began, not in the 61 s since the run did
    expect(seen.at(-1)!.rate).toBe(100);
    expect(seen.at(-1)!.etaSeconds).toBe(9);
  });

  it('smooths the ETA: batches landing in bursts do not swing it from a minute to seconds', () => {
    let now = 0;
    const seen: { at: number; eta: number }[] = [];
    const t = new ProgressThrottle(
      (s) => (s.etaSeconds === null ? undefined : seen.push({ at: now, eta: s.etaSeconds })),
      250,
      () => now,
    );
    const total = 6_000;
    t.update(state(0, 'elaborating', total), true);
    // on average 50 timestamps/s, written in bursts: 500 at once, then nothing for 10 s
    let done = 0;
    let second = 1;
    for (; done < total; second++) {
      now = second * 1000;
      if (second % 10 === 0) done = Math.min(total, done + 500);
      t.update(state(done, 'elaborating', total));
    }
    const end = (second - 1) * 1000;
    expect(seen.at(-1)!.eta).toBe(0);
    // while more than 30 s remain: near the truth, and never swinging between two events a second apart
    const early = seen.filter((s) => end - s.at > 30_000 && s.at >= 20_000);
    expect(early.length).toBeGreaterThan(50);
    for (let i = 1; i < early.length; i++) {
      const ratio = early[i]!.eta / early[i - 1]!.eta;
      expect(ratio).toBeLessThan(1.25);
      expect(ratio).toBeGreaterThan(0.8);
    }
    for (const s of early) {
      const truth = (end - s.at) / 1000;
      expect(Math.abs(s.eta - truth)).toBeLessThan(0.35 * truth + 10);
    }
  });

  it('a stall lowers the rate and lengthens the ETA gradually, not at once', () => {
    let now = 0;
    const seen: ProgressSnapshot[] = [];
    const t = new ProgressThrottle(
      (s) => seen.push(s),
      0,
      () => now,
    );
    t.update(state(0));
    now = 1000;
    t.update(state(10));
    const before = seen.at(-1)!;
    now = 3000;
    t.update({ ...state(10), phase: 'retrying' });
    const after = seen.at(-1)!;
    expect(after.rate).toBeLessThan(before.rate);
    expect(after.etaSeconds!).toBeGreaterThan(before.etaSeconds! - 2);
    // the raw estimate is 90 / (10 / 3 s) = 27 s; the shown one moves part of the way
    expect(after.etaSeconds!).toBeLessThan(27);
  });
});
