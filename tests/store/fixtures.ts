/** Column builders for the store suites. */

import type { AlarmEvent } from '../../src/core/domain/alarms.ts';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { ElaboratedColumns, RawColumns } from '../../src/core/domain/columns.ts';
import { ELABORATED_VALUES } from '../../src/core/domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../../src/core/domain/configuration.ts';

export const T0 = 1_767_225_600; // 2026-01-01 00:00:00 UTC
export const STEP = 600; // 10 minutes

export interface RawRow {
  t: number;
  n: number;
  x?: number;
  y?: number;
  z?: number;
  temp?: number;
  e?: number;
}

export function raw(rows: RawRow[]): RawColumns {
  const length = rows.length;
  const out: RawColumns = {
    length,
    timestamp: new Float64Array(length),
    nodeIndex: new Int32Array(length),
    rawX: new Float64Array(length),
    rawY: new Float64Array(length),
    rawZ: new Float64Array(length),
    rawT: new Float64Array(length),
    errorCode: new Int32Array(length),
  };
  rows.forEach((r, i) => {
    out.timestamp[i] = r.t;
    out.nodeIndex[i] = r.n;
    out.rawX[i] = r.x ?? Number.NaN;
    out.rawY[i] = r.y ?? Number.NaN;
    out.rawZ[i] = r.z ?? Number.NaN;
    out.rawT[i] = r.temp ?? Number.NaN;
    out.errorCode[i] = r.e ?? 0;
  });
  return out;
}

/** `count` timestamps from `t0` every STEP for each node; values derived from (timestamp index, node). */
export function rawGrid(count: number, nodes: number[], t0 = T0): RawColumns {
  const rows: RawRow[] = [];
  for (let i = 0; i < count; i++) {
    for (const n of nodes) {
      rows.push({
        t: t0 + i * STEP,
        n,
        x: 1000 + i + n / 8,
        y: -2000 - i * 0.25 - n,
        z: n % 2 === 0 ? Number.NaN : 16000 + i,
        temp: 21.5 + n / 100,
        e: i % 17 === 3 ? 4 : 0,
      });
    }
  }
  return raw(rows);
}

export interface ElaboratedRow {
  t: number;
  n: number;
  v?: number;
  flags?: number;
}

/** The value columns of elaborated rows, as the store names them. */
export const ELABORATED_NAMES = ELABORATED_VALUES;

/** Rows whose value columns are v, v+1, …, v+8 (NaN stays NaN everywhere). */
export function elaborated(rows: ElaboratedRow[]): ElaboratedColumns {
  const length = rows.length;
  const f = () => new Float64Array(length);
  const out: ElaboratedColumns = {
    length,
    timestamp: f(),
    nodeIndex: new Int32Array(length),
    alphaX: f(),
    alphaY: f(),
    temperature: f(),
    dispX: f(),
    dispY: f(),
    cumX: f(),
    cumY: f(),
    cumR: f(),
    velR: f(),
    flags: new Int32Array(length),
  };
  rows.forEach((r, i) => {
    out.timestamp[i] = r.t;
    out.nodeIndex[i] = r.n;
    ELABORATED_NAMES.forEach((name, c) => {
      out[name][i] = (r.v ?? Number.NaN) + c;
    });
    out.flags[i] = r.flags ?? 0;
  });
  return out;
}

export function elaboratedGrid(count: number, nodes: number[], t0 = T0): ElaboratedColumns {
  const rows: ElaboratedRow[] = [];
  for (let i = 0; i < count; i++) {
    for (const n of nodes) rows.push({ t: t0 + i * STEP, n, v: i * 10 + n / 4, flags: i % 3 });
  }
  return elaborated(rows);
}

/** Columns as plain arrays (NaN kept), for toEqual. */
export function plain(columns: RawColumns | ElaboratedColumns): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, value] of Object.entries(columns)) {
    if (name === 'length') continue;
    out[name] = Array.from((value as ArrayLike<number>) ?? []).slice(0, columns.length);
  }
  return out;
}

export function concatRaw(chunks: RawColumns[]): RawColumns {
  const rows: RawRow[] = [];
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      rows.push({
        t: c.timestamp[i]!,
        n: c.nodeIndex[i]!,
        x: c.rawX[i]!,
        y: c.rawY[i]!,
        z: c.rawZ[i]!,
        temp: c.rawT[i]!,
        e: c.errorCode[i]!,
      });
    }
  }
  return raw(rows);
}

export function station(key: ChainKey, patch: Partial<StationRow> = {}): StationRow {
  return {
    ...key,
    siteName: `Site ${key.controlUnitCode}`,
    active: 1,
    fixedEnd: 'bottom',
    referenceTime: null,
    referenceWindowHours: 24,
    despikeWindow: 7,
    despikeNSigma: 3,
    despikeMinSigmaDeg: 0.01,
    despikeLookbackHours: 48,
    holdLastValidHours: 2,
    velocityWindowHours: 24,
    alarmOnDelayHours: 0,
    alarmOffDelayHours: 0,
    staleAfterHours: null,
    azimuthDeg: null,
    timeZone: null,
    ...patch,
  };
}

export function node(key: ChainKey, nodeIndex: number, patch: Partial<NodeRow> = {}): NodeRow {
  return {
    ...key,
    nodeIndex,
    depthM: nodeIndex * 1.5,
    lengthMm: 1000,
    offsetX: 0.5,
    gainX: 1 / 16384,
    offsetY: -0.25,
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

export function threshold(
  key: ChainKey,
  metric: ThresholdRow['metric'],
  level: number,
  value: number,
  nodeIndex: number | null = null,
): Omit<ThresholdRow, 'id'> {
  return { ...key, metric, level, value, nodeIndex };
}

export function event(
  metric: AlarmEvent['metric'],
  timestamp: number,
  level: number,
  previousLevel = 0,
): AlarmEvent {
  return {
    metric,
    timestamp,
    level,
    previousLevel,
    nodeIndex: level === 0 ? null : 3,
    value: level === 0 ? null : level * 1.5,
  };
}

/** Object.is over two arrays: true when every element is the same double (NaN = NaN, -0 ≠ 0). */
export function sameDoubles(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
