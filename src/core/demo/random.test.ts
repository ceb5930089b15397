/**
 * The demo site's PRNG: reproducible, well spread, normals with the right
 * moments.
 */
import { describe, expect, it } from 'vitest';
import { labelSeed, mixSeed, Rng } from './random.ts';

describe('Rng (xoshiro128**)', () => {
  it('the same seed gives the same sequence; another seed another one', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(xs);
    for (const x of xs) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 32);
    }
  });

  it('uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sq += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 3);
  });

  it('int(lo, hi) covers both ends and nothing outside', () => {
    const rng = new Rng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(rng.int(-2, 2));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('normals have mean 0, variance 1 and Gaussian tails', () => {
    const rng = new Rng(11);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let beyond3 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
      if (Math.abs(z) > 3) beyond3++;
    }
    expect(Number.isFinite(sum)).toBe(true);
    expect(sum / n).toBeCloseTo(0, 2);
    expect(sq / n).toBeCloseTo(1, 1);
    // P(|z| > 3) = 0.0027
    expect(beyond3 / n).toBeGreaterThan(0.0018);
    expect(beyond3 / n).toBeLessThan(0.0036);
  });

  it('mixSeed and labelSeed separate streams', () => {
    expect(mixSeed(1, labelSeed('raw'), 0)).toBe(mixSeed(1, labelSeed('raw'), 0));
    const seeds = new Set([
      mixSeed(1, labelSeed('raw'), 0),
      mixSeed(1, labelSeed('raw'), 1),
      mixSeed(2, labelSeed('raw'), 0),
      mixSeed(1, labelSeed('calibration'), 0),
    ]);
    expect(seeds.size).toBe(4);
  });
});
