import { describe, expect, it } from 'vitest';
import { FLAG_HELD } from '../domain/flags.ts';
import { computeReferences, referencesOf } from './reference.ts';
import { cellsOf, every, g, HOUR, modelOf, rawBlockOf } from './test-support.ts';
import { RAD_TO_DEG } from './units.ts';

describe('step 9: reference', () => {
  it('median of the valid samples with t_ref ≤ t < t_ref + referenceWindowHours', () => {
    // t_ref 3600, window 1 h: in the window are 3600 (1) and 5400 (3); 0 (100) is before it,
    // 7200 (1000) is at its end, which is excluded. Median of {1, 3} = (1 + 3) / 2 = 2.
    const cells = cellsOf([0, 3600, 5400, 7200], [[100], [1], [3], [1000]]);
    const refs = referencesOf(cells, 3600, 3600 + HOUR);
    expect(refs.refX[0]).toBe(2);
    expect(refs.refY[0]).toBe(0);
  });

  it('held samples are not reference samples', () => {
    // {1, 3} and a held 50 at 4500: with the held one the median would be 3; without it (1 + 3) / 2 = 2
    const cells = cellsOf([3600, 4500, 5400], [[1], [{ x: null, flags: FLAG_HELD }], [3]]);
    cells.alphaX[1] = 50;
    expect(referencesOf(cells, 3600, 7200).refX[0]).toBe(2);
  });

  it('a node without any valid sample in the window has no reference (NaN)', () => {
    const cells = cellsOf(
      [0, 3600],
      [
        [1, 5],
        [2, null],
      ],
    );
    const refs = referencesOf(cells, 3600, 7200);
    expect(Array.from(refs.refX)).toEqual([2, Number.NaN]);
  });

  it('uses despiked values, despiked with the look-back before t_ref', () => {
    // despikeWindow 3, t_ref = 7200, window 2 h. gX = 0 at 0, 3600, 7200; gX = 0.5 (30°) at 10800.
    // 10800's window {30, 0, 0} → spike → 0. Reference = median{0 (7200), 0 (10800 despiked)} = 0;
    // with raw values it would be (0 + 30) / 2 = 15.
    const model = modelOf({ despikeWindow: 3, referenceWindowHours: 2 });
    const block = rawBlockOf(every(HOUR, 4), [[g(0)], [g(0)], [g(0)], [g(0.5)]]);
    expect(computeReferences(model, block, 7200).refX[0]).toBe(0);
    // Without the look-back rows the window at 10800 has 2 samples → kept → (0 + 30.000000000000004) / 2
    const shortBlock = rawBlockOf([7200, 10800], [[g(0)], [g(0.5)]]);
    expect(computeReferences(model, shortBlock, 7200).refX[0]).toBe((Math.asin(0.5) * RAD_TO_DEG) / 2);
  });

  it('an odd count takes the middle value, per axis', () => {
    // X {0.5, 0.25, 0} → 0.25 g → asin; Y {0, 0.125, 0.25} → 0.125 g
    const model = modelOf({ referenceWindowHours: 3 });
    const block = rawBlockOf(every(HOUR, 3), [[g(0.5, 0)], [g(0.25, 0.125)], [g(0, 0.25)]]);
    const refs = computeReferences(model, block, 0);
    expect(refs.refX[0]).toBe(Math.asin(0.25) * RAD_TO_DEG);
    expect(refs.refY[0]).toBe(Math.asin(0.125) * RAD_TO_DEG);
  });
});
