import { describe, expect, it } from 'vitest';
import { FLAG_GRAVITY, FLAG_HELD, FLAG_INVALID, FLAG_SPIKE_X, FLAG_SPIKE_Y } from '../domain/flags.ts';
import { holdInvalidCells } from './hold.ts';
import { type CellSpec, cellsOf, column, HOUR, paramsOf } from './test-support.ts';

const HELD = FLAG_INVALID | FLAG_HELD;

/** Holds one node's series at the given times (holdLastValidHours 2 unless given). */
function hold(times: number[], values: (CellSpec | number | null)[], holdLastValidHours = 2) {
  const cells = cellsOf(
    times,
    values.map((v) => [v]),
  );
  holdInvalidCells(paramsOf({ holdLastValidHours }), cells);
  return {
    x: column(cells.alphaX, 1, 0),
    y: column(cells.alphaY, 1, 0),
    temperature: column(cells.temperature, 1, 0),
    flags: column(cells.flags, 1, 0),
  };
}

describe('step 8: hold', () => {
  it('an invalid reading within holdLastValidHours of the last valid one takes its angles and temperature', () => {
    // valid at 0 s (1.5°, −0.5°, 12 °C); invalid at 3600 s: 3600 − 0 ≤ 7200 → held
    const result = hold([0, HOUR], [{ x: 1.5, y: -0.5, temperature: 12 }, null]);
    expect(result.x).toEqual([1.5, 1.5]);
    expect(result.y).toEqual([-0.5, -0.5]);
    expect(result.temperature).toEqual([12, 12]);
    expect(result.flags).toEqual([0, HELD]);
  });

  it('the limit is inclusive: t − t_last = holdLastValidHours is held, one second more is not', () => {
    // 7200 − 0 = 7200 ≤ 7200 → held; 7201 − 0 = 7201 > 7200 → null
    expect(hold([0, 7200], [3, null]).x).toEqual([3, 3]);
    const late = hold([0, 7201], [3, null]);
    expect(late.x).toEqual([3, Number.NaN]);
    expect(late.temperature).toEqual([20, Number.NaN]);
    expect(late.flags).toEqual([0, FLAG_INVALID]);
  });

  it('the age is counted from the last valid sample, not from the last held one', () => {
    // valid at 0; invalid at 3600 (held), 7200 (held: 7200 ≤ 7200), 7800 (7800 > 7200: null,
    // although the held row at 7200 is only 600 s before)
    const result = hold([0, 3600, 7200, 7800], [4, null, null, null]);
    expect(result.x).toEqual([4, 4, 4, Number.NaN]);
    expect(result.flags).toEqual([0, HELD, HELD, FLAG_INVALID]);
  });

  it('a held row keeps INVALID (and GRAVITY) and does not inherit the source sample’s SPIKE flags', () => {
    // the source was despiked to 0.25 on both axes: the held row takes 0.25 but not SPIKE_X|SPIKE_Y
    const result = hold(
      [0, 600],
      [
        { x: 0.25, y: 0.25, flags: FLAG_SPIKE_X | FLAG_SPIKE_Y },
        { x: null, flags: FLAG_GRAVITY },
      ],
    );
    expect(result.x).toEqual([0.25, 0.25]);
    expect(result.flags).toEqual([FLAG_SPIKE_X | FLAG_SPIKE_Y, FLAG_INVALID | FLAG_GRAVITY | FLAG_HELD]);
  });

  it('nothing to hold before the first valid sample', () => {
    expect(hold([0, 600, 1200], [null, null, 2]).flags).toEqual([FLAG_INVALID, FLAG_INVALID, 0]);
  });

  it('holdLastValidHours 0 holds nothing after a gap (0 < 600 fails), and a fractional hour is h · 3600 s', () => {
    expect(hold([0, 600], [1, null], 0).flags).toEqual([0, FLAG_INVALID]);
    // 0.25 h = 900 s: 600 ≤ 900 held, 1000 > 900 not
    expect(hold([0, 600, 1000], [1, null, null], 0.25).flags).toEqual([0, HELD, FLAG_INVALID]);
  });

  it('each node holds its own last valid sample', () => {
    const cells = cellsOf(
      [0, 600],
      [
        [1, 2],
        [null, null],
      ],
    );
    holdInvalidCells(paramsOf(), cells);
    expect(Array.from(cells.alphaX)).toEqual([1, 2, 1, 2]);
  });
});
