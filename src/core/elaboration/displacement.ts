/**
 * Steps 10 and 11 of §3: local displacement of each node from its reference,
 * and the cumulative displacement from the chain's fixed end.
 */

import { FLAG_NO_REFERENCE } from '../domain/flags.ts';
import type { Cells } from './cells.ts';
import type { ChainParams, NodeParams, References } from './types.ts';
import { DEG_TO_RAD } from './units.ts';

export interface LocalDisplacements {
  dispX: Float64Array;
  dispY: Float64Array;
}

export interface CumulativeDisplacements {
  cumX: Float64Array;
  cumY: Float64Array;
  cumR: Float64Array;
}

/**
 * Step 10: lengthMm · (sin(α') − sin(ref)), a difference of sines (the
 * projections of the gauge length), not the sine of the angle difference.
 * Flags NO_REFERENCE on every cell of a node without reference.
 */
export function localDisplacements(
  nodes: readonly NodeParams[],
  refs: References,
  cells: Cells,
): LocalDisplacements {
  const { nodeCount, timestamps, flags, alphaX, alphaY } = cells;
  const size = nodeCount * timestamps.length;
  const dispX = new Float64Array(size).fill(Number.NaN);
  const dispY = new Float64Array(size).fill(Number.NaN);
  for (let k = 0; k < nodeCount; k++) {
    const refX = refs.refX[k]!;
    const refY = refs.refY[k]!;
    if (Number.isNaN(refX) || Number.isNaN(refY)) {
      for (let cell = k; cell < size; cell += nodeCount) flags[cell] = flags[cell]! | FLAG_NO_REFERENCE;
      continue;
    }
    const length = nodes[k]!.lengthMm;
    const sinRefX = Math.sin(refX * DEG_TO_RAD);
    const sinRefY = Math.sin(refY * DEG_TO_RAD);
    // A null angle (invalid, not held) gives NaN, i.e. a null displacement.
    for (let cell = k; cell < size; cell += nodeCount) {
      dispX[cell] = length * (Math.sin(alphaX[cell]! * DEG_TO_RAD) - sinRefX);
      dispY[cell] = length * (Math.sin(alphaY[cell]! * DEG_TO_RAD) - sinRefY);
    }
  }
  return { dispX, dispY };
}

/**
 * Step 11. Node k (k indexes nodes in ascending nodeIndex) sums the nodes
 * k..N−1 (fixed end bottom) or 0..k (top). Every sum is evaluated in
 * ascending nodeIndex order, left to right, whatever the fixed end: for
 * `top` that is the running sum from node 1, for `bottom` each node's sum is
 * evaluated afresh from its own index down to node N (not accumulated from N
 * upwards), so that the rounding is that of the written Σ. A null term makes
 * the sum NaN (null) by IEEE propagation.
 */
export function cumulativeDisplacements(
  fixedEnd: ChainParams['fixedEnd'],
  nodeCount: number,
  local: LocalDisplacements,
): CumulativeDisplacements {
  const size = local.dispX.length;
  const cumX = new Float64Array(size);
  const cumY = new Float64Array(size);
  const cumR = new Float64Array(size);
  const bottom = fixedEnd === 'bottom';
  for (let row = 0; row < size; row += nodeCount) {
    for (let k = 0; k < nodeCount; k++) {
      const from = bottom ? row + k : row;
      const to = bottom ? row + nodeCount - 1 : row + k;
      const x = ascendingSum(local.dispX, from, to);
      const y = ascendingSum(local.dispY, from, to);
      cumX[row + k] = x;
      cumY[row + k] = y;
      cumR[row + k] = Math.sqrt(x * x + y * y);
    }
  }
  return { cumX, cumY, cumR };
}

/** values[from] + values[from + 1] + … + values[to], left to right. */
export function ascendingSum(values: Float64Array, from: number, to: number): number {
  let sum = values[from]!;
  for (let j = from + 1; j <= to; j++) sum += values[j]!;
  return sum;
}
