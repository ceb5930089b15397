import { describe, expect, it } from 'vitest';
import {
  envelope,
  incremental,
  type ProfilePoint,
  rotate,
  sinceDatum,
  toShown,
} from './profile-transform.ts';

const p = (node: number, depth: number, x: number | null, y: number | null): ProfilePoint => ({
  node,
  depth,
  x,
  y,
});

describe('profile transforms', () => {
  it('moved datum: the profile minus the profile at the datum, node by node; a node missing there has no value', () => {
    const at = [p(1, 1, 5, -2), p(2, 2, 3, 1), p(3, 3, 4, 4)];
    const datum = [p(1, 1, 2, -2.5), p(2, 2, null, 0.25)];
    // node 1: (5 − 2, −2 − (−2.5)) = (3, 0.5); node 2: x null at the datum, y 1 − 0.25 = 0.75; node 3: no datum
    expect(sinceDatum(at, datum)).toEqual([p(1, 1, 3, 0.5), p(2, 2, null, 0.75), p(3, 3, null, null)]);
    // the datum at the date itself is zero everywhere
    expect(sinceDatum(at, at).map((q) => [q.x, q.y])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('azimuth rotation: A = X·cosθ + Y·sinθ, B = −X·sinθ + Y·cosθ, θ clockwise from X', () => {
    expect(rotate(3, 4, 0)).toEqual({ a: 3, b: 4 });
    // θ = 90°: A is the Y axis, B = −X
    const r90 = rotate(3, 4, 90);
    expect(r90.a).toBeCloseTo(4, 12);
    expect(r90.b).toBeCloseTo(-3, 12);
    // θ = 30°: A = 2·0.8660 + 1·0.5 = 2.2321, B = −2·0.5 + 1·0.8660 = −0.1340
    const r30 = rotate(2, 1, 30);
    expect(r30.a).toBeCloseTo((2 * Math.sqrt(3)) / 2 + 0.5, 12);
    expect(r30.b).toBeCloseTo(-1 + Math.sqrt(3) / 2, 12);
    // a rotation keeps the resultant: |(3, 4)| = 5 at any θ
    const r = rotate(3, 4, 217);
    expect(Math.hypot(r.a, r.b)).toBeCloseTo(5, 12);
  });

  it('shown axes: X/Y as they are without an azimuth, A/B with one; the resultant √(u² + v²)', () => {
    expect(toShown([p(1, 1, 3, 4)], null)).toEqual([{ node: 1, depth: 1, u: 3, v: 4, r: 5 }]);
    const [ab] = toShown([p(1, 1, 3, 4)], 90);
    expect(ab!.u).toBeCloseTo(4, 12);
    expect(ab!.v).toBeCloseTo(-3, 12);
    expect(ab!.r).toBeCloseTo(5, 12);
    // one component missing: X/Y keep the other, A/B cannot be computed, and there is no resultant
    expect(toShown([p(2, 2, 3, null)], null)).toEqual([{ node: 2, depth: 2, u: 3, v: null, r: null }]);
    expect(toShown([p(2, 2, 3, null)], 45)).toEqual([{ node: 2, depth: 2, u: null, v: null, r: null }]);
  });

  it('incremental: each node minus the next one towards the fixed end; the last keeps its cumulative value', () => {
    // cumulative X down the chain (fixed at the bottom): 10, 6, 1 at depths 1, 2, 3
    const cum = [p(3, 3, 1, 0), p(1, 1, 10, 2), p(2, 2, 6, null)];
    // bottom: 10 − 6 = 4, 6 − 1 = 5, 1; y: 2 − null = null, null − 0 = null, 0
    expect(incremental(cum, 'bottom')).toEqual([p(1, 1, 4, null), p(2, 2, 5, null), p(3, 3, 1, 0)]);
    // top: 10, 6 − 10 = −4, 1 − 6 = −5
    expect(incremental(cum, 'top')).toEqual([p(1, 1, 10, 2), p(2, 2, -4, null), p(3, 3, -5, null)]);
    // the increments add up to the cumulative value at the free end: 4 + 5 + 1 = 10
    expect(
      incremental(cum, 'bottom')
        .map((q) => q.x ?? 0)
        .reduce((a, b) => a + b),
    ).toBe(10);
  });

  it('envelope: the cumulative_mm bound of each level at each node’s depth, the chain’s and the node’s own together', () => {
    const nodes = [
      { node: 2, depth: 2 },
      { node: 1, depth: 1 },
      { node: 3, depth: 3 },
    ];
    const thresholds = [
      { nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 10 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 20 },
      // node 3 also has its own level 2 at 8: from 8 mm it is at level 2, so at level 1 too (min(10, 8) = 8)
      { nodeIndex: 3, metric: 'cumulative_mm', level: 2, value: 8 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 1, value: 2 },
    ];
    expect(envelope(nodes, thresholds)).toEqual([
      {
        level: 1,
        points: [
          { depth: 1, value: 10 },
          { depth: 2, value: 10 },
          { depth: 3, value: 8 },
        ],
      },
      {
        level: 2,
        points: [
          { depth: 1, value: 20 },
          { depth: 2, value: 20 },
          { depth: 3, value: 8 },
        ],
      },
    ]);
    expect(envelope(nodes, thresholds, 'velocity_mm_per_day')[0]!.points).toHaveLength(3);
    expect(envelope(nodes, [])).toEqual([]);
  });
});
