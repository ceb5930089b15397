/**
 * The working columns the steps of §3 pass along, time-major like RawBlock:
 * cell (i, k) = timestamp i, node k at i * nodeCount + k. Each step fills or
 * rewrites them in place, so a block costs a fixed set of arrays whatever the
 * number of steps. NaN = null.
 */
export interface Cells {
  nodeCount: number;
  timestamps: Float64Array;
  /** FLAG_* bits gathered so far */
  flags: Int32Array;
  /** degrees: compensated (step 6), then despiked (step 7), then held (step 8) */
  alphaX: Float64Array;
  alphaY: Float64Array;
  /** °C (step 5), then held (step 8) */
  temperature: Float64Array;
}

export function emptyCells(nodeCount: number, timestamps: Float64Array): Cells {
  const size = nodeCount * timestamps.length;
  return {
    nodeCount,
    timestamps,
    flags: new Int32Array(size),
    alphaX: new Float64Array(size).fill(Number.NaN),
    alphaY: new Float64Array(size).fill(Number.NaN),
    temperature: new Float64Array(size).fill(Number.NaN),
  };
}
