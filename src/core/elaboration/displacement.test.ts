import { describe, expect, it } from 'vitest';
import { FLAG_INVALID, FLAG_NO_REFERENCE } from '../domain/flags.ts';
import { cumulativeDisplacements, localDisplacements } from './displacement.ts';
import { cellsOf, modelOf, nodeRow } from './test-support.ts';

const N = Number.NaN;

function cumulate(fixedEnd: 'bottom' | 'top', dispX: number[], dispY: number[] = dispX.map(() => 0)) {
  const result = cumulativeDisplacements(fixedEnd, dispX.length, {
    dispX: Float64Array.from(dispX),
    dispY: Float64Array.from(dispY),
  });
  return { cumX: Array.from(result.cumX), cumY: Array.from(result.cumY), cumR: Array.from(result.cumR) };
}

describe('step 10: local displacement', () => {
  it('lengthMm · (sin(α′) − sin(ref)): a difference of sines, not the sine of the difference', () => {
    // 500 · (sin 30° − sin 10°) = 500 · (0.5 − 0.17364817766693033) = 163.1759111665348 mm
    // (500 · sin 20° would be 171.01 mm); Y: 500 · (sin(−5°) − sin 0°) = −43.57787137382908 mm
    const nodes = modelOf({}, [nodeRow(1, { lengthMm: 500 })]).nodes;
    const cells = cellsOf([0], [[{ x: 30, y: -5 }]]);
    const local = localDisplacements(nodes, { refX: Float64Array.of(10), refY: Float64Array.of(0) }, cells);
    expect(local.dispX[0]).toBeCloseTo(163.1759111665348, 10);
    expect(local.dispY[0]).toBeCloseTo(-43.57787137382908, 10);
  });

  it('lengthMm defaults to 1000 mm and angles equal to the reference give 0', () => {
    // 1000 · (sin 2° − sin 2°) = 0; 1000 · (sin 3° − sin 2°) = 1000 · (0.0523359562 − 0.0348994967) = 17.4364595
    const nodes = modelOf().nodes;
    const cells = cellsOf([0, 1], [[{ x: 2, y: 2 }], [{ x: 3, y: 2 }]]);
    const local = localDisplacements(nodes, { refX: Float64Array.of(2), refY: Float64Array.of(2) }, cells);
    expect(Array.from(local.dispX.slice(0, 1))).toEqual([0]);
    expect(local.dispX[1]).toBeCloseTo(17.436459540442865, 10);
  });

  it('a null angle (invalid, not held) has null displacements', () => {
    const cells = cellsOf([0], [[null]]);
    const local = localDisplacements(
      modelOf().nodes,
      { refX: Float64Array.of(0), refY: Float64Array.of(0) },
      cells,
    );
    expect([local.dispX[0], local.dispY[0]]).toEqual([N, N]);
  });

  it('a node without reference: null displacements and NO_REFERENCE on every row, valid or not', () => {
    const cells = cellsOf(
      [0, 1, 2],
      [
        [1, 1],
        [2, null],
        [3, 3],
      ],
    );
    const nodes = modelOf({}, 2).nodes;
    const local = localDisplacements(
      nodes,
      { refX: Float64Array.of(0, N), refY: Float64Array.of(0, N) },
      cells,
    );
    expect([local.dispX[1], local.dispX[3], local.dispX[5]]).toEqual([N, N, N]);
    expect(Array.from(cells.flags)).toEqual([
      0,
      FLAG_NO_REFERENCE,
      0,
      FLAG_INVALID | FLAG_NO_REFERENCE,
      0,
      FLAG_NO_REFERENCE,
    ]);
    // the angles themselves are still reported
    expect(cells.alphaX[1]).toBe(1);
  });
});

describe('step 11: cumulative displacement', () => {
  it('fixedEnd bottom sums the node and those below it (j ≥ i)', () => {
    // disp 1, 2, 4 → cum(1) = 1 + 2 + 4 = 7, cum(2) = 2 + 4 = 6, cum(3) = 4
    expect(cumulate('bottom', [1, 2, 4]).cumX).toEqual([7, 6, 4]);
  });

  it('fixedEnd top sums the node and those above it (j ≤ i)', () => {
    // cum(1) = 1, cum(2) = 1 + 2 = 3, cum(3) = 1 + 2 + 4 = 7
    expect(cumulate('top', [1, 2, 4]).cumX).toEqual([1, 3, 7]);
  });

  it('a null displacement nulls every sum that includes it, and only those', () => {
    // node 2 null: bottom → cum(1), cum(2) null, cum(3) = 4; top → cum(1) = 1, cum(2), cum(3) null
    expect(cumulate('bottom', [1, N, 4]).cumX).toEqual([N, N, 4]);
    expect(cumulate('top', [1, N, 4]).cumX).toEqual([1, N, N]);
  });

  it('X and Y separately; cumR = sqrt(cumX² + cumY²), null when either is null', () => {
    // node 1: cumX = 3, cumY = 4 → cumR = 5; node 2 (bottom: alone): cumX = 0, cumY null → cumR null
    const result = cumulate('bottom', [3, 0], [N, N]);
    expect(result.cumR).toEqual([N, N]);
    const both = cumulate('bottom', [3, 0], [1, 3]);
    expect(both.cumX).toEqual([3, 0]);
    expect(both.cumY).toEqual([4, 3]);
    expect(both.cumR).toEqual([5, 3]);
  });

  it('each sum is evaluated in ascending nodeIndex order (documented rounding)', () => {
    // bottom, disp 1, 1e16, −1e16: cum(1) = (1 + 1e16) + (−1e16) = 1e16 − 1e16 = 0, because 1 + 1e16
    // rounds to 1e16; accumulating from the fixed end, 1 + (1e16 + (−1e16)), would give 1.
    expect(cumulate('bottom', [1, 1e16, -1e16]).cumX).toEqual([0, 0, -1e16]);
    // top: cum(2) = 1 + 1e16 = 1e16 (rounded), cum(3) = (1 + 1e16) + (−1e16) = 0
    expect(cumulate('top', [1, 1e16, -1e16]).cumX).toEqual([1, 1e16, 0]);
  });

  it('rows (timestamps) are independent', () => {
    // 2 nodes × 2 timestamps: row 0 disp 1, 2; row 1 disp 10, 20 → bottom 3, 2 | 30, 20
    const result = cumulativeDisplacements('bottom', 2, {
      dispX: Float64Array.of(1, 2, 10, 20),
      dispY: Float64Array.of(0, 0, 0, 0),
    });
    expect(Array.from(result.cumX)).toEqual([3, 2, 30, 20]);
  });
});
