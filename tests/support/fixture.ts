/** A small, hand-made chain for tests: a few 2-axis nodes at 10-minute steps. */
import type { ChainKey, NodeRow, RawColumns, StationRow } from '../../src/core/store/port.ts';

export const T0 = Date.UTC(2026, 9, 1) / 1000;
export const STEP = 600;

export function station(key: ChainKey, patch: Partial<StationRow> = {}): StationRow {
  return {
    ...key,
    siteName: 'fixture',
    active: 1,
    fixedEnd: 'bottom',
    referenceTime: null,
    referenceWindowHours: null,
    despikeWindow: null,
    despikeNSigma: null,
    despikeMinSigmaDeg: null,
    despikeLookbackHours: null,
    holdLastValidHours: null,
    velocityWindowHours: null,
    ...patch,
  };
}

export function node(key: ChainKey, nodeIndex: number, patch: Partial<NodeRow> = {}): NodeRow {
  return {
    ...key,
    nodeIndex,
    depthM: nodeIndex,
    lengthMm: 1000,
    offsetX: 0,
    gainX: 1 / 16384,
    offsetY: 0,
    gainY: 1 / 16384,
    offsetZ: null,
    gainZ: null,
    tempOffset: 0,
    tempGain: 0.01,
    tempCoeffX: 0,
    tempCoeffY: 0,
    tempRef: 20,
    fullScaleCounts: 32767,
    enabled: 1,
    ...patch,
  };
}

/** Raw rows for nodes × timestamps; `value(i, nodeIndex)` gives rawX (rawY = rawX / 2, rawT = 2000). */
export function raw(
  nodes: number[],
  timestamps: number,
  value: (i: number, nodeIndex: number) => number = (i, n) => 100 + i + n,
): RawColumns {
  const n = nodes.length * timestamps;
  const rows: RawColumns = {
    length: n,
    timestamp: new Float64Array(n),
    nodeIndex: new Int32Array(n),
    rawX: new Float64Array(n),
    rawY: new Float64Array(n),
    rawZ: new Float64Array(n).fill(Number.NaN),
    rawT: new Float64Array(n).fill(2000),
    errorCode: new Int32Array(n),
  };
  let r = 0;
  for (let i = 0; i < timestamps; i++) {
    for (const nodeIndex of nodes) {
      rows.timestamp[r] = T0 + i * STEP;
      rows.nodeIndex[r] = nodeIndex;
      rows.rawX[r] = value(i, nodeIndex);
      rows.rawY[r] = value(i, nodeIndex) / 2;
      r++;
    }
  }
  return rows;
}
