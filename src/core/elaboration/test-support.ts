/**
 * Builders for the elaboration's tests: configurations in the stored shape
 * (so the tests go through buildChainModel), raw blocks written as readings
 * in g, and working columns written as angles. Not used by production code.
 */
import type { ChainSetup, NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import { FLAG_INVALID } from '../domain/flags.ts';
import type { Cells } from './cells.ts';
import { buildChainModel } from './config.ts';
import type { ChainModel, ChainParams, RawBlock } from './types.ts';

export const KEY = { controlUnitCode: 'CU001', chain: 'A' } as const;

/** Counts per g of the test nodes: a power of two, so g values like 0.5 are exact. */
export const COUNTS_PER_G = 1024;

export { HOUR } from './units.ts';

export function stationRow(overrides: Partial<StationRow> = {}): StationRow {
  return {
    ...KEY,
    siteName: null,
    active: 1,
    fixedEnd: null,
    referenceTime: null,
    referenceWindowHours: null,
    despikeWindow: null,
    despikeNSigma: null,
    despikeMinSigmaDeg: null,
    despikeLookbackHours: null,
    holdLastValidHours: null,
    velocityWindowHours: null,
    alarmOnDelayHours: null,
    alarmOffDelayHours: null,
    staleAfterHours: null,
    ...overrides,
  };
}

/** A 2-axis node: offsets 0, gains 1/1024 g per count, T = rawT °C, defaults elsewhere. */
export function nodeRow(nodeIndex: number, overrides: Partial<NodeRow> = {}): NodeRow {
  return {
    ...KEY,
    nodeIndex,
    depthM: nodeIndex,
    lengthMm: null,
    offsetX: 0,
    gainX: 1 / COUNTS_PER_G,
    offsetY: 0,
    gainY: 1 / COUNTS_PER_G,
    offsetZ: null,
    gainZ: null,
    tempOffset: 0,
    tempGain: 1,
    tempCoeffX: null,
    tempCoeffY: null,
    tempRef: null,
    fullScaleCounts: null,
    enabled: 1,
    ...overrides,
  };
}

export type ThresholdSpec = Pick<ThresholdRow, 'metric' | 'level' | 'value'> & { nodeIndex?: number | null };

export function setupOf(
  station: Partial<StationRow>,
  nodes: NodeRow[],
  thresholds: ThresholdSpec[] = [],
): ChainSetup {
  return {
    station: stationRow(station),
    nodes,
    thresholds: thresholds.map((t, i) => ({ ...KEY, id: i + 1, nodeIndex: t.nodeIndex ?? null, ...t })),
  };
}

/** A model of `nodeCount` default nodes (or the given rows) through buildChainModel. */
export function modelOf(
  station: Partial<StationRow> = {},
  nodes: number | NodeRow[] = 1,
  thresholds: ThresholdSpec[] = [],
): ChainModel {
  const rows = typeof nodes === 'number' ? Array.from({ length: nodes }, (_, k) => nodeRow(k + 1)) : nodes;
  return buildChainModel(setupOf(station, rows, thresholds));
}

export function paramsOf(overrides: Partial<StationRow> = {}): ChainParams {
  return modelOf(overrides).params;
}

/** One raw row; counts are NaN for SQL NULL. */
export interface Reading {
  rawX: number;
  rawY: number;
  rawZ?: number;
  rawT?: number;
  errorCode?: number;
}

/** A reading of the test nodes tilted by gX, gY (in g), at 20 °C (= the default tempRef). */
export function g(x: number, y = 0, z?: number): Reading {
  const reading: Reading = { rawX: x * COUNTS_PER_G, rawY: y * COUNTS_PER_G, rawT: 20 };
  if (z !== undefined) reading.rawZ = z * COUNTS_PER_G;
  return reading;
}

/** rows[i][k] is node k's reading at timestamps[i]; null = no raw row. */
export function rawBlockOf(
  timestamps: readonly number[],
  rows: readonly (readonly (Reading | null)[])[],
): RawBlock {
  const nodeCount = rows[0]?.length ?? 0;
  const size = nodeCount * timestamps.length;
  const block: RawBlock = {
    nodeCount,
    timestamps: Float64Array.from(timestamps),
    present: new Uint8Array(size),
    rawX: new Float64Array(size).fill(Number.NaN),
    rawY: new Float64Array(size).fill(Number.NaN),
    rawZ: new Float64Array(size).fill(Number.NaN),
    rawT: new Float64Array(size).fill(Number.NaN),
    errorCode: new Int32Array(size),
  };
  rows.forEach((row, i) => {
    row.forEach((reading, k) => {
      if (reading === null) return;
      const cell = i * nodeCount + k;
      block.present[cell] = 1;
      block.rawX[cell] = reading.rawX;
      block.rawY[cell] = reading.rawY;
      block.rawZ[cell] = reading.rawZ ?? Number.NaN;
      block.rawT[cell] = reading.rawT ?? Number.NaN;
      block.errorCode[cell] = reading.errorCode ?? 0;
    });
  });
  return block;
}

/** The cells of timestamp rows [from, to) of a block, as a block of its own. */
export function sliceBlock(block: RawBlock, from: number, to: number): RawBlock {
  const n = block.nodeCount;
  return {
    nodeCount: n,
    timestamps: block.timestamps.slice(from, to),
    present: block.present.slice(from * n, to * n),
    rawX: block.rawX.slice(from * n, to * n),
    rawY: block.rawY.slice(from * n, to * n),
    rawZ: block.rawZ.slice(from * n, to * n),
    rawT: block.rawT.slice(from * n, to * n),
    errorCode: block.errorCode.slice(from * n, to * n),
  };
}

/** One node's cell: angles in degrees (null = invalid) and extra flags. */
export interface CellSpec {
  x: number | null;
  y?: number;
  temperature?: number;
  flags?: number;
}

/**
 * Working columns for the step tests; rows[i][k] is node k at timestamps[i].
 * A number is a valid cell with alphaX = that number and alphaY = 0.
 */
export function cellsOf(
  timestamps: readonly number[],
  rows: readonly (readonly (CellSpec | number | null)[])[],
): Cells {
  const nodeCount = rows[0]?.length ?? 0;
  const size = nodeCount * timestamps.length;
  const cells: Cells = {
    nodeCount,
    timestamps: Float64Array.from(timestamps),
    flags: new Int32Array(size),
    alphaX: new Float64Array(size).fill(Number.NaN),
    alphaY: new Float64Array(size).fill(Number.NaN),
    temperature: new Float64Array(size).fill(Number.NaN),
  };
  rows.forEach((row, i) => {
    row.forEach((value, k) => {
      const cell = i * nodeCount + k;
      const spec: CellSpec = typeof value === 'number' ? { x: value } : (value ?? { x: null });
      if (spec.x === null) {
        cells.flags[cell] = FLAG_INVALID | (spec.flags ?? 0);
        return;
      }
      cells.flags[cell] = spec.flags ?? 0;
      cells.alphaX[cell] = spec.x;
      cells.alphaY[cell] = spec.y ?? 0;
      cells.temperature[cell] = spec.temperature ?? 20;
    });
  });
  return cells;
}

/** The k-th node's column of a time-major array, as a plain array (NaN kept). */
export function column(values: Float64Array | Int32Array, nodeCount: number, k: number): number[] {
  const out: number[] = [];
  for (let cell = k; cell < values.length; cell += nodeCount) out.push(values[cell]!);
  return out;
}

/** Timestamps every `step` seconds from `start`. */
export function every(step: number, count: number, start = 0): number[] {
  return Array.from({ length: count }, (_, i) => start + i * step);
}
