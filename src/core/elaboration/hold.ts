/**
 * Step 8 of §3: an invalid reading shortly after a valid one repeats it, so a
 * lone dropout does not break the cumulative and velocity series.
 */

import { FLAG_HELD, FLAG_INVALID } from '../domain/flags.ts';
import type { Cells } from './cells.ts';
import { emptyHoldState, type HoldState } from './state.ts';
import type { ChainParams } from './types.ts';
import { HOUR } from './units.ts';

/**
 * Gives each invalid cell the despiked angles and temperature of its node's
 * last valid sample when that is at most holdLastValidHours old. Run after
 * despike. Held cells are never a source: a hold does not extend itself.
 * `state` is the last valid sample per node the previous chunk left (updated in place).
 */
export function holdInvalidCells(
  params: ChainParams,
  cells: Cells,
  state: HoldState = emptyHoldState(cells.nodeCount),
): void {
  const { timestamps, flags, alphaX, alphaY, temperature } = cells;
  const hold = params.holdLastValidHours * HOUR;
  // NaN time = no valid sample yet, and t − NaN ≤ hold is false.
  const { lastT, lastX, lastY, lastTemperature } = state;
  const nodeCount = cells.nodeCount;
  const count = timestamps.length;
  for (let i = 0, cell = 0; i < count; i++) {
    const t = timestamps[i]!;
    for (let k = 0; k < nodeCount; k++, cell++) {
      if ((flags[cell]! & FLAG_INVALID) === 0) {
        lastT[k] = t;
        lastX[k] = alphaX[cell]!;
        lastY[k] = alphaY[cell]!;
        lastTemperature[k] = temperature[cell]!;
      } else if (t - lastT[k]! <= hold) {
        alphaX[cell] = lastX[k]!;
        alphaY[cell] = lastY[k]!;
        temperature[cell] = lastTemperature[k]!;
        flags[cell] = flags[cell]! | FLAG_HELD;
      }
    }
  }
}
