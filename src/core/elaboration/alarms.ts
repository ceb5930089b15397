/**
 * §4 (v2): raw levels per node and chain, the on-delay's confirmed level, the
 * off-delay's chain level, and the events where a chain's level changes.
 */

import { type AlarmEvent, METRICS, type Metric } from '../domain/alarms.ts';
import type { Cells } from './cells.ts';
import { type AlarmState, emptyAlarmState } from './state.ts';
import type { ChainModel, References } from './types.ts';
import { HOUR } from './units.ts';

/** The per-cell values the metrics are compared with. */
export interface MetricInputs {
  cells: Cells;
  refs: References;
  cumR: Float64Array;
  velR: Float64Array;
}

/**
 * The thresholds of one metric applicable to each node (k indexes the
 * model's nodes): entries offsets[k]..offsets[k+1] of values/levels.
 */
export interface ThresholdTable {
  metric: Metric;
  offsets: Int32Array;
  values: Float64Array;
  levels: Int32Array;
}

/**
 * Events at timestamp indices ≥ outputFrom, ordered by timestamp then
 * METRICS. `states` (one per evaluated metric, see alarmTables) carries the
 * levels and delay windows the previous chunk left and is updated in place;
 * without it every level starts at 0 with empty windows (the chain's first
 * timestamp, or the start of a run's look-back context).
 */
export function alarmEvents(
  model: ChainModel,
  inputs: MetricInputs,
  outputFrom: number,
  states: AlarmState[] = alarmTables(model).map(() => emptyAlarmState()),
): AlarmEvent[] {
  const tables = alarmTables(model);
  const onDelay = model.params.alarmOnDelayHours * HOUR;
  const offDelay = model.params.alarmOffDelayHours * HOUR;
  const events: AlarmEvent[] = [];
  const { timestamps, nodeCount } = inputs.cells;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    const row = i * nodeCount;
    for (let m = 0; m < tables.length; m++) {
      const table = tables[m]!;
      const state = states[m]!;
      const raw = rawChainLevel(table, inputs, row, nodeCount);
      const confirmed = pushWindow(state.rawT, state.rawLevel, t, raw, t - onDelay, 'min');
      const level = pushWindow(state.confirmedT, state.confirmedLevel, t, confirmed, t - offDelay, 'max');
      if (level !== state.level && i >= outputFrom) {
        const k = level === 0 ? -1 : firstNodeAtLeast(table, inputs, row, nodeCount, level);
        events.push({
          metric: table.metric,
          timestamp: t,
          level,
          previousLevel: state.level,
          nodeIndex: k < 0 ? null : model.nodes[k]!.nodeIndex,
          value: k < 0 ? null : metricValue(table.metric, inputs, row + k),
        });
      }
      state.level = level;
    }
  }
  return events;
}

/** The thresholds of each metric that has any on the chain, in METRICS order. */
export function alarmTables(model: ChainModel): ThresholdTable[] {
  return METRICS.map((metric) => thresholdTable(model, metric)).filter((t) => t.values.length > 0);
}

/**
 * Adds (t, value) to a monotonic window and returns the window's minimum
 * (or maximum) over the entries at times ≥ since. The window keeps only
 * entries that can still be the extreme of a later window, so it stays short
 * and is exactly the history the next chunk needs.
 */
function pushWindow(
  times: number[],
  values: number[],
  t: number,
  value: number,
  since: number,
  kind: 'min' | 'max',
): number {
  // An older entry that is not better than the new one can never be the extreme again.
  while (values.length > 0 && (kind === 'min' ? values.at(-1)! >= value : values.at(-1)! <= value)) {
    times.pop();
    values.pop();
  }
  times.push(t);
  values.push(value);
  let drop = 0;
  // The window is closed: an entry exactly at t − delay still counts.
  while (times[drop]! < since) drop++;
  if (drop > 0) {
    times.splice(0, drop);
    values.splice(0, drop);
  }
  return values[0]!;
}

/** R(t): the highest raw level of any node at this row. */
function rawChainLevel(table: ThresholdTable, inputs: MetricInputs, row: number, nodeCount: number): number {
  let level = 0;
  for (let k = 0; k < nodeCount; k++) {
    const nodeLevelK = nodeLevel(table, k, metricValue(table.metric, inputs, row + k));
    if (nodeLevelK > level) level = nodeLevelK;
  }
  return level;
}

/** Index k of the lowest nodeIndex whose raw level at this row is ≥ level, or −1 (possible while an off-delay holds). */
function firstNodeAtLeast(
  table: ThresholdTable,
  inputs: MetricInputs,
  row: number,
  nodeCount: number,
  level: number,
): number {
  for (let k = 0; k < nodeCount; k++) {
    if (nodeLevel(table, k, metricValue(table.metric, inputs, row + k)) >= level) return k;
  }
  return -1;
}

/** The applicable thresholds of `metric` per node: the chain-wide ones and the node's own. */
export function thresholdTable(model: ChainModel, metric: Metric): ThresholdTable {
  const offsets = new Int32Array(model.nodes.length + 1);
  const values: number[] = [];
  const levels: number[] = [];
  model.nodes.forEach((node, k) => {
    for (const threshold of model.thresholds) {
      if (threshold.metric !== metric) continue;
      if (threshold.nodeIndex !== null && threshold.nodeIndex !== node.nodeIndex) continue;
      values.push(threshold.value);
      levels.push(threshold.level);
    }
    offsets[k + 1] = values.length;
  });
  return { metric, offsets, values: Float64Array.from(values), levels: Int32Array.from(levels) };
}

/** The highest level among node k's thresholds whose value is ≤ value; 0 for none or a null value. */
export function nodeLevel(table: ThresholdTable, k: number, value: number): number {
  let level = 0;
  const end = table.offsets[k + 1]!;
  for (let e = table.offsets[k]!; e < end; e++) {
    // value NaN (null) compares false: level 0.
    if (table.values[e]! <= value && table.levels[e]! > level) level = table.levels[e]!;
  }
  return level;
}

/** The value a metric compares at a cell (NaN = null). */
export function metricValue(metric: Metric, inputs: MetricInputs, cell: number): number {
  if (metric === 'cumulative_mm') return inputs.cumR[cell]!;
  if (metric === 'velocity_mm_per_day') return inputs.velR[cell]!;
  const k = cell % inputs.cells.nodeCount;
  return Math.max(
    Math.abs(inputs.cells.alphaX[cell]! - inputs.refs.refX[k]!),
    Math.abs(inputs.cells.alphaY[cell]! - inputs.refs.refY[k]!),
  );
}
