/**
 * An independent, deliberately naive second implementation of
 * ELABORATION.md v2 (§2 defaults, §3 steps, §4 alarms with on/off delays),
 * written from the specification alone and used as a test oracle for
 * src/core/elaboration. Only production *types* are imported, never its code.
 *
 * Style on purpose: one plain object per (node, timestamp), straightforward
 * loops over the whole history, no chunking, no typed arrays, null for SQL
 * NULL. Clarity over speed (O(n · window)).
 */

import type { AlarmEvent, Metric } from '../../src/core/domain/alarms.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../../src/core/domain/configuration.ts';
import type { ChainParams, NodeParams, Threshold } from '../../src/core/elaboration/types.ts';

const HOUR = 3600;
const DAY = 86400;
const RAD_TO_DEG = 180 / Math.PI;
const DEG_TO_RAD = Math.PI / 180;

const INVALID = 1;
const SPIKE_X = 2;
const SPIKE_Y = 4;
const HELD = 8;
const NO_REFERENCE = 16;
const GRAVITY = 32;

/** One raw row; null = SQL NULL. */
export interface OracleReading {
  rawX: number | null;
  rawY: number | null;
  rawZ: number | null;
  rawT: number | null;
  errorCode: number | null;
}

/** §2 per-chain parameters with defaults applied, v2's alarm delays included (hours). */
export interface OracleParams extends ChainParams {
  alarmOnDelayHours: number;
  alarmOffDelayHours: number;
}

export interface OracleInput {
  params: OracleParams;
  /** enabled nodes (any order; sorted by nodeIndex here) */
  nodes: NodeParams[];
  thresholds: Threshold[];
  /** chain timestamps, ascending, epoch seconds */
  timestamps: number[];
  /** readings[i] maps nodeIndex → the raw row of that node at timestamps[i] (absent = no row) */
  readings: Array<Map<number, OracleReading>>;
}

export interface OracleRow {
  timestamp: number;
  nodeIndex: number;
  alphaX: number | null;
  alphaY: number | null;
  temperature: number | null;
  dispX: number | null;
  dispY: number | null;
  cumX: number | null;
  cumY: number | null;
  cumR: number | null;
  velR: number | null;
  flags: number;
}

export interface OracleOutput {
  /** ordered by timestamp, then nodeIndex */
  rows: OracleRow[];
  /** ordered by timestamp, then metric (cumulative_mm, velocity_mm_per_day, tilt_deg) */
  events: AlarmEvent[];
}

/** Per (node, timestamp) working state. */
interface Cell {
  t: number;
  valid: boolean;
  gravityFailed: boolean;
  /** compensated angles before despike (valid samples only) */
  compX: number | null;
  compY: number | null;
  /** output angles: despiked, or held */
  angleX: number | null;
  angleY: number | null;
  temperature: number | null;
  spikeX: boolean;
  spikeY: boolean;
  held: boolean;
  dispX: number | null;
  dispY: number | null;
  cumX: number | null;
  cumY: number | null;
  cumR: number | null;
  velR: number | null;
  tilt: number | null;
}

// ---------------------------------------------------------------- §2 defaults

/** §2 per-chain parameters from a stored active_stations row (no validation beyond what the oracle needs). */
export function oracleChainParams(station: StationRow): OracleParams {
  const fixedEnd = station.fixedEnd ?? 'bottom';
  if (fixedEnd !== 'bottom' && fixedEnd !== 'top') throw new Error(`oracle: bad fixedEnd ${fixedEnd}`);
  const delay = (column: string, value: number | null): number => {
    const hours = value ?? 0;
    if (!(hours >= 0) || !Number.isFinite(hours)) throw new Error(`oracle: ${column} ${hours} is not ≥ 0`);
    return hours;
  };
  return {
    fixedEnd,
    referenceTime: station.referenceTime,
    referenceWindowHours: station.referenceWindowHours ?? 24,
    despikeWindow: station.despikeWindow ?? 7,
    despikeNSigma: station.despikeNSigma ?? 3.0,
    despikeMinSigmaDeg: station.despikeMinSigmaDeg ?? 0.01,
    despikeLookbackHours: station.despikeLookbackHours ?? 48,
    holdLastValidHours: station.holdLastValidHours ?? 2,
    velocityWindowHours: station.velocityWindowHours ?? 24,
    alarmOnDelayHours: delay('alarmOnDelayHours', station.alarmOnDelayHours),
    alarmOffDelayHours: delay('alarmOffDelayHours', station.alarmOffDelayHours),
  };
}

function required(row: NodeRow, column: string, value: number | null): number {
  if (value === null) throw new Error(`oracle: node ${row.nodeIndex}: ${column} is null`);
  return value;
}

/** §2: the enabled nodes (enabled null counts as 1) with defaults applied, sorted by nodeIndex. */
export function oracleEnabledNodes(rows: NodeRow[]): NodeParams[] {
  const out: NodeParams[] = [];
  for (const row of rows) {
    const enabled = row.enabled ?? 1;
    if (enabled === 0) continue;
    out.push({
      nodeIndex: row.nodeIndex,
      depthM: required(row, 'depthM', row.depthM),
      lengthMm: row.lengthMm ?? 1000,
      offsetX: required(row, 'offsetX', row.offsetX),
      gainX: required(row, 'gainX', row.gainX),
      offsetY: required(row, 'offsetY', row.offsetY),
      gainY: required(row, 'gainY', row.gainY),
      offsetZ: row.offsetZ,
      gainZ: row.gainZ,
      tempOffset: required(row, 'tempOffset', row.tempOffset),
      tempGain: required(row, 'tempGain', row.tempGain),
      tempCoeffX: row.tempCoeffX ?? 0,
      tempCoeffY: row.tempCoeffY ?? 0,
      tempRef: row.tempRef ?? 20,
      fullScaleCounts: row.fullScaleCounts ?? 32767,
    });
  }
  out.sort((a, b) => a.nodeIndex - b.nodeIndex);
  return out;
}

export function oracleThresholds(rows: Array<Omit<ThresholdRow, 'id'>>): Threshold[] {
  return rows.map((r) => {
    if (r.metric !== 'cumulative_mm' && r.metric !== 'velocity_mm_per_day' && r.metric !== 'tilt_deg') {
      throw new Error(`oracle: bad metric ${r.metric}`);
    }
    if (r.level !== 1 && r.level !== 2 && r.level !== 3) throw new Error(`oracle: bad level ${r.level}`);
    return { nodeIndex: r.nodeIndex, metric: r.metric, level: r.level, value: r.value };
  });
}

/**
 * Builds the oracle input from stored rows: chain timestamps are the distinct
 * timestamps of raw rows of enabled nodes; rows of disabled or unknown nodes
 * are dropped. In RawColumns NaN = SQL NULL and errorCode 0 = NULL.
 */
export function oracleInputFromRows(
  station: StationRow,
  nodeRows: NodeRow[],
  thresholdRows: Array<Omit<ThresholdRow, 'id'>>,
  raw: RawColumns,
): OracleInput {
  const params = oracleChainParams(station);
  const nodes = oracleEnabledNodes(nodeRows);
  const thresholds = oracleThresholds(thresholdRows);
  const enabled = new Set(nodes.map((n) => n.nodeIndex));
  const byTime = new Map<number, Map<number, OracleReading>>();
  const nullable = (v: number): number | null => (Number.isNaN(v) ? null : v);
  for (let r = 0; r < raw.length; r++) {
    const nodeIndex = raw.nodeIndex[r]!;
    if (!enabled.has(nodeIndex)) continue;
    const t = raw.timestamp[r]!;
    let m = byTime.get(t);
    if (m === undefined) {
      m = new Map();
      byTime.set(t, m);
    }
    const code = raw.errorCode[r]!;
    m.set(nodeIndex, {
      rawX: nullable(raw.rawX[r]!),
      rawY: nullable(raw.rawY[r]!),
      rawZ: nullable(raw.rawZ[r]!),
      rawT: nullable(raw.rawT[r]!),
      errorCode: code === 0 ? null : code,
    });
  }
  const timestamps = [...byTime.keys()].sort((a, b) => a - b);
  return { params, nodes, thresholds, timestamps, readings: timestamps.map((t) => byTime.get(t)!) };
}

// ---------------------------------------------------------------- helpers

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) throw new Error('oracle: median of nothing');
  if (n % 2 === 1) return sorted[(n - 1) / 2]!;
  return (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function clamp(x: number, lo: number, hi: number): number {
  if (x < lo) return lo;
  if (x > hi) return hi;
  return x;
}

function slope(xs: number[], ys: number[]): number {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < xs.length; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / xs.length;
  const my = sy / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) * (xs[i]! - mx);
  }
  return num / den;
}

// ---------------------------------------------------------------- §3 steps 1–6

function readCell(node: NodeParams, t: number, reading: OracleReading | undefined): Cell {
  const cell: Cell = {
    t,
    valid: false,
    gravityFailed: false,
    compX: null,
    compY: null,
    angleX: null,
    angleY: null,
    temperature: null,
    spikeX: false,
    spikeY: false,
    held: false,
    dispX: null,
    dispY: null,
    cumX: null,
    cumY: null,
    cumR: null,
    velR: null,
    tilt: null,
  };
  // step 1
  if (reading === undefined) return cell;
  if (reading.errorCode !== null && reading.errorCode !== 0) return cell;
  const { rawX, rawY, rawZ, rawT } = reading;
  if (rawX === null || !Number.isFinite(rawX)) return cell;
  if (rawY === null || !Number.isFinite(rawY)) return cell;
  if (rawT === null || !Number.isFinite(rawT)) return cell;
  if (rawZ !== null && !Number.isFinite(rawZ)) return cell;
  const fs = node.fullScaleCounts;
  if (Math.abs(rawX) > fs || Math.abs(rawY) > fs) return cell;
  if (rawZ !== null && Math.abs(rawZ) > fs) return cell;
  // step 2
  const gX = (rawX - node.offsetX) * node.gainX;
  const gY = (rawY - node.offsetY) * node.gainY;
  const threeAxis = node.offsetZ !== null && node.gainZ !== null && rawZ !== null;
  let alphaXDeg: number;
  let alphaYDeg: number;
  if (threeAxis) {
    const gZ = (rawZ - node.offsetZ!) * node.gainZ!;
    // step 3
    const m = Math.sqrt(gX * gX + gY * gY + gZ * gZ);
    if (Math.abs(m - 1) > 0.1) {
      cell.gravityFailed = true;
      return cell;
    }
    // step 4
    alphaXDeg = Math.atan2(gX, Math.sqrt(gY * gY + gZ * gZ)) * RAD_TO_DEG;
    alphaYDeg = Math.atan2(gY, Math.sqrt(gX * gX + gZ * gZ)) * RAD_TO_DEG;
  } else {
    alphaXDeg = Math.asin(clamp(gX, -1, 1)) * RAD_TO_DEG;
    alphaYDeg = Math.asin(clamp(gY, -1, 1)) * RAD_TO_DEG;
  }
  // step 5
  const temperature = node.tempOffset + node.tempGain * rawT;
  // step 6
  cell.valid = true;
  cell.temperature = temperature;
  cell.compX = alphaXDeg - node.tempCoeffX * (temperature - node.tempRef);
  cell.compY = alphaYDeg - node.tempCoeffY * (temperature - node.tempRef);
  return cell;
}

// ---------------------------------------------------------------- the whole chain

export function referenceElaborate(input: OracleInput): OracleOutput {
  const { params, thresholds, timestamps } = input;
  const nodes = [...input.nodes].sort((a, b) => a.nodeIndex - b.nodeIndex);
  const nT = timestamps.length;
  const lookback = params.despikeLookbackHours * HOUR;
  const hold = params.holdLastValidHours * HOUR;
  const W = params.despikeWindow;
  const tRef = params.referenceTime ?? (nT > 0 ? timestamps[0]! : 0);
  const refEnd = tRef + params.referenceWindowHours * HOUR;

  // grid[k][i]: node k (sorted), timestamp i
  const grid: Cell[][] = [];
  const refs: Array<{ x: number; y: number } | null> = [];

  for (const node of nodes) {
    const cells: Cell[] = [];
    for (let i = 0; i < nT; i++)
      cells.push(readCell(node, timestamps[i]!, input.readings[i]!.get(node.nodeIndex)));

    // step 7: trailing Hampel over valid samples, per axis
    for (let i = 0; i < nT; i++) {
      const c = cells[i]!;
      if (!c.valid) continue;
      const windowX: number[] = [];
      const windowY: number[] = [];
      for (let j = i; j >= 0 && windowX.length < W; j--) {
        const w = cells[j]!;
        if (!(w.t > c.t - lookback)) break;
        if (!w.valid) continue;
        windowX.push(w.compX!);
        windowY.push(w.compY!);
      }
      c.angleX = c.compX;
      c.angleY = c.compY;
      if (W <= 1 || windowX.length < W) continue;
      for (const axis of ['x', 'y'] as const) {
        const win = axis === 'x' ? windowX : windowY;
        const x = axis === 'x' ? c.compX! : c.compY!;
        const med = median(win);
        const mad = median(win.map((w) => Math.abs(w - med)));
        const s = Math.max(1.4826 * mad, params.despikeMinSigmaDeg);
        if (Math.abs(x - med) > params.despikeNSigma * s) {
          if (axis === 'x') {
            c.angleX = med;
            c.spikeX = true;
          } else {
            c.angleY = med;
            c.spikeY = true;
          }
        }
      }
    }

    // step 8: hold
    for (let i = 0; i < nT; i++) {
      const c = cells[i]!;
      if (c.valid) continue;
      let last: Cell | null = null;
      for (let j = i - 1; j >= 0; j--) {
        if (cells[j]!.valid) {
          last = cells[j]!;
          break;
        }
      }
      if (last !== null && c.t - last.t <= hold) {
        c.held = true;
        c.angleX = last.angleX;
        c.angleY = last.angleY;
        c.temperature = last.temperature;
      }
    }

    // step 9: reference
    const rx: number[] = [];
    const ry: number[] = [];
    for (const c of cells) {
      if (c.valid && c.t >= tRef && c.t < refEnd) {
        rx.push(c.angleX!);
        ry.push(c.angleY!);
      }
    }
    const ref = rx.length > 0 ? { x: median(rx), y: median(ry) } : null;

    // step 10 and the tilt metric of §4
    for (const c of cells) {
      if (ref === null || c.angleX === null || c.angleY === null) continue;
      c.dispX = node.lengthMm * (Math.sin(c.angleX * DEG_TO_RAD) - Math.sin(ref.x * DEG_TO_RAD));
      c.dispY = node.lengthMm * (Math.sin(c.angleY * DEG_TO_RAD) - Math.sin(ref.y * DEG_TO_RAD));
      c.tilt = Math.max(Math.abs(c.angleX - ref.x), Math.abs(c.angleY - ref.y));
    }
    grid.push(cells);
    refs.push(ref);
  }

  // step 11: cumulative
  for (let i = 0; i < nT; i++) {
    for (let k = 0; k < nodes.length; k++) {
      let sx: number | null = 0;
      let sy: number | null = 0;
      for (let j = 0; j < nodes.length; j++) {
        const inSum = params.fixedEnd === 'bottom' ? j >= k : j <= k;
        if (!inSum) continue;
        const d = grid[j]![i]!;
        sx = sx === null || d.dispX === null ? null : sx + d.dispX;
        sy = sy === null || d.dispY === null ? null : sy + d.dispY;
      }
      const c = grid[k]![i]!;
      c.cumX = sx;
      c.cumY = sy;
      c.cumR = sx === null || sy === null ? null : Math.sqrt(sx * sx + sy * sy);
    }
  }

  // step 12: velocity
  const vw = params.velocityWindowHours * HOUR;
  for (let k = 0; k < nodes.length; k++) {
    const cells = grid[k]!;
    for (let i = 0; i < nT; i++) {
      const c = cells[i]!;
      if (c.cumX === null || c.cumY === null) continue;
      const us: number[] = [];
      const xs: number[] = [];
      const ysX: number[] = [];
      const ysY: number[] = [];
      // scan back from t while u > t − window, then put the samples in time order
      for (let j = i; j >= 0; j--) {
        const u = cells[j]!;
        if (!(u.t > c.t - vw)) break;
        if (u.cumX === null || u.cumY === null) continue;
        us.unshift(u.t);
        xs.unshift((u.t - c.t) / DAY);
        ysX.unshift(u.cumX);
        ysY.unshift(u.cumY);
      }
      if (us.length < 3) continue;
      if (!(us[us.length - 1]! - us[0]! >= vw / 2)) continue;
      const vX = slope(xs, ysX);
      const vY = slope(xs, ysY);
      c.velR = Math.sqrt(vX * vX + vY * vY);
    }
  }

  // §3 output rows
  const rows: OracleRow[] = [];
  for (let i = 0; i < nT; i++) {
    for (let k = 0; k < nodes.length; k++) {
      const c = grid[k]![i]!;
      let flags = 0;
      if (!c.valid) flags |= INVALID;
      if (c.gravityFailed) flags |= GRAVITY;
      if (c.spikeX) flags |= SPIKE_X;
      if (c.spikeY) flags |= SPIKE_Y;
      if (c.held) flags |= HELD;
      if (refs[k] === null) flags |= NO_REFERENCE;
      rows.push({
        timestamp: c.t,
        nodeIndex: nodes[k]!.nodeIndex,
        alphaX: c.angleX,
        alphaY: c.angleY,
        temperature: c.temperature,
        dispX: c.dispX,
        dispY: c.dispY,
        cumX: c.cumX,
        cumY: c.cumY,
        cumR: c.cumR,
        velR: c.velR,
        flags,
      });
    }
  }

  // §4 alarms
  const metrics: Metric[] = ['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg'];
  const metricValue = (metric: Metric, c: Cell): number | null =>
    metric === 'cumulative_mm' ? c.cumR : metric === 'velocity_mm_per_day' ? c.velR : c.tilt;
  const hOn = params.alarmOnDelayHours * HOUR;
  const hOff = params.alarmOffDelayHours * HOUR;
  // per metric: the chain level L at every chain timestamp, and the event rows
  const perMetric = new Map<Metric, AlarmEvent[]>();
  for (const metric of metrics) {
    if (!thresholds.some((th) => th.metric === metric)) continue;
    // raw level of node k at timestamp i, and its metric value
    const rawLevel: number[][] = [];
    const value: Array<Array<number | null>> = [];
    for (let i = 0; i < nT; i++) {
      rawLevel.push([]);
      value.push([]);
      for (let k = 0; k < nodes.length; k++) {
        const v = metricValue(metric, grid[k]![i]!);
        let level = 0;
        if (v !== null) {
          for (const th of thresholds) {
            if (th.metric !== metric) continue;
            if (th.nodeIndex !== null && th.nodeIndex !== nodes[k]!.nodeIndex) continue;
            if (th.value <= v && th.level > level) level = th.level;
          }
        }
        rawLevel[i]!.push(level);
        value[i]!.push(v);
      }
    }
    // R(t): the maximum raw level over the enabled nodes
    const R = rawLevel.map((levels) => Math.max(0, ...levels));
    // C(t) = min { R(τ) : t − Hon ≤ τ ≤ t }, τ over chain timestamps only
    // (timestamps ascending: scan back from t until τ leaves the window)
    const C: number[] = [];
    for (let i = 0; i < nT; i++) {
      const t = timestamps[i]!;
      let c = R[i]!;
      for (let j = i; j >= 0 && t - hOn <= timestamps[j]!; j--) c = Math.min(c, R[j]!);
      C.push(c);
    }
    // L(t) = max { C(τ) : t − Hoff ≤ τ ≤ t }
    const L: number[] = [];
    for (let i = 0; i < nT; i++) {
      const t = timestamps[i]!;
      let l = C[i]!;
      for (let j = i; j >= 0 && t - hOff <= timestamps[j]!; j--) l = Math.max(l, C[j]!);
      L.push(l);
    }
    // events where L changes; the level before the first chain timestamp is 0
    const events: AlarmEvent[] = [];
    for (let i = 0; i < nT; i++) {
      const level = L[i]!;
      const before = i === 0 ? 0 : L[i - 1]!;
      if (level === before) continue;
      // the lowest nodeIndex whose RAW level at t is ≥ the new level (nodes are sorted ascending)
      let nodeIndex: number | null = null;
      let nodeValue: number | null = null;
      if (level >= 1) {
        for (let k = 0; k < nodes.length; k++) {
          if (rawLevel[i]![k]! >= level) {
            nodeIndex = nodes[k]!.nodeIndex;
            nodeValue = value[i]![k]!;
            break;
          }
        }
      }
      events.push({
        metric,
        timestamp: timestamps[i]!,
        level,
        previousLevel: before,
        nodeIndex,
        value: nodeValue,
      });
    }
    perMetric.set(metric, events);
  }
  // ordered by timestamp, then metric
  const events = metrics
    .flatMap((metric) => perMetric.get(metric) ?? [])
    .sort((a, b) => a.timestamp - b.timestamp || metrics.indexOf(a.metric) - metrics.indexOf(b.metric));
  return { rows, events };
}
