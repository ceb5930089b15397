/**
 * From the stored configuration of a chain to a validated ChainModel
 * (ELABORATION.md §2). A chain whose configuration cannot be elaborated fails
 * here, before anything is read or written, with a message that names the
 * chain, node and column and tells the operator what to enter.
 */

import { METRICS } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { ChainSetup, NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import { CatenaError } from '../errors.ts';
import type { ChainModel, ChainParams, NodeParams, Threshold } from './types.ts';
import { HOUR } from './units.ts';

export const STATION_DEFAULTS = {
  fixedEnd: 'bottom',
  referenceWindowHours: 24,
  despikeWindow: 7,
  despikeNSigma: 3.0,
  despikeMinSigmaDeg: 0.01,
  despikeLookbackHours: 48,
  holdLastValidHours: 2,
  velocityWindowHours: 24,
  alarmOnDelayHours: 0,
  alarmOffDelayHours: 0,
} as const;

export const NODE_DEFAULTS = {
  lengthMm: 1000,
  tempCoeffX: 0,
  tempCoeffY: 0,
  tempRef: 20,
  fullScaleCounts: 32767,
  enabled: 1,
} as const;

const STATIONS = 'active_stations';
const NODES = 'rsn_nodes';
const THRESHOLDS = 'rsn_thresholds';

/** Validates a chain's stored configuration and applies the defaults of §2. */
export function buildChainModel(setup: ChainSetup): ChainModel {
  const key: ChainKey = { controlUnitCode: setup.station.controlUnitCode, chain: setup.station.chain };
  const params = chainParams(key, setup.station);
  const nodes = setup.nodes
    .filter((row) => row.enabled !== 0)
    .sort((a, b) => a.nodeIndex - b.nodeIndex)
    .map((row) => nodeParams(key, row));
  if (nodes.length === 0) {
    throw new CatenaError(
      'CHAIN_CONFIG',
      `chain ${chainLabel(key)} has no enabled node in ${NODES}; enable at least one node (enabled = 1) or deactivate the chain`,
      { ...key, column: 'enabled', table: NODES },
    );
  }
  rejectDuplicateNodes(key, setup.nodes);
  const thresholds = setup.thresholds.map((row) => threshold(key, row));
  return { params, nodes, thresholds };
}

/**
 * A node listed twice (a legacy rsn_nodes without a primary key) has two
 * calibrations: which one applies cannot be guessed, and using both would add
 * its displacement twice into every cumulative sum.
 */
function rejectDuplicateNodes(key: ChainKey, nodes: readonly NodeRow[]): void {
  const seen = new Map<number, number>();
  for (const row of nodes) seen.set(row.nodeIndex, (seen.get(row.nodeIndex) ?? 0) + 1);
  const repeated = [...seen].filter(([, count]) => count > 1).sort(([a], [b]) => a - b);
  if (repeated.length === 0) return;
  const [nodeIndex] = repeated[0]!;
  const list = repeated.map(([n, c]) => `node ${n} (${c} rows)`).join(', ');
  throw new CatenaError(
    'CHAIN_CONFIG',
    `chain ${chainLabel(key)}: ${list} appear${repeated.length === 1 ? 's' : ''} more than once in ${NODES}; ` +
      'keep one row per node (delete the others, and give the table a primary key) and launch again',
    { ...key, nodeIndex, column: 'nodeIndex', table: NODES },
  );
}

/**
 * How far before the first output timestamp's predecessor t_p a run must load
 * raw history (§5 v2): the chain level at t_p depends on confirmed levels an
 * off-delay earlier, each on raw levels an on-delay before that; a velocity
 * there needs a velocity window, whose first point may be held from a sample
 * a hold span earlier, whose despike looks back once more.
 */
export function contextSeconds(params: ChainParams): number {
  return (
    (params.alarmOffDelayHours +
      params.alarmOnDelayHours +
      params.velocityWindowHours +
      params.holdLastValidHours +
      params.despikeLookbackHours) *
    HOUR
  );
}

/** The raw span the references need (§3.9): the window plus its despike look-back. */
export function referenceLoadSpan(params: ChainParams, tRef: number): { from: number; toExclusive: number } {
  return {
    from: tRef - params.despikeLookbackHours * HOUR,
    toExclusive: tRef + params.referenceWindowHours * HOUR,
  };
}

function chainParams(key: ChainKey, row: StationRow): ChainParams {
  const fixedEnd = row.fixedEnd ?? STATION_DEFAULTS.fixedEnd;
  if (fixedEnd !== 'bottom' && fixedEnd !== 'top') {
    throw stationError(
      key,
      'fixedEnd',
      `fixedEnd is '${fixedEnd}' in ${STATIONS}; set it to 'bottom' or 'top' (empty means bottom)`,
    );
  }
  const despikeWindow = stationNumber(key, row, 'despikeWindow');
  if (!Number.isInteger(despikeWindow)) {
    throw stationError(
      key,
      'despikeWindow',
      `despikeWindow is ${despikeWindow} in ${STATIONS}; it must be a whole number of samples (empty means ${STATION_DEFAULTS.despikeWindow})`,
    );
  }
  const referenceTime = row.referenceTime;
  if (referenceTime !== null && !Number.isFinite(referenceTime)) {
    throw stationError(
      key,
      'referenceTime',
      `referenceTime is not a valid time in ${STATIONS}; enter the zero reading's date or leave it empty for the first reading`,
    );
  }
  return {
    fixedEnd,
    referenceTime,
    referenceWindowHours: bounded(key, row, 'referenceWindowHours', 'positive'),
    despikeWindow,
    despikeNSigma: bounded(key, row, 'despikeNSigma', 'positive'),
    despikeMinSigmaDeg: bounded(key, row, 'despikeMinSigmaDeg', 'not negative'),
    despikeLookbackHours: bounded(key, row, 'despikeLookbackHours', 'not negative'),
    holdLastValidHours: bounded(key, row, 'holdLastValidHours', 'not negative'),
    velocityWindowHours: bounded(key, row, 'velocityWindowHours', 'not negative'),
    alarmOnDelayHours: alarmDelay(key, row, 'alarmOnDelayHours'),
    alarmOffDelayHours: alarmDelay(key, row, 'alarmOffDelayHours'),
  };
}

const WHY: Record<Exclude<StationNumberColumn, 'alarmOnDelayHours' | 'alarmOffDelayHours'>, string> = {
  referenceWindowHours: 'the zero reading is averaged over this many hours',
  despikeWindow: 'samples per despike window',
  despikeNSigma: 'a spike is a sample further than this many σ from its window',
  despikeMinSigmaDeg: 'the smallest σ the despike test uses',
  despikeLookbackHours: 'how far back a despike window reaches',
  holdLastValidHours: 'how long a dropout repeats the last valid reading',
  velocityWindowHours: 'the velocity is fitted over this many hours',
};

/**
 * A chain number that must be positive (or not negative): a negative window
 * or σ factor would flag or hold everything and still report success.
 */
function bounded(
  key: ChainKey,
  row: StationRow,
  column: keyof typeof WHY,
  rule: 'positive' | 'not negative',
): number {
  const value = stationNumber(key, row, column);
  if (rule === 'positive' ? value > 0 : value >= 0) return value;
  throw stationError(
    key,
    column,
    `${column} is ${value} in ${STATIONS}; it must be ${rule === 'positive' ? 'greater than 0' : '0 or more'} ` +
      `(${WHY[column]}): enter a sensible value, or leave it empty for ${STATION_DEFAULTS[column]}`,
  );
}

/** An alarm delay (§2 v2): a level cannot be confirmed before it happens, so a negative delay is refused. */
function alarmDelay(
  key: ChainKey,
  row: StationRow,
  column: 'alarmOnDelayHours' | 'alarmOffDelayHours',
): number {
  const value = stationNumber(key, row, column);
  if (value < 0) {
    throw stationError(
      key,
      column,
      `${column} is ${value} in ${STATIONS}; a delay cannot be negative: enter hours ≥ 0, or leave it empty for 0 (no delay)`,
    );
  }
  return value;
}

type StationNumberColumn = Exclude<keyof typeof STATION_DEFAULTS, 'fixedEnd'>;

/** A chain parameter with its default; a non-finite stored value would poison every output. */
function stationNumber(key: ChainKey, row: StationRow, column: StationNumberColumn): number {
  const value = row[column] ?? STATION_DEFAULTS[column];
  if (!Number.isFinite(value)) {
    throw stationError(
      key,
      column,
      `${column} is ${value} in ${STATIONS}; enter a finite number or leave it empty for ${STATION_DEFAULTS[column]}`,
    );
  }
  return value;
}

function stationError(key: ChainKey, column: string, what: string): CatenaError {
  return new CatenaError('CHAIN_CONFIG', `chain ${chainLabel(key)}: ${what}`, {
    ...key,
    column,
    table: STATIONS,
  });
}

type RequiredNodeColumn = 'depthM' | 'offsetX' | 'gainX' | 'offsetY' | 'gainY' | 'tempOffset' | 'tempGain';
type DefaultedNodeColumn = Exclude<keyof typeof NODE_DEFAULTS, 'enabled'>;

const WHAT_TO_ENTER: Record<RequiredNodeColumn, string> = {
  depthM: "enter the node's position along the chain in metres",
  offsetX: "enter the calibration sheet's value",
  gainX: "enter the calibration sheet's value",
  offsetY: "enter the calibration sheet's value",
  gainY: "enter the calibration sheet's value",
  tempOffset: "enter the calibration sheet's value",
  tempGain: "enter the calibration sheet's value",
};

function nodeParams(key: ChainKey, row: NodeRow): NodeParams {
  const node: NodeParams = {
    nodeIndex: row.nodeIndex,
    depthM: requiredNumber(key, row, 'depthM'),
    lengthMm: defaultedNumber(key, row, 'lengthMm'),
    offsetX: requiredNumber(key, row, 'offsetX'),
    gainX: requiredNumber(key, row, 'gainX'),
    offsetY: requiredNumber(key, row, 'offsetY'),
    gainY: requiredNumber(key, row, 'gainY'),
    offsetZ: optionalNumber(key, row, 'offsetZ'),
    gainZ: optionalNumber(key, row, 'gainZ'),
    tempOffset: requiredNumber(key, row, 'tempOffset'),
    tempGain: requiredNumber(key, row, 'tempGain'),
    tempCoeffX: defaultedNumber(key, row, 'tempCoeffX'),
    tempCoeffY: defaultedNumber(key, row, 'tempCoeffY'),
    tempRef: defaultedNumber(key, row, 'tempRef'),
    fullScaleCounts: defaultedNumber(key, row, 'fullScaleCounts'),
  };
  for (const column of ['gainX', 'gainY'] as const) {
    if (node[column] === 0) {
      throw nodeError(
        key,
        row,
        column,
        `${column} is 0 in ${NODES}, which turns every reading into 0 g; enter the calibration sheet's value`,
      );
    }
  }
  if (!(node.lengthMm > 0)) {
    throw nodeError(
      key,
      row,
      'lengthMm',
      `lengthMm is ${node.lengthMm} in ${NODES}; enter the positive gauge length in millimetres (empty means ${NODE_DEFAULTS.lengthMm})`,
    );
  }
  return node;
}

function requiredNumber(key: ChainKey, row: NodeRow, column: RequiredNodeColumn): number {
  const value = row[column];
  if (value === null) {
    throw nodeError(key, row, column, `${column} is null in ${NODES}; ${WHAT_TO_ENTER[column]}`);
  }
  return finiteNodeNumber(key, row, column, value);
}

function defaultedNumber(key: ChainKey, row: NodeRow, column: DefaultedNodeColumn): number {
  return finiteNodeNumber(key, row, column, row[column] ?? NODE_DEFAULTS[column]);
}

function optionalNumber(key: ChainKey, row: NodeRow, column: 'offsetZ' | 'gainZ'): number | null {
  const value = row[column];
  return value === null ? null : finiteNodeNumber(key, row, column, value);
}

function finiteNodeNumber(key: ChainKey, row: NodeRow, column: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw nodeError(key, row, column, `${column} is ${value} in ${NODES}; enter a finite number`);
  }
  return value;
}

function nodeError(key: ChainKey, row: NodeRow, column: string, what: string): CatenaError {
  return new CatenaError('CHAIN_CONFIG', `chain ${chainLabel(key)}, node ${row.nodeIndex}: ${what}`, {
    ...key,
    nodeIndex: row.nodeIndex,
    column,
    table: NODES,
  });
}

function threshold(key: ChainKey, row: ThresholdRow): Threshold {
  const metric = METRICS.find((m) => m === row.metric);
  if (metric === undefined) {
    throw thresholdError(
      key,
      row,
      'metric',
      `metric '${row.metric}'; use ${METRICS.join(', ')} (ELABORATION.md §4)`,
    );
  }
  const level = row.level;
  if (level !== 1 && level !== 2 && level !== 3) {
    throw thresholdError(key, row, 'level', `level ${level}; use 1 (attention), 2 (pre-alarm) or 3 (alarm)`);
  }
  if (!Number.isFinite(row.value)) {
    throw thresholdError(key, row, 'value', `value ${row.value}; enter a finite number`);
  }
  return { nodeIndex: row.nodeIndex, metric, level, value: row.value };
}

function thresholdError(key: ChainKey, row: ThresholdRow, column: string, what: string): CatenaError {
  const node = row.nodeIndex === null ? '' : ` for node ${row.nodeIndex}`;
  return new CatenaError(
    'CHAIN_CONFIG',
    `chain ${chainLabel(key)}: threshold ${row.id}${node} in ${THRESHOLDS} has ${what}`,
    row.nodeIndex === null
      ? { ...key, column, table: THRESHOLDS }
      : { ...key, nodeIndex: row.nodeIndex, column, table: THRESHOLDS },
  );
}
