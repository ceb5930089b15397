/** A small, hand-made chain for tests: a few 2-axis nodes at 10-minute steps. */
import type { RawColumns } from '../../src/core/domain/columns.ts';

export const T0 = Date.UTC(2026, 9, 1) / 1000;
export const STEP = 600;

// The chain configuration builders are the store suite's: one definition of a valid chain.
export { node, station } from '../store/fixtures.ts';

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
