/**
 * The benchmark workload of the original design notes: chains of 50 nodes,
 * 10-minute sampling. Deterministic; realistic enough that every step of the
 * elaboration does its work (temperature cycles, creep, noise, spikes,
 * error codes, an occasional missing reading).
 */

import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../../src/core/domain/configuration.ts';
import type { Store } from '../../src/core/store/port.ts';

export interface WorkloadShape {
  chains: number;
  nodes: number;
  days: number;
  stepMinutes: number;
  /** epoch seconds of the first timestamp */
  start: number;
}

export const WORKLOAD_30_DAYS: WorkloadShape = {
  chains: 10,
  nodes: 50,
  days: 30,
  stepMinutes: 10,
  start: Date.UTC(2026, 8, 1) / 1000,
};

export function chainKeys(shape: WorkloadShape): ChainKey[] {
  return Array.from({ length: shape.chains }, (_, c) => ({
    controlUnitCode: `CU${String(Math.floor(c / 2) + 101).padStart(3, '0')}`,
    chain: c % 2 === 0 ? 'A' : 'B',
  }));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GAIN = 1 / 16384;

function station(key: ChainKey): StationRow {
  return {
    ...key,
    siteName: `Benchmark ${key.controlUnitCode}-${key.chain}`,
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
    alarmOnDelayHours: null,
    alarmOffDelayHours: null,
    staleAfterHours: null,
  };
}

function nodes(key: ChainKey, shape: WorkloadShape): NodeRow[] {
  return Array.from({ length: shape.nodes }, (_, i) => ({
    ...key,
    nodeIndex: i + 1,
    depthM: i + 1,
    lengthMm: 1000,
    offsetX: 10 * ((i % 7) - 3),
    gainX: GAIN,
    offsetY: 8 * ((i % 5) - 2),
    gainY: GAIN,
    offsetZ: i % 2 === 0 ? 5 : null,
    gainZ: i % 2 === 0 ? GAIN : null,
    tempOffset: -40,
    tempGain: 0.01,
    tempCoeffX: 0.004,
    tempCoeffY: -0.003,
    tempRef: 20,
    fullScaleCounts: 32767,
    enabled: 1,
  }));
}

function thresholds(key: ChainKey): Omit<ThresholdRow, 'id'>[] {
  return [
    { ...key, nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 2 },
    { ...key, nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 5 },
    { ...key, nodeIndex: null, metric: 'velocity_mm_per_day', level: 1, value: 0.2 },
    { ...key, nodeIndex: null, metric: 'tilt_deg', level: 3, value: 0.5 },
  ];
}

/** Raw rows of timestamps [t0, t1) of one chain. */
function rawRows(chainNo: number, shape: WorkloadShape, t0: number, t1: number): RawColumns {
  const step = shape.stepMinutes * 60;
  const T = t1 - t0;
  const N = shape.nodes;
  const n = T * N;
  const rows: RawColumns = {
    length: n,
    timestamp: new Float64Array(n),
    nodeIndex: new Int32Array(n),
    rawX: new Float64Array(n),
    rawY: new Float64Array(n),
    rawZ: new Float64Array(n),
    rawT: new Float64Array(n),
    errorCode: new Int32Array(n),
  };
  const rand = mulberry32(chainNo * 1_000_003 + t0);
  const deg = Math.PI / 180;
  let r = 0;
  for (let ti = t0; ti < t1; ti++) {
    const t = shape.start + ti * step;
    const days = (ti * step) / 86400;
    const airT = 12 + 8 * Math.sin((2 * Math.PI * (t % 86400)) / 86400) + 0.1 * days;
    for (let k = 0; k < N; k++) {
      const temp = 12 + (airT - 12) * Math.exp(-k / 4);
      const creep = k > 30 ? 0 : 0.002 * days * (1 - k / 31);
      const ax = (0.5 + 0.01 * k + creep + 0.004 * (temp - 20) + 0.0015 * (rand() - 0.5)) * deg;
      const ay = (-0.3 + 0.005 * k + 0.5 * creep - 0.003 * (temp - 20) + 0.0015 * (rand() - 0.5)) * deg;
      const gx = Math.sin(ax);
      const gy = Math.sin(ay);
      const spike = rand() < 0.0005 ? 300 : 0;
      rows.timestamp[r] = t;
      rows.nodeIndex[r] = k + 1;
      rows.rawX[r] = Math.round(gx / GAIN + 10 * ((k % 7) - 3)) + spike;
      rows.rawY[r] = Math.round(gy / GAIN + 8 * ((k % 5) - 2));
      rows.rawZ[r] =
        k % 2 === 0 ? Math.round(Math.sqrt(Math.max(0, 1 - gx * gx - gy * gy)) / GAIN + 5) : Number.NaN;
      rows.rawT[r] = Math.round((temp + 40) / 0.01);
      rows.errorCode[r] = rand() < 0.0005 ? 3 : 0;
      r++;
    }
  }
  return rows;
}

/** Creates the workload's chains in the store; returns the raw row count. */
export async function installWorkload(store: Store, shape: WorkloadShape): Promise<number> {
  await store.migrate();
  const T = Math.round((shape.days * 86400) / (shape.stepMinutes * 60));
  const perWrite = Math.max(1, Math.floor(50_000 / shape.nodes));
  let total = 0;
  const keys = chainKeys(shape);
  await Promise.all(
    keys.map(async (key, c) => {
      await store.deleteChain(key);
      await store.upsertStation(station(key));
      await store.replaceChainConfig(key, nodes(key, shape), thresholds(key));
      for (let t0 = 0; t0 < T; t0 += perWrite) {
        const rows = rawRows(c, shape, t0, Math.min(T, t0 + perWrite));
        await store.writeRaw(key, rows);
        total += rows.length;
      }
    }),
  );
  return total;
}
