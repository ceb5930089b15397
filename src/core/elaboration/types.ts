/**
 * Inputs and outputs of the elaboration (ELABORATION.md v2). Everything here
 * is plain data over typed arrays, so a block can be posted to a worker
 * thread without copying object graphs.
 */
import type { Metric } from '../domain/alarms.ts';

/** Per-chain parameters with defaults applied (ELABORATION.md §2). Times in seconds. */
export interface ChainParams {
  fixedEnd: 'bottom' | 'top';
  /** epoch seconds, or null = first chain timestamp */
  referenceTime: number | null;
  referenceWindowHours: number;
  despikeWindow: number;
  despikeNSigma: number;
  despikeMinSigmaDeg: number;
  despikeLookbackHours: number;
  holdLastValidHours: number;
  velocityWindowHours: number;
  /** §4 v2: a raw level counts once it has held this long */
  alarmOnDelayHours: number;
  /** §4 v2: a level is released once the confirmed level has stayed lower this long */
  alarmOffDelayHours: number;
}

/** An enabled node with defaults applied. */
export interface NodeParams {
  nodeIndex: number;
  depthM: number;
  lengthMm: number;
  offsetX: number;
  gainX: number;
  offsetY: number;
  gainY: number;
  offsetZ: number | null;
  gainZ: number | null;
  tempOffset: number;
  tempGain: number;
  tempCoeffX: number;
  tempCoeffY: number;
  tempRef: number;
  fullScaleCounts: number;
}

export interface Threshold {
  /** null = every node */
  nodeIndex: number | null;
  metric: Metric;
  level: 1 | 2 | 3;
  value: number;
}

/** A validated chain: enabled nodes sorted by nodeIndex ascending. */
export interface ChainModel {
  params: ChainParams;
  nodes: NodeParams[];
  thresholds: Threshold[];
}

/**
 * Raw readings laid out densely, time-major: cell (i, k) = timestamp i, node
 * k (k indexes ChainModel.nodes) is at i * nodeCount + k.
 */
export interface RawBlock {
  nodeCount: number;
  /** the chain timestamps, ascending, epoch seconds */
  timestamps: Float64Array;
  /** 1 when a raw row exists for the cell */
  present: Uint8Array;
  /** NaN = SQL NULL; non-finite values are data (invalid readings) */
  rawX: Float64Array;
  rawY: Float64Array;
  rawZ: Float64Array;
  rawT: Float64Array;
  /** SQL NULL = 0 */
  errorCode: Int32Array;
}

/** Reference angles per node (NaN = the node has no reference, §3.9). */
export interface References {
  refX: Float64Array;
  refY: Float64Array;
}

/** Output cells, time-major like RawBlock; NaN = SQL NULL. */
export interface OutputBlock {
  nodeCount: number;
  timestamps: Float64Array;
  alphaX: Float64Array;
  alphaY: Float64Array;
  temperature: Float64Array;
  dispX: Float64Array;
  dispY: Float64Array;
  cumX: Float64Array;
  cumY: Float64Array;
  cumR: Float64Array;
  velR: Float64Array;
  flags: Int32Array;
}
