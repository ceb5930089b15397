/**
 * §4: alarm levels per metric and the events where a chain's level changes.
 */

import { type AlarmEvent, METRICS, type Metric } from '../domain/alarms.ts';
import type { Cells } from './cells.ts';
import type { ChainModel, References } from './types.ts';

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
 * METRICS. The levels before outputFrom are computed from the context rows,
 * and the level before index 0 is 0.
 */
export function alarmEvents(model: ChainModel, inputs: MetricInputs, outputFrom: number): AlarmEvent[] {
  const tables = METRICS.map((metric) => thresholdTable(model, metric)).filter((t) => t.values.length > 0);
  const previous = new Int32Array(tables.length);
  const events: AlarmEvent[] = [];
  const { timestamps, nodeCount } = inputs.cells;
  for (let i = 0; i < timestamps.length; i++) {
    for (let m = 0; m < tables.length; m++) {
      const table = tables[m]!;
      const row = i * nodeCount;
      const worst = worstNode(table, inputs, row, nodeCount);
      const level = worst < 0 ? 0 : nodeLevel(table, worst, metricValue(table.metric, inputs, row + worst));
      if (level !== previous[m] && i >= outputFrom) {
        events.push({
          metric: table.metric,
          timestamp: timestamps[i]!,
          level,
          previousLevel: previous[m]!,
          nodeIndex: level === 0 ? null : model.nodes[worst]!.nodeIndex,
          value: level === 0 ? null : metricValue(table.metric, inputs, row + worst),
        });
      }
      previous[m] = level;
    }
  }
  return events;
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

/**
 * Index k of the node with the chain's level at this row (the lowest
 * nodeIndex reaching the maximum), or −1 when every node is at level 0.
 */
function worstNode(table: ThresholdTable, inputs: MetricInputs, row: number, nodeCount: number): number {
  let worst = -1;
  let worstLevel = 0;
  for (let k = 0; k < nodeCount; k++) {
    const level = nodeLevel(table, k, metricValue(table.metric, inputs, row + k));
    // Strictly greater: on a tie the earlier (lower nodeIndex) node stays the worst.
    if (level > worstLevel) {
      worst = k;
      worstLevel = level;
    }
  }
  return worst;
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
