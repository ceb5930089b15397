/**
 * Step 9 of §3: the zero reading of each node, the median of its despiked
 * valid angles over the reference window.
 */

import { FLAG_INVALID } from '../domain/flags.ts';
import type { Cells } from './cells.ts';
import { despikeCells } from './despike.ts';
import { medianInPlace } from './median.ts';
import { readCells } from './readings.ts';
import type { ChainModel, RawBlock, References } from './types.ts';
import { HOUR } from './units.ts';

/**
 * `block` must hold every chain timestamp from tRef − despikeLookbackHours up
 * to tRef + referenceWindowHours (config.referenceLoadSpan), so that the
 * window's samples are despiked exactly as in any run. NaN = no reference.
 */
export function computeReferences(model: ChainModel, block: RawBlock, tRef: number): References {
  const cells = readCells(model.nodes, block);
  despikeCells(model.params, cells);
  return referencesOf(cells, tRef, tRef + model.params.referenceWindowHours * HOUR);
}

/** Medians of the despiked valid (not held) angles with tRef ≤ t < end, per node. */
export function referencesOf(cells: Cells, tRef: number, end: number): References {
  const { nodeCount, timestamps, flags, alphaX, alphaY } = cells;
  const refX = new Float64Array(nodeCount).fill(Number.NaN);
  const refY = new Float64Array(nodeCount).fill(Number.NaN);
  let first = 0;
  while (first < timestamps.length && !(timestamps[first]! >= tRef)) first++;
  let stop = first;
  while (stop < timestamps.length && timestamps[stop]! < end) stop++;
  const valuesX = new Float64Array(stop - first);
  const valuesY = new Float64Array(stop - first);
  for (let k = 0; k < nodeCount; k++) {
    let n = 0;
    for (let i = first; i < stop; i++) {
      const cell = i * nodeCount + k;
      if ((flags[cell]! & FLAG_INVALID) !== 0) continue;
      valuesX[n] = alphaX[cell]!;
      valuesY[n] = alphaY[cell]!;
      n++;
    }
    if (n === 0) continue;
    refX[k] = medianInPlace(valuesX, n);
    refY[k] = medianInPlace(valuesY, n);
  }
  return { refX, refY };
}
