/**
 * What the oracle tests share: the production path as the engine runs it
 * (src/core/elaboration on one dense block), the comparison with the
 * reference oracle (every output value to 1e-9 relative,
 * |a − b| ≤ 1e-9 · max(1, |a|, |b|), flags and events exactly), the demo
 * site's chains and seeded random small chains.
 */
import { expect } from 'vitest';
import { generateDemoSite } from '../../src/core/demo/demo-site.ts';
import type { AlarmEvent } from '../../src/core/domain/alarms.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../../src/core/domain/configuration.ts';
import { buildChainModel } from '../../src/core/elaboration/config.ts';
import { elaborateBlock } from '../../src/core/elaboration/elaborate.ts';
import { computeReferences } from '../../src/core/elaboration/reference.ts';
import type { ChainModel, OutputBlock, RawBlock } from '../../src/core/elaboration/types.ts';
import {
  type OracleOutput,
  type OracleRow,
  oracleInputFromRows,
  referenceElaborate,
} from './reference-elaboration.ts';

export interface ChainCase {
  label: string;
  station: StationRow;
  nodes: NodeRow[];
  thresholds: Array<Omit<ThresholdRow, 'id'>>;
  raw: RawColumns;
}

// ---------------------------------------------------------------- production path, as the engine runs it

function denseBlock(model: ChainModel, raw: RawColumns): RawBlock {
  const position = new Map<number, number>();
  model.nodes.forEach((n, k) => {
    position.set(n.nodeIndex, k);
  });
  const times = new Set<number>();
  for (let r = 0; r < raw.length; r++) if (position.has(raw.nodeIndex[r]!)) times.add(raw.timestamp[r]!);
  const timestamps = Float64Array.from([...times].sort((a, b) => a - b));
  const row = new Map<number, number>();
  timestamps.forEach((t, i) => {
    row.set(t, i);
  });
  const nodeCount = model.nodes.length;
  const size = timestamps.length * nodeCount;
  const block: RawBlock = {
    nodeCount,
    timestamps,
    present: new Uint8Array(size),
    rawX: new Float64Array(size).fill(Number.NaN),
    rawY: new Float64Array(size).fill(Number.NaN),
    rawZ: new Float64Array(size).fill(Number.NaN),
    rawT: new Float64Array(size).fill(Number.NaN),
    errorCode: new Int32Array(size),
  };
  for (let r = 0; r < raw.length; r++) {
    const k = position.get(raw.nodeIndex[r]!);
    if (k === undefined) continue;
    const cell = row.get(raw.timestamp[r]!)! * nodeCount + k;
    block.present[cell] = 1;
    block.rawX[cell] = raw.rawX[r]!;
    block.rawY[cell] = raw.rawY[r]!;
    block.rawZ[cell] = raw.rawZ[r]!;
    block.rawT[cell] = raw.rawT[r]!;
    block.errorCode[cell] = raw.errorCode[r]!;
  }
  return block;
}

/**
 * The production elaboration of the whole record as one block. Rows (and
 * events) are returned from timestamp index `outputFrom` on; the rows before
 * it are then look-back context, as in an engine run that starts there.
 */
export function production(c: ChainCase, outputFrom = 0): { output: OutputBlock; events: AlarmEvent[] } {
  const model = buildChainModel({
    station: c.station,
    nodes: c.nodes,
    thresholds: c.thresholds.map((t, i) => ({ ...t, id: i + 1 })),
  });
  const block = denseBlock(model, c.raw);
  const tRef = model.params.referenceTime ?? block.timestamps[0]!;
  const refs = computeReferences(model, block, tRef);
  const result = elaborateBlock(model, refs, block, outputFrom);
  return { output: result.output, events: result.events };
}

/** The oracle on the same stored rows. */
export function runOracle(c: ChainCase): OracleOutput {
  return referenceElaborate(oracleInputFromRows(c.station, c.nodes, c.thresholds, c.raw));
}

// ---------------------------------------------------------------- comparison

const COLUMNS = [
  'alphaX',
  'alphaY',
  'temperature',
  'dispX',
  'dispY',
  'cumX',
  'cumY',
  'cumR',
  'velR',
] as const;

const METRIC_ORDER = ['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg'];

/** the largest |a − b| / max(1, |a|, |b|) seen among agreeing values */
let largestDifference = 0;

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  const d = Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
  if (d <= 1e-9 && d > largestDifference) largestDifference = d;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function nullable(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function iso(t: number): string {
  return `${new Date(t * 1000).toISOString()} (${t})`;
}

function rowText(prefix: string, output: OutputBlock, cell: number, o: OracleRow): string {
  const p = COLUMNS.map((col) => `${col}=${nullable(output[col][cell]!)}`).join(' ');
  const q = COLUMNS.map((col) => `${col}=${o[col]}`).join(' ');
  return `${prefix} ${iso(o.timestamp)}\n    prod   flags=${output.flags[cell]} ${p}\n    oracle flags=${o.flags} ${q}`;
}

export function sortEvents(events: AlarmEvent[]): AlarmEvent[] {
  return [...events].sort(
    (a, b) => a.timestamp - b.timestamp || METRIC_ORDER.indexOf(a.metric) - METRIC_ORDER.indexOf(b.metric),
  );
}

export interface Comparison {
  rows: number;
  events: number;
  /** the first difference, described, or null */
  mismatch: string | null;
}

export function compare(
  c: ChainCase,
  prod: { output: OutputBlock; events: AlarmEvent[] },
  oracle: OracleOutput,
) {
  const { output } = prod;
  const nc = output.nodeCount;
  const nT = output.timestamps.length;
  const result: Comparison = { rows: 0, events: 0, mismatch: null };
  if (oracle.rows.length !== nT * nc) {
    result.mismatch = `${c.label}: row count prod ${nT}×${nc} = ${nT * nc}, oracle ${oracle.rows.length}`;
    return result;
  }
  for (let i = 0; i < nT; i++) {
    for (let k = 0; k < nc; k++) {
      const cell = i * nc + k;
      const o = oracle.rows[cell]!;
      if (output.timestamps[i] !== o.timestamp) {
        result.mismatch = `${c.label}: timestamp #${i}: prod ${output.timestamps[i]}, oracle ${o.timestamp}`;
        return result;
      }
      const diffs: string[] = [];
      if (output.flags[cell] !== o.flags) diffs.push(`flags: prod ${output.flags[cell]}, oracle ${o.flags}`);
      for (const col of COLUMNS) {
        const p = nullable(output[col][cell]!);
        if (!close(p, o[col])) diffs.push(`${col}: prod ${p}, oracle ${o[col]}`);
      }
      result.rows++;
      if (diffs.length > 0) {
        const context: string[] = [];
        for (let j = Math.max(0, i - 4); j <= Math.min(nT - 1, i + 2); j++) {
          context.push(rowText(j === i ? '  >>' : '    ', output, j * nc + k, oracle.rows[j * nc + k]!));
        }
        result.mismatch =
          `${c.label}: node ${o.nodeIndex} (k=${k}) at ${iso(o.timestamp)} (#${i}):\n  ${diffs.join('\n  ')}\n` +
          `  context (node ${o.nodeIndex}):\n${context.join('\n')}`;
        return result;
      }
    }
  }
  const events = compareEvents(c.label, prod.events, oracle.events);
  result.events = events.events;
  result.mismatch = events.mismatch;
  return result;
}

/** Events compared exactly (value to 1e-9 relative), each list sorted by timestamp then metric. */
export function compareEvents(
  label: string,
  prodEvents: AlarmEvent[],
  oracleEvents: AlarmEvent[],
): { events: number; mismatch: string | null } {
  const pe = sortEvents(prodEvents);
  const oe = sortEvents(oracleEvents);
  let events = 0;
  for (let e = 0; e < Math.max(pe.length, oe.length); e++) {
    const a = pe[e];
    const b = oe[e];
    const same =
      a !== undefined &&
      b !== undefined &&
      a.metric === b.metric &&
      a.timestamp === b.timestamp &&
      a.level === b.level &&
      a.previousLevel === b.previousLevel &&
      a.nodeIndex === b.nodeIndex &&
      close(a.value, b.value);
    if (!same) {
      const mismatch = `${label}: event #${e}: prod ${JSON.stringify(a)}, oracle ${JSON.stringify(b)} (prod ${pe.length} events, oracle ${oe.length})`;
      return { events, mismatch };
    }
    events++;
  }
  return { events, mismatch: null };
}

/** What the compared rows exercised (to show the cases are not vacuous). */
export const coverage = {
  invalid: 0,
  gravity: 0,
  spike: 0,
  held: 0,
  noReference: 0,
  nullCum: 0,
  nullVel: 0,
  vel: 0,
};

function tally(oracle: OracleOutput): void {
  for (const r of oracle.rows) {
    if (r.flags & 1) coverage.invalid++;
    if (r.flags & 32) coverage.gravity++;
    if (r.flags & 6) coverage.spike++;
    if (r.flags & 8) coverage.held++;
    if (r.flags & 16) coverage.noReference++;
    if (r.cumX === null) coverage.nullCum++;
    if (r.velR === null) coverage.nullVel++;
    else coverage.vel++;
  }
}

export function check(c: ChainCase): Comparison {
  const prod = production(c);
  const oracle = runOracle(c);
  tally(oracle);
  return compare(c, prod, oracle);
}

// ---------------------------------------------------------------- seeded random chains

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RawRow {
  timestamp: number;
  nodeIndex: number;
  rawX: number;
  rawY: number;
  rawZ: number;
  rawT: number;
  errorCode: number;
}

export function columns(rows: RawRow[]): RawColumns {
  rows.sort((a, b) => a.timestamp - b.timestamp || a.nodeIndex - b.nodeIndex);
  return {
    length: rows.length,
    timestamp: Float64Array.from(rows, (r) => r.timestamp),
    nodeIndex: Int32Array.from(rows, (r) => r.nodeIndex),
    rawX: Float64Array.from(rows, (r) => r.rawX),
    rawY: Float64Array.from(rows, (r) => r.rawY),
    rawZ: Float64Array.from(rows, (r) => r.rawZ),
    rawT: Float64Array.from(rows, (r) => r.rawT),
    errorCode: Int32Array.from(rows, (r) => r.errorCode),
  };
}

export function randomCase(seed: number): ChainCase {
  const rnd = mulberry32(seed * 7919 + 17);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const int = (lo: number, hi: number) => Math.floor(uniform(lo, hi + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const key = { controlUnitCode: `R${seed}`, chain: 'X' };
  const quarterHours = (lo: number, hi: number) => int(lo * 4, hi * 4) / 4;

  // timestamps: irregular steps (whole minutes), with some long gaps
  const nT = int(200, 400);
  const times: number[] = [];
  let t = 1_790_000_000 - (1_790_000_000 % 60);
  for (let i = 0; i < nT; i++) {
    times.push(t);
    t += chance(0.03) ? int(3, 10) * 3600 + int(0, 59) * 60 : pick([5, 10, 15, 20, 30, 45, 60]) * 60;
  }

  const station: StationRow = {
    ...key,
    siteName: null,
    active: 1,
    fixedEnd: pick([null, 'bottom', 'top'] as const),
    referenceTime: chance(0.5)
      ? null
      : pick([times[0]! - 3600, times[int(0, 30)]!, times[int(5, 40)]! + 7 * 60, times[int(0, nT - 1)]!]),
    referenceWindowHours: chance(0.2) ? null : quarterHours(0.5, 12),
    despikeWindow: pick([null, 0, 1, 2, 3, 4, 4, 5, 5, 6, 7]),
    despikeNSigma: chance(0.3) ? null : uniform(1.5, 3.5),
    despikeMinSigmaDeg: pick([null, 0.0005, 0.001, 0.005, 0.02]),
    despikeLookbackHours: chance(0.15) ? null : quarterHours(0.5, 8),
    holdLastValidHours: chance(0.15) ? null : quarterHours(0, 3),
    velocityWindowHours: chance(0.15) ? null : quarterHours(1, 12),
    alarmOnDelayHours: null,
    alarmOffDelayHours: null,
    staleAfterHours: null,
  };

  const nNodes = int(3, 6);
  const nodes: NodeRow[] = [];
  const disabledIndex = chance(0.4) ? int(1, nNodes + 1) : null;
  let index = 0;
  for (let n = 0; n < nNodes + (disabledIndex === null ? 0 : 1); n++) {
    index++;
    const threeAxis = chance(0.5);
    // half-configured Z (only offsetZ or only gainZ): every reading is 2-axis
    const halfZ = !threeAxis && chance(0.1) ? pick(['offset', 'gain'] as const) : null;
    const gain = () => (chance(0.1) ? -1 : 1) * (1 / 16384) * uniform(0.99, 1.01);
    nodes.push({
      ...key,
      nodeIndex: index,
      depthM: index - 0.5,
      lengthMm: pick([null, 1000, 500, 2000]),
      offsetX: uniform(-200, 200),
      gainX: gain(),
      offsetY: uniform(-200, 200),
      gainY: gain(),
      offsetZ: threeAxis || halfZ === 'offset' ? uniform(-200, 200) : null,
      gainZ: threeAxis || halfZ === 'gain' ? gain() : null,
      tempOffset: uniform(-41, -39),
      tempGain: uniform(0.0099, 0.0101),
      tempCoeffX: chance(0.3) ? null : uniform(-0.01, 0.01),
      tempCoeffY: chance(0.3) ? null : uniform(-0.01, 0.01),
      tempRef: pick([null, 20, 15]),
      fullScaleCounts: pick([null, 32767, 20000, 16500]),
      enabled: index === disabledIndex ? 0 : pick([null, 1, 1]),
    });
  }
  // shuffle the node rows (the order of rows must not matter)
  nodes.sort(() => rnd() - 0.5);

  const silentNode = chance(0.15) ? int(1, index) : null;
  const rows: RawRow[] = [];
  for (const node of nodes) {
    if (node.nodeIndex === silentNode && node.enabled !== 0) continue;
    const fs = node.fullScaleCounts ?? 32767;
    const threeAxis = node.offsetZ !== null && node.gainZ !== null;
    // a 2-axis node whose rows carry a Z value anyway (in range, out of range or not finite)
    const strayZ = !threeAxis && chance(0.25);
    const baseX = uniform(-5, 5);
    const baseY = uniform(-5, 5);
    const driftX = uniform(-0.6, 0.6);
    const driftY = uniform(-0.6, 0.6);
    const zSign = chance(0.3) ? -1 : 1;
    // a dead period longer than the hold time, sometimes
    const deadFrom = chance(0.3) ? int(0, nT - 1) : -1;
    const deadTo = deadFrom + int(3, 40);
    for (let i = 0; i < nT; i++) {
      const ts = times[i]!;
      if (chance(0.02)) continue; // missing row
      const days = (ts - times[0]!) / 86400;
      const temperature = 10 + 6 * Math.sin(2 * Math.PI * days) + uniform(-0.1, 0.1);
      const tc = (temperature - (node.tempRef ?? 20)) * 1;
      let ax = baseX + driftX * days * days + uniform(-0.003, 0.003) + (node.tempCoeffX ?? 0) * tc;
      let ay = baseY + driftY * days + uniform(-0.003, 0.003) + (node.tempCoeffY ?? 0) * tc;
      if (chance(0.04)) ax += (chance(0.5) ? -1 : 1) * uniform(0.05, 3);
      if (chance(0.04)) ay += (chance(0.5) ? -1 : 1) * uniform(0.05, 3);
      const gX = Math.sin((ax * Math.PI) / 180);
      const gY = Math.sin((ay * Math.PI) / 180);
      let gZ = zSign * Math.sqrt(Math.max(0, 1 - gX * gX - gY * gY));
      if (threeAxis && chance(0.02)) gZ *= pick([0.5, 1.2, 1.5, 0]);
      const counts = (g: number, offset: number, gainValue: number) =>
        Math.round(g / gainValue + offset) + (chance(0.5) ? 0 : uniform(-0.5, 0.5));
      const row: RawRow = {
        timestamp: ts,
        nodeIndex: node.nodeIndex,
        rawX: counts(gX, node.offsetX!, node.gainX!),
        rawY: counts(gY, node.offsetY!, node.gainY!),
        rawZ: threeAxis
          ? counts(gZ, node.offsetZ!, node.gainZ!)
          : strayZ && chance(0.3)
            ? pick([123, -4000.5, fs + 10, Number.POSITIVE_INFINITY])
            : Number.NaN,
        rawT: Math.round((temperature - node.tempOffset!) / node.tempGain!),
        errorCode: pick([
          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 17,
        ]),
      };
      if (i >= deadFrom && i <= deadTo) {
        row.errorCode = 3;
        row.rawX = Number.NaN;
        row.rawY = Number.NaN;
      }
      // faults
      const f = rnd();
      if (f < 0.01) row.rawX = Number.NaN;
      else if (f < 0.02) row.rawY = Number.NaN;
      else if (f < 0.03) row.rawT = Number.NaN;
      else if (f < 0.035) row.rawX = pick([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      else if (f < 0.04) row.rawT = Number.POSITIVE_INFINITY;
      else if (f < 0.045) row.rawZ = threeAxis ? Number.POSITIVE_INFINITY : row.rawZ;
      else if (f < 0.055) row.rawX = pick([fs + 1, -fs - 0.5, -32768, 40000]);
      else if (f < 0.06) row.rawY = pick([fs + 1, -32768]);
      else if (f < 0.065) row.rawZ = threeAxis ? -fs - 1 : row.rawZ;
      else if (f < 0.075 && threeAxis)
        row.rawZ = Number.NaN; // a 3-axis node's reading without Z: 2-axis reading
      else if (f < 0.08) row.rawX = pick([fs, -fs]); // on the limit: valid
      rows.push(row);
    }
  }
  // rows of an unknown node
  if (chance(0.3)) {
    for (let i = 0; i < nT; i += 7) {
      rows.push({
        timestamp: times[i]!,
        nodeIndex: 99,
        rawX: 1,
        rawY: 2,
        rawZ: Number.NaN,
        rawT: 3,
        errorCode: 0,
      });
    }
  }
  // the disabled node (and unknown nodes) also report at times when no enabled node does
  if (chance(0.5)) {
    for (let i = 1; i < nT; i += 23) {
      const between = (times[i - 1]! + times[i]!) / 2;
      const nodeIndex = disabledIndex ?? 98;
      rows.push({
        timestamp: Math.floor(between),
        nodeIndex,
        rawX: 0,
        rawY: 0,
        rawZ: Number.NaN,
        rawT: 0,
        errorCode: 0,
      });
    }
  }

  const metrics = ['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg'] as const;
  const scale: Record<(typeof metrics)[number], number> = {
    cumulative_mm: uniform(0.5, 30),
    velocity_mm_per_day: uniform(0.5, 20),
    tilt_deg: uniform(0.05, 2),
  };
  const thresholds: Array<Omit<ThresholdRow, 'id'>> = [];
  for (const metric of metrics) {
    if (chance(0.2)) continue;
    const s = scale[metric];
    const ordered = chance(0.8);
    for (const level of [1, 2, 3]) {
      if (chance(0.15)) continue;
      thresholds.push({
        ...key,
        nodeIndex: chance(0.25) ? int(1, index) : null,
        metric,
        level,
        value: ordered ? s * level : s * uniform(0.3, 3),
      });
    }
    if (chance(0.3))
      thresholds.push({ ...key, nodeIndex: int(1, index), metric, level: int(1, 3), value: s * 0.5 });
    // a zero threshold: any non-null value reaches it (tilt is exactly 0 at a median sample)
    if (chance(0.1)) thresholds.push({ ...key, nodeIndex: null, metric, level: 1, value: 0 });
  }

  return { label: `random seed ${seed}`, station, nodes, thresholds, raw: columns(rows) };
}

// ---------------------------------------------------------------- cases and the agreement check

export function demoCases(days: number): ChainCase[] {
  const site = generateDemoSite({ days });
  return site.chains.map((chain) => {
    const station = site.stations.find(
      (s) => s.controlUnitCode === chain.key.controlUnitCode && s.chain === chain.key.chain,
    )!;
    return {
      label: `demo ${days} days ${chain.key.controlUnitCode}-${chain.key.chain}`,
      station,
      nodes: chain.nodes,
      thresholds: chain.thresholds,
      raw: chain.raw,
    };
  });
}

export function expectAgreement(cases: ChainCase[]): { rows: number; events: number } {
  let rows = 0;
  let events = 0;
  const mismatches: string[] = [];
  for (const c of cases) {
    const r = check(c);
    rows += r.rows;
    events += r.events;
    if (r.mismatch !== null) mismatches.push(r.mismatch);
  }
  if (mismatches.length > 0) {
    expect.fail(`${mismatches.length} of ${cases.length} chains disagree; first:\n${mismatches[0]}`);
  }
  console.log(`largest scaled difference so far: ${largestDifference}`);
  return { rows, events };
}
