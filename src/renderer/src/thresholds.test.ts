import { describe, expect, it } from 'vitest';
import { levelBounds, levelColor, levelsOf } from './thresholds.ts';

const t = (nodeIndex: number | null, level: number, value: number, metric = 'cumulative_mm') => ({
  nodeIndex,
  metric,
  level,
  value,
});

describe('thresholds as drawn (ELABORATION.md §4)', () => {
  it("a node's bound for level ℓ is the smallest applicable threshold of level ≥ ℓ, the chain's and its own", () => {
    const all = [
      t(null, 1, 10),
      t(null, 2, 20),
      t(null, 3, 40),
      t(4, 2, 15),
      t(5, 1, 5),
      t(null, 1, 1, 'tilt_deg'),
    ];
    // node 1: the chain's alone
    expect(levelBounds(all, 1, 'cumulative_mm')).toEqual([
      { level: 1, value: 10 },
      { level: 2, value: 20 },
      { level: 3, value: 40 },
    ]);
    // node 4: its own level 2 at 15 lowers level 2 (min(20, 15)), not level 1 (min(10, 15, 20, 40) = 10)
    expect(levelBounds(all, 4, 'cumulative_mm')).toEqual([
      { level: 1, value: 10 },
      { level: 2, value: 15 },
      { level: 3, value: 40 },
    ]);
    // node 5: its own level 1 at 5 is below the chain's
    expect(levelBounds(all, 5, 'cumulative_mm')[0]).toEqual({ level: 1, value: 5 });
    expect(levelBounds(all, 1, 'velocity_mm_per_day')).toEqual([]);
    expect(levelsOf(all, 'cumulative_mm')).toEqual([1, 2, 3]);
  });

  it('level colours: 0 grey, 1 attention, 2 pre-alarm, 3 and above alarm', () => {
    expect(new Set([0, 1, 2, 3].map(levelColor)).size).toBe(4);
    expect(levelColor(5)).toBe(levelColor(3));
  });
});
