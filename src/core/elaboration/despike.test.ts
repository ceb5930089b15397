import { describe, expect, it } from 'vitest';
import type { StationRow } from '../domain/configuration.ts';
import { FLAG_INVALID, FLAG_SPIKE_X, FLAG_SPIKE_Y } from '../domain/flags.ts';
import { despikeCells } from './despike.ts';
import { insertionSort, medianAbsDeviation, medianInPlace, medianOfSorted } from './median.ts';
import { type CellSpec, cellsOf, column, every, HOUR, paramsOf } from './test-support.ts';

/** Despikes one node's series (hourly unless timestamps are given); returns its angles and flags. */
function despike(
  station: Partial<StationRow>,
  values: readonly (CellSpec | number | null)[],
  timestamps: readonly number[] = every(HOUR, values.length),
) {
  const cells = cellsOf(
    timestamps,
    values.map((v) => [v]),
  );
  despikeCells(paramsOf(station), cells);
  return { x: column(cells.alphaX, 1, 0), y: column(cells.alphaY, 1, 0), flags: column(cells.flags, 1, 0) };
}

const S = FLAG_SPIKE_X;

describe('step 7: despike (Hampel, trailing)', () => {
  it('the window trails: the current sample and the ones before it, never after', () => {
    // despikeWindow 3, minSigma 0.01, nSigma 3. Series 0 0 0 0 5 5 5.
    // t4: window {0, 0, 5}: med 0, mad median{0, 0, 5} = 0, s = max(0, 0.01) = 0.01;
    //     |5 − 0| = 5 > 0.03 → spike, replaced by 0.
    //     (A centred window {0, 5, 5} would have med 5 and keep it.)
    const result = despike({ despikeWindow: 3 }, [0, 0, 0, 0, 5, 5, 5]);
    expect(result.x).toEqual([0, 0, 0, 0, 0, 5, 5]);
    expect(result.flags).toEqual([0, 0, 0, 0, S, 0, 0]);
  });

  it('windows are built from the values before replacement (not recursive)', () => {
    // Same series, t5: window {0 (t3), 5 (t4 as measured), 5}: med 5 → kept.
    // A recursive filter would see t4's replacement 0: {0, 0, 5} → med 0 → spike.
    expect(despike({ despikeWindow: 3 }, [0, 0, 0, 0, 5, 5, 5]).flags[5]).toBe(0);
  });

  it('a window with fewer than despikeWindow samples keeps the value', () => {
    // despikeWindow 3: t1's window {100, 0} has 2 samples → kept, though 100 is wild.
    const result = despike({ despikeWindow: 3 }, [0, 100]);
    expect(result.x).toEqual([0, 100]);
    expect(result.flags).toEqual([0, 0]);
  });

  it('the look-back keeps samples with timestamp > t − despikeLookbackHours (strictly)', () => {
    // lookback 1 h, window 3. Samples at 0 s, 1800 s, 3600 s: values 0, 0, 10.
    // At 3600 the cutoff is 3600 − 3600 = 0; the sample at 0 is not > 0: window {10, 0} → too small → kept.
    // With `≥` it would be {10, 0, 0} → spike.
    const station = { despikeWindow: 3, despikeLookbackHours: 1 };
    expect(despike(station, [0, 0, 10], [0, 1800, 3600]).x).toEqual([0, 0, 10]);
    // One second later the first sample (at 1 > 0) is in: {10, 0, 0}: med 0 → spike → 0.
    expect(despike(station, [0, 0, 10], [1, 1800, 3600]).x).toEqual([0, 0, 0]);
  });

  it('keeps only the last despikeWindow samples of the look-back', () => {
    // window 3, lookback 48 h, series 10 10 0 0 10:
    // t2: {0, 10, 10} med 10, mad median{10, 0, 0} = 0 → s 0.01 → |0 − 10| > 0.03 → spike → 10
    // t3: {0, 0, 10} med 0 → kept 0
    // t4: {10, 0, 0} med 0 → spike → 0 (all five in the look-back would give med 10 → kept)
    const result = despike({ despikeWindow: 3 }, [10, 10, 0, 0, 10]);
    expect(result.x).toEqual([10, 10, 10, 0, 0]);
    expect(result.flags).toEqual([0, 0, S, 0, S]);
  });

  it('the median of an even window is the mean of the two middle values', () => {
    // window 4: t3: {0, 0, 4, 100} sorted → med (0 + 4) / 2 = 2;
    // deviations {2, 2, 2, 98} → mad (2 + 2) / 2 = 2 → s = 1.4826 · 2 = 2.9652;
    // |100 − 2| = 98 > 3 · 2.9652 → spike, replaced by 2 (a single middle value would give 0 or 4).
    const result = despike({ despikeWindow: 4 }, [0, 0, 4, 100]);
    expect(result.x).toEqual([0, 0, 4, 2]);
    expect(result.flags).toEqual([0, 0, 0, S]);
  });

  it('s = 1.4826 · mad', () => {
    // window 5, nSigma 2: t4: {0, 1, 2, 3, 4.9}: med 2, deviations {2, 1, 0, 1, 2.9} → mad 1,
    // s = 1.4826, 2 · s = 2.9652; |4.9 − 2| = 2.9 ≤ 2.9652 → kept (with s = mad it would be a spike);
    // with 7 instead of 4.9: deviations {2, 1, 0, 1, 5} → mad 1, |7 − 2| = 5 > 2.9652 → spike → 2.
    expect(despike({ despikeWindow: 5, despikeNSigma: 2 }, [0, 1, 2, 3, 4.9]).x[4]).toBe(4.9);
    expect(despike({ despikeWindow: 5, despikeNSigma: 2 }, [0, 1, 2, 3, 7]).x[4]).toBe(2);
  });

  it('s is at least despikeMinSigmaDeg', () => {
    // window 3: {0, 0, 0.02}: med 0, mad 0 → s = max(0, 0.01) = 0.01 → 3 · 0.01 = 0.03 ≥ 0.02 → kept
    // (without the floor s = 0 and any change is a spike)
    expect(despike({ despikeWindow: 3 }, [0, 0, 0.02]).flags).toEqual([0, 0, 0]);
    // minSigma 0.001: threshold 0.003 < 0.02 → spike
    expect(despike({ despikeWindow: 3, despikeMinSigmaDeg: 0.001 }, [0, 0, 0.02]).flags).toEqual([0, 0, S]);
  });

  it('a spike is strictly more than despikeNSigma · s from the median', () => {
    // window 3, minSigma 0.5, nSigma 2 → threshold 2 · 0.5 = 1.
    // {0, 0, 1}: |1 − 0| = 1, not > 1 → kept; {0, 0, 1.5}: 1.5 > 1 → spike → 0.
    const station = { despikeWindow: 3, despikeMinSigmaDeg: 0.5, despikeNSigma: 2 };
    expect(despike(station, [0, 0, 1]).x).toEqual([0, 0, 1]);
    expect(despike(station, [0, 0, 1.5]).x).toEqual([0, 0, 0]);
  });

  it('each axis separately, each with its own flag', () => {
    // X: 0 0 5 → {0, 0, 5} spike; Y: 1 1 1 → kept
    const x = despike({ despikeWindow: 3 }, [
      { x: 0, y: 1 },
      { x: 0, y: 1 },
      { x: 5, y: 1 },
    ]);
    expect(x.flags).toEqual([0, 0, FLAG_SPIKE_X]);
    expect(x.y).toEqual([1, 1, 1]);
    // X: kept; Y: 0 0 −7 → spike → 0
    const y = despike({ despikeWindow: 3 }, [
      { x: 1, y: 0 },
      { x: 1, y: 0 },
      { x: 1, y: -7 },
    ]);
    expect(y.flags).toEqual([0, 0, FLAG_SPIKE_Y]);
    expect(y.y).toEqual([0, 0, 0]);
  });

  it('only valid samples make a window; invalid ones are skipped and left alone', () => {
    // window 3, series 0, invalid, 0, 5: t3: {5, 0 (t2), 0 (t0)} → med 0 → spike → 0.
    const result = despike({ despikeWindow: 3 }, [0, null, 0, 5]);
    expect(result.x).toEqual([0, Number.NaN, 0, 0]);
    expect(result.flags).toEqual([0, FLAG_INVALID, 0, S]);
  });

  it.each([0, 1])('despikeWindow %d keeps every sample', (despikeWindow) => {
    // A tiny nSigma makes any window with a spread flag its sample; with despikeWindow ≤ 1 none is tested.
    const result = despike({ despikeWindow, despikeNSigma: 1e-9 }, [0, 9, -3, 4]);
    expect(result.x).toEqual([0, 9, -3, 4]);
    expect(result.flags).toEqual([0, 0, 0, 0]);
  });

  it('nodes are despiked independently', () => {
    // node 0: 0 0 5 → spike at t2; node 1: 5 0 0 → t2 window {0, 0, 5} med 0 → kept 0
    const cells = cellsOf(every(HOUR, 3), [
      [0, 5],
      [0, 0],
      [5, 0],
    ]);
    despikeCells(paramsOf({ despikeWindow: 3 }), cells);
    expect(Array.from(cells.flags)).toEqual([0, 0, 0, 0, S, 0]);
  });
});

describe('medians', () => {
  it('odd count: the middle value; even count: (a + b) / 2 of the two middle values', () => {
    expect(medianInPlace(Float64Array.from([5, 1, 3]), 3)).toBe(3);
    // sorted {1, 2, 7, 9}: (2 + 7) / 2 = 4.5
    expect(medianInPlace(Float64Array.from([9, 2, 7, 1]), 4)).toBe(4.5);
    expect(medianOfSorted(Float64Array.from([1, 2, 7, 9, 99]), 4)).toBe(4.5);
  });

  it('medianInPlace sorts numerically, not as strings', () => {
    // as strings 10 < 9: {10, 2, 9} would give 2 as middle of "10", "2", "9" → numeric middle is 9
    expect(medianInPlace(Float64Array.from([10, 2, 9]), 3)).toBe(9);
  });

  it('median absolute deviation equals the median of the sorted deviations', () => {
    // deterministic pseudo-random windows of sizes 1..9, with ties
    let seed = 7;
    const next = () => {
      seed = (seed * 48271) % 2147483647;
      return Math.floor((seed / 2147483647) * 8) / 4 - 1;
    };
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + (trial % 9);
      const window = Float64Array.from({ length: n }, next);
      insertionSort(window, n);
      const med = medianOfSorted(window, n);
      const deviations = window.map((w) => Math.abs(w - med)).sort();
      expect(medianAbsDeviation(window, n, med)).toBe(medianOfSorted(deviations, n));
    }
  });
});
