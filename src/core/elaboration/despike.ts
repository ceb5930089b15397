/**
 * Step 7 of §3: a trailing Hampel filter per node and axis over the valid
 * samples. Each node keeps its last despikeWindow − 1 valid samples (time and
 * compensated angles before replacement) in a ring, so a window costs a scan
 * of at most despikeWindow − 1 entries and no allocation.
 */

import { FLAG_INVALID, FLAG_SPIKE_X, FLAG_SPIKE_Y } from '../domain/flags.ts';
import type { Cells } from './cells.ts';
import { insertionSort, medianAbsDeviation, medianOfSorted } from './median.ts';
import { type DespikeState, emptyDespikeState } from './state.ts';
import type { ChainParams } from './types.ts';
import { HOUR } from './units.ts';

/** MAD to standard deviation for normally distributed noise. */
const MAD_TO_SIGMA = 1.4826;

/**
 * Replaces the outliers of the valid cells' angles by their window's median,
 * flagging SPIKE_X/SPIKE_Y. `state` holds the rings the previous chunk left
 * (updated in place); without it the rings start empty.
 */
export function despikeCells(
  params: ChainParams,
  cells: Cells,
  state: DespikeState | null = emptyDespikeState(cells.nodeCount, params.despikeWindow),
): void {
  const size = params.despikeWindow;
  // No window can fill: every sample is kept as is.
  if (size <= 1 || state === null) return;
  const count = cells.timestamps.length;
  const { nodeCount, timestamps, flags, alphaX, alphaY } = cells;
  const lookback = params.despikeLookbackHours * HOUR;
  const nSigma = params.despikeNSigma;
  const minSigma = params.despikeMinSigmaDeg;
  const { capacity, ringT, ringX, ringY, ringNext, ringCount } = state;
  const winX = new Float64Array(size);
  const winY = new Float64Array(size);
  for (let i = 0, cell = 0; i < count; i++) {
    const t = timestamps[i]!;
    const cutoff = t - lookback;
    for (let k = 0; k < nodeCount; k++, cell++) {
      if ((flags[cell]! & FLAG_INVALID) !== 0) continue;
      const x = alphaX[cell]!;
      const y = alphaY[cell]!;
      winX[0] = x;
      winY[0] = y;
      // Newest first; the ring is in time order, so the first sample at or before the cutoff ends the scan.
      let filled = 1;
      let slot = ringNext[k]!;
      const base = k * capacity;
      for (let m = ringCount[k]!; m > 0; m--) {
        slot = slot === 0 ? capacity - 1 : slot - 1;
        if (!(ringT[base + slot]! > cutoff)) break;
        winX[filled] = ringX[base + slot]!;
        winY[filled] = ringY[base + slot]!;
        filled++;
      }
      // The ring keeps the values before replacement: the filter is not recursive.
      const next = ringNext[k]!;
      ringT[base + next] = t;
      ringX[base + next] = x;
      ringY[base + next] = y;
      ringNext[k] = next + 1 === capacity ? 0 : next + 1;
      if (ringCount[k]! < capacity) ringCount[k] = ringCount[k]! + 1;
      if (filled < size) continue;
      const replaceX = hampelReplacement(winX, size, x, nSigma, minSigma);
      if (!Number.isNaN(replaceX)) {
        alphaX[cell] = replaceX;
        flags[cell] = flags[cell]! | FLAG_SPIKE_X;
      }
      const replaceY = hampelReplacement(winY, size, y, nSigma, minSigma);
      if (!Number.isNaN(replaceY)) {
        alphaY[cell] = replaceY;
        flags[cell] = flags[cell]! | FLAG_SPIKE_Y;
      }
    }
  }
}

/**
 * The Hampel test of x against window[0..n) (x included): the window's median
 * when x is an outlier, NaN when x is kept. Sorts `window` in place.
 */
export function hampelReplacement(
  window: Float64Array,
  n: number,
  x: number,
  nSigma: number,
  minSigma: number,
): number {
  insertionSort(window, n);
  const med = medianOfSorted(window, n);
  const sigma = Math.max(MAD_TO_SIGMA * medianAbsDeviation(window, n, med), minSigma);
  return Math.abs(x - med) > nSigma * sigma ? med : Number.NaN;
}
