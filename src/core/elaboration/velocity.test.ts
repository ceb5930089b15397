import { describe, expect, it } from 'vitest';
import { HOUR, paramsOf } from './test-support.ts';
import { resultantSlope, velocities } from './velocity.ts';

const N = Number.NaN;
const DAY = 86400;

/** velR of one node at every timestamp, from its cumX (and cumY, default 0). */
function velocity(
  times: number[],
  cumX: number[],
  cumY: number[] = cumX.map(() => 0),
  velocityWindowHours = 24,
) {
  return Array.from(
    velocities(
      paramsOf({ velocityWindowHours }),
      Float64Array.from(times),
      1,
      Float64Array.from(cumX),
      Float64Array.from(cumY),
    ),
  );
}

describe('step 12: velocity', () => {
  it('the least-squares slope of cum against days, over chain timestamps u with t − W < u ≤ t', () => {
    // W = 24 h, samples every 6 h. At t = 24 h the window is (0, 24 h]: u = 6, 12, 18, 24 h
    // (u = 0 is at t − W exactly and is out; its cum 100 would wreck the slope).
    // x = −0.75, −0.5, −0.25, 0, x̄ = −0.375, dx = −0.375, −0.125, 0.125, 0.375, Σdx² = 0.3125
    // y = 10.5, 11, 11.5, 12, ȳ = 11.25, dy = −0.75, −0.25, 0.25, 0.75, Σdx·dy = 0.625 → 2 mm/day
    const times = [0, 6, 12, 18, 24].map((h) => h * HOUR);
    expect(velocity(times, [100, 10.5, 11, 11.5, 12])[4]).toBe(2);
  });

  it('needs at least 3 points, spanning at least W/2 seconds (compared exactly)', () => {
    // t = 12 h: u = 0, 6, 12 h: 3 points, span 43200 s = W/2 → computed.
    // x = −0.5, −0.25, 0, x̄ = −0.25, Σdx² = 0.125; y = 100, 10.5, 11, ȳ = 121.5/3 = 40.5,
    // Σdx·dy = (−0.25)(59.5) + 0 + (0.25)(−29.5) = −22.25 → slope −178 → velR 178.
    // t = 6 h: 2 points → null.
    const times = [0, 6, 12].map((h) => h * HOUR);
    expect(velocity(times, [100, 10.5, 11])).toEqual([N, N, 178]);
    // first sample one second later: span 43199 s < 43200 s → null
    expect(velocity([1, 6 * HOUR, 12 * HOUR], [100, 10.5, 11])).toEqual([N, N, N]);
  });

  it('null when the row’s own cumulative is null, even with enough points before it', () => {
    // t = 12 h: x = −0.5, −0.25, 0 and y = 1, 2, 3 → 4 mm/day; t = 18 h: own cum null → null
    const times = [0, 6, 12, 18].map((h) => h * HOUR);
    expect(velocity(times, [1, 2, 3, N])).toEqual([N, N, 4, N]);
  });

  it('points whose cumX or cumY is null are left out of the window', () => {
    // cumX = 10 + 2·days with the 12 h point's cumY null: points 6, 18, 24 h remain (3 points,
    // span 18 h ≥ 12 h): x = −0.75, −0.25, 0, x̄ = −1/3, y = 10.5, 11.5, 12 → slope 2 (exact line)
    const times = [0, 6, 12, 18, 24].map((h) => h * HOUR);
    const v = velocity(times, [10, 10.5, 11, 11.5, 12], [0, 0, N, 0, 0]);
    expect(v[4]).toBeCloseTo(2, 12);
    expect(v[2]).toBeNaN();
  });

  it('velR = sqrt(vX² + vY²)', () => {
    // cumX = 3·days, cumY = −4·days → vX = 3, vY = −4 → velR = 5 mm/day
    const times = [0, 6, 12].map((h) => h * HOUR);
    expect(velocity(times, [0, 0.75, 1.5], [0, -1, -2])[2]).toBe(5);
  });

  it('the window follows velocityWindowHours', () => {
    // W = 12 h: at t = 12 h the window is (0, 12 h]: only 6 h and 12 h → 2 points → null;
    // with W = 24 h it would be 3 points (see above).
    const times = [0, 6, 12].map((h) => h * HOUR);
    expect(velocity(times, [100, 10.5, 11], undefined, 12)[2]).toBeNaN();
  });

  it('centred two-pass form keeps precision where the one-pass nΣxy − ΣxΣy form loses it', () => {
    // x = −0.75, −0.5, −0.25, 0 and y = 1e15 + 0, 0.5, 1, 1.5: an exact line of slope 2 mm/day.
    // One-pass: nΣxy = −6e15 − 2, ΣxΣy = −1.5 · (4e15 + 3) = −6e15 − 4.5 rounds to −6e15 − 4,
    // so (nΣxy − ΣxΣy) / (nΣx² − (Σx)²) = 2 / 1.25 = 1.6. Two-pass: ȳ = 1e15 + 0.75,
    // dy = −0.75, −0.25, 0.25, 0.75, Σdx·dy = 0.625, Σdx² = 0.3125 → 2.
    const times = [6, 12, 18, 24].map((h) => h * HOUR);
    const y = [1e15, 1e15 + 0.5, 1e15 + 1, 1e15 + 1.5];
    expect(velocity(times, y)[3]).toBe(2);
  });

  it('the centred sums keep the slope under a large offset (Σ(x − x̄)·y would not)', () => {
    // u every 7 h, t = 21 h: x = −0.875, −0.583…, −0.291…, 0 (not exact in binary, so the computed
    // Σ(x − x̄) is 1.7e-16, not 0); y = 1e12 + 0, 1, 2, 3: an exact line of slope 1 / (7/24) = 24/7.
    // Centred: dy = −1.5, −0.5, 0.5, 1.5 exactly → 3.428571428571429 (24/7 to 1 ulp).
    // Uncentred Σ(x − x̄)·y adds ȳ · Σ(x − x̄) = 1e12 · 1.7e-16 to the numerator → 3.42881.
    const times = [0, 7, 14, 21].map((h) => h * HOUR);
    expect(velocity(times, [1e12, 1e12 + 1, 1e12 + 2, 1e12 + 3])[3]).toBeCloseTo(24 / 7, 12);
    // the same through the general path (a null cumY earlier in the window)
    expect(
      velocity([-HOUR, ...times], [0, 1e12, 1e12 + 1, 1e12 + 2, 1e12 + 3], [N, 0, 0, 0, 0])[4],
    ).toBeCloseTo(24 / 7, 12);
  });

  it('a node with a null in its window gives the same bits as the shared full-window path', () => {
    // two nodes with the same series except a null cumY on node 1 at a point outside the window
    const times = [0, 1, 2, 3, 4, 5, 6].map((h) => h * 6 * HOUR);
    const series = [0.1, 0.37, 0.52, 0.91, 1.33, 1.41, 1.97];
    const cumX = new Float64Array(14);
    const cumY = new Float64Array(14);
    series.forEach((v, i) => {
      cumX[2 * i] = v;
      cumX[2 * i + 1] = v;
      cumY[2 * i] = v / 3;
      cumY[2 * i + 1] = i === 0 ? N : v / 3;
    });
    const velR = velocities(paramsOf(), Float64Array.from(times), 2, cumX, cumY);
    for (let i = 4; i < 7; i++) expect(Object.is(velR[2 * i], velR[2 * i + 1])).toBe(true);
    // and both agree with the plain formula on the gathered points
    const xs = Float64Array.from([3, 4, 5, 6].map((h) => (h * 6 * HOUR - 36 * HOUR) / DAY));
    const as = Float64Array.from(series.slice(3));
    const bs = Float64Array.from(series.slice(3).map((v) => v / 3));
    expect(velR[12]).toBe(resultantSlope(xs, as, bs, 4));
  });
});
