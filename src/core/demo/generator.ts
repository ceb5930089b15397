/**
 * Planning (configuration rows, calibrations, faults) and streaming raw
 * generation of the demo site's chains. The public face is demo-site.ts.
 *
 * Determinism: every random quantity comes from a named stream seeded by
 * (seed, stream name, chain or control unit), so a chain's data does not
 * depend on the other chains, and the raw stream is consumed in a fixed order
 * (time-major, then node, four normals per cell whatever happens to the cell),
 * so the output is the same for every chunk size.
 */
import type { ChainKey } from '../domain/chain.ts';
import type { RawColumns } from '../domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import {
  CHAINS,
  type ChainSpec,
  COLD_FRONT,
  CONTROL_UNITS,
  type ControlUnitSpec,
  ERROR_RATE,
  RAIN_EVENT_DAY,
  SCENARIO_DAYS,
  SPIKE_RATE,
  TEMP_NOISE_C,
  TILT_NOISE_COUNTS,
} from './layout.ts';
import {
  airPhases,
  DAY_S,
  DEG,
  type Motion,
  motionAmplitude,
  motionShape,
  type NodeThermal,
  nodeTemperature,
  nodeThermal,
  RAD,
} from './model.ts';
import { labelSeed, mixSeed, Rng } from './random.ts';

/** Every demo site is in the Italian Alps: its times are shown in Rome's time when the console asks for the site's local time. */
export const DEMO_TIME_ZONE = 'Europe/Rome';

/** What happened to a raw reading, as the generator made it (truth columns of the tests and docs). */
export const DemoAnomaly = {
  /** a good reading: the calibration inverts to the intended angles within noise */
  none: 0,
  /** an isolated outlier on X and/or Y (the Hampel filter's job) */
  spike: 1,
  /** errorCode ≠ 0 (values null, corrupt, or plausible) */
  error: 2,
  /** the dead node: all values null, errorCode 3 */
  dead: 3,
  /** 3-axis reading with a corrupt Z axis: fails the gravity check (errorCode 0) */
  gravity: 4,
  /** X railed at −32768 counts, beyond fullScaleCounts (errorCode 0) */
  overrange: 5,
  /** the disabled node's faulty readings */
  faulty: 6,
} as const;
export type DemoAnomalyCode = (typeof DemoAnomaly)[keyof typeof DemoAnomaly];

/** errorCode values the demo uses. */
export const DemoErrorCode = {
  /** node did not answer the poll in time (values null) */
  timeout: 2,
  /** node unreachable on the bus: the dead node */
  noResponse: 3,
  /** frame checksum failed (values corrupt) */
  crc: 5,
  /** supply voltage low during the reading (values plausible, flagged by the control unit) */
  lowSupply: 17,
} as const;

/** Intended values behind each raw row (same order and length as the raw columns). */
export interface DemoTruth {
  /** compensated angles in degrees: what steps 2–6 of ELABORATION.md must give back, within noise */
  alphaX: Float64Array;
  alphaY: Float64Array;
  /** °C */
  temperature: Float64Array;
  anomaly: Uint8Array;
}

export interface DemoChunk {
  raw: RawColumns;
  /** null unless asked for */
  truth: DemoTruth | null;
}

export interface DemoChunkOptions {
  /** rows per chunk, rounded up to whole timestamps (default 5000); Infinity = one chunk */
  chunkRows?: number;
  /** also return the intended values (tests, documentation) */
  truth?: boolean;
}

export interface DemoTimelineEntry {
  /** epoch seconds */
  at: number;
  key: ChainKey | null;
  nodeIndex: number | null;
  kind:
    | 'reference'
    | 'excavation'
    | 'gap'
    | 'error-burst'
    | 'rainfall'
    | 'surge'
    | 'node-dies'
    | 'node-disabled';
  description: string;
}

export interface ResolvedDemoOptions {
  seed: number;
  days: number;
  /** epoch seconds, exclusive: the last timestamp is end − step */
  end: number;
  stepMinutes: number;
}

export interface DemoGrid {
  /**
   * Day 0 of the scenario (layout.ts): end − 60 days, whatever `days` is, so
   * that the story is anchored to the end of the record and a shorter record
   * shows its last part (a longer one starts before the story does).
   */
  origin: number;
  /** first timestamp, epoch seconds */
  start: number;
  stepSeconds: number;
  /** timestamps of the site grid: start + k · step, k = 0 … count − 1 */
  count: number;
}

/** The motion of one chain as the generator uses it: per node, the sine change per mm of amplitude. */
interface MotionPlan {
  motion: Motion;
  /** Δsin(αX) and Δsin(αY) of node k per mm of amplitude */
  perMmX: Float64Array;
  perMmY: Float64Array;
}

interface Anomaly {
  kind: DemoAnomalyCode;
  errorCode: number;
  /** spike: X and Y count offsets; error: 0 = values null, 1 = corrupt, 2 = plausible; gravity: Z factor */
  a: number;
  b: number;
}

export interface ChainPlan {
  spec: ChainSpec;
  index: number;
  key: ChainKey;
  station: StationRow;
  nodes: NodeRow[];
  thresholds: Omit<ThresholdRow, 'id'>[];
  grid: DemoGrid;
  /** grid indices [gapFrom, gapTo) have no rows */
  gapFrom: number;
  gapTo: number;
  timestampCount: number;
  rowCount: number;
  /** grid index from which the dead node sends null rows (count = never) */
  deadFrom: number;
  /** 0-based index of the dead node (−1 none) */
  deadNode: number;
  /** 0-based index of the disabled node (−1 none) */
  disabledNode: number;
  timeline: DemoTimelineEntry[];
  // per node (0-based)
  sin0X: Float64Array;
  sin0Y: Float64Array;
  settleX: Float64Array;
  settleY: Float64Array;
  thermal: NodeThermal[];
  motions: MotionPlan[];
  /** weather anomaly of the chain's control unit on the grid (°C) */
  weather: Float64Array;
  anomalies: Map<number, Anomaly>;
  rawSeed: number;
}

const NODE_MOUNT_SIGMA_DEG = 0.25;
const COUNTS_PER_G = 16384;

export const DEFAULT_DEMO_OPTIONS: ResolvedDemoOptions = {
  seed: 20261101,
  days: 60,
  end: Date.UTC(2026, 10, 1) / 1000,
  stepMinutes: 30,
};

export function demoGrid(options: ResolvedDemoOptions): DemoGrid {
  const stepSeconds = Math.round(options.stepMinutes * 60);
  const span = Math.round(options.days * DAY_S);
  return {
    origin: options.end - SCENARIO_DAYS * DAY_S,
    start: options.end - span,
    stepSeconds,
    count: Math.floor(span / stepSeconds),
  };
}

export interface SitePlan {
  grid: DemoGrid;
  chains: ChainPlan[];
  /** site-wide and per-chain events, in time order */
  timeline: DemoTimelineEntry[];
}

export function planSite(options: ResolvedDemoOptions): SitePlan {
  const grid = demoGrid(options);
  const weather = new Map<string, Float64Array>();
  CONTROL_UNITS.forEach((cu, i) => {
    weather.set(cu.code, weatherSeries(cu, grid, mixSeed(options.seed, labelSeed('weather'), i)));
  });
  const chains = CHAINS.map((spec, index) =>
    planChain(spec, index, options, grid, weather.get(spec.controlUnitCode)!),
  );
  const timeline: DemoTimelineEntry[] = [];
  const rain = gridIndex(grid, RAIN_EVENT_DAY);
  if (rain >= 0 && rain < grid.count) {
    timeline.push({
      at: grid.start + rain * grid.stepSeconds,
      key: null,
      nodeIndex: null,
      kind: 'rainfall',
      description: 'heavy rainfall with a cold front over the whole area (about 5 °C colder for two days)',
    });
  }
  for (const chain of chains) timeline.push(...chain.timeline);
  timeline.sort((a, b) => a.at - b.at);
  return { grid, chains, timeline };
}

function weatherSeries(cu: ControlUnitSpec, grid: DemoGrid, seed: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(grid.count);
  const rho = Math.exp(-grid.stepSeconds / (cu.air.weatherTauDays * DAY_S));
  const innovation = cu.air.weatherSigmaC * Math.sqrt(1 - rho * rho);
  let w = cu.air.weatherSigmaC * rng.normal();
  for (let k = 0; k < grid.count; k++) {
    if (k > 0) w = rho * w + innovation * rng.normal();
    const tau = (grid.start + k * grid.stepSeconds - grid.origin) / DAY_S;
    const x = (tau - COLD_FRONT.day - 0.75) / COLD_FRONT.days;
    out[k] = w - COLD_FRONT.depthC * Math.exp(-x * x);
  }
  return out;
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

function significant(x: number, digits: number): number {
  return Number(x.toPrecision(digits));
}

/** Grid index of scenario day `day` (may be < 0 or ≥ count: outside the record). */
function gridIndex(grid: DemoGrid, day: number): number {
  return Math.round((grid.origin - grid.start + day * DAY_S) / grid.stepSeconds);
}

/** Grid indices [from, to) of `hours` from scenario day `day`, clipped to the record. */
function gridSpan(grid: DemoGrid, day: number, hours: number): [number, number] {
  const k = gridIndex(grid, day);
  const from = Math.min(Math.max(k, 0), grid.count);
  const to = Math.min(Math.max(k + Math.round((hours * 3600) / grid.stepSeconds), 0), grid.count);
  return [from, to];
}

function planChain(
  spec: ChainSpec,
  index: number,
  options: ResolvedDemoOptions,
  grid: DemoGrid,
  weather: Float64Array,
): ChainPlan {
  const key: ChainKey = { controlUnitCode: spec.controlUnitCode, chain: spec.chain };
  const label = `${spec.controlUnitCode}-${spec.chain}`;
  const n = spec.nodeCount;
  const cu = CONTROL_UNITS.find((c) => c.code === spec.controlUnitCode)!;
  const cfg = new Rng(mixSeed(options.seed, labelSeed('calibration'), index));
  const at = (day: number) => grid.start + gridIndex(grid, day) * grid.stepSeconds;
  const inSpan = (day: number) => gridIndex(grid, day) >= 0 && gridIndex(grid, day) < grid.count;
  const timeline: DemoTimelineEntry[] = [];

  // --- station
  let referenceTime: number | null = null;
  if (spec.referenceDay !== null) {
    // kept inside the record with a full reference window after it, so a short record still has references
    const lastUsable = Math.max(0, grid.count - Math.ceil(DAY_S / grid.stepSeconds));
    const k = Math.min(Math.max(gridIndex(grid, spec.referenceDay), 0), lastUsable);
    referenceTime = grid.start + k * grid.stepSeconds;
    timeline.push({
      at: referenceTime,
      key,
      nodeIndex: null,
      kind: 'reference',
      description: `${label}: zero reading (referenceTime) taken once the re-installed chain has settled in the casing`,
    });
  }
  const station: StationRow = {
    ...key,
    siteName: spec.siteName,
    active: 1,
    fixedEnd: spec.fixedEnd,
    referenceTime,
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
    timeZone: DEMO_TIME_ZONE,
  };

  // --- nodes: geometry, calibration, thermal behaviour
  const nodes: NodeRow[] = [];
  const sin0X = new Float64Array(n);
  const sin0Y = new Float64Array(n);
  const settleX = new Float64Array(n);
  const settleY = new Float64Array(n);
  const thermal: NodeThermal[] = [];
  let incX = spec.inclinationDeg[0];
  let incY = spec.inclinationDeg[1];
  const lengthM = spec.lengthMm / 1000;
  const disabledNode = spec.disabledNode === null ? -1 : spec.disabledNode - 1;
  const explicit = spec.lengthMmStored !== null;
  for (let k = 0; k < n; k++) {
    const depthM = round(spec.headDepthM + (k + 0.5) * lengthM, 2);
    incX += spec.inclinationWalkDeg * cfg.normal();
    incY += spec.inclinationWalkDeg * cfg.normal();
    sin0X[k] = Math.sin((incX + NODE_MOUNT_SIGMA_DEG * cfg.normal()) * RAD);
    sin0Y[k] = Math.sin((incY + NODE_MOUNT_SIGMA_DEG * cfg.normal()) * RAD);
    const offsetX = cfg.int(-200, 200);
    const offsetY = cfg.int(-200, 200);
    const offsetZ = cfg.int(-200, 200);
    const gainX = significant((1 + 0.01 * cfg.normal()) / COUNTS_PER_G, 6);
    const gainY = significant((1 + 0.01 * cfg.normal()) / COUNTS_PER_G, 6);
    const gainZ = significant((1 + 0.01 * cfg.normal()) / COUNTS_PER_G, 6);
    const tempGain = significant(0.01 * (1 + 0.004 * cfg.normal()), 5);
    const tempOffset = round(-40 + 0.8 * cfg.normal(), 2);
    const tempCoeffX = round(cfg.sign() * cfg.uniform(0.002, 0.01), 4);
    const tempCoeffY = round(cfg.sign() * cfg.uniform(0.002, 0.01), 4);
    if (spec.settling) {
      settleX[k] = Math.sin(spec.settling.sigmaDeg * cfg.normal() * RAD);
      settleY[k] = Math.sin(spec.settling.sigmaDeg * cfg.normal() * RAD);
    }
    thermal.push(nodeThermal(cu.air, spec.ground, depthM));
    nodes.push({
      ...key,
      nodeIndex: k + 1,
      depthM,
      lengthMm: spec.lengthMmStored,
      offsetX,
      gainX,
      offsetY,
      gainY,
      offsetZ: spec.axes === 3 ? offsetZ : null,
      gainZ: spec.axes === 3 ? gainZ : null,
      tempOffset,
      tempGain,
      tempCoeffX,
      tempCoeffY,
      tempRef: spec.tempRef,
      fullScaleCounts: spec.fullScaleCountsStored,
      enabled: k === disabledNode ? 0 : explicit ? 1 : null,
    });
  }

  // --- motions: Δsin per mm of amplitude, from the displacement of each segment's top relative to its bottom
  const motions: MotionPlan[] = spec.motions.map((motion) => {
    const perMmX = new Float64Array(n);
    const perMmY = new Float64Array(n);
    const cos = Math.cos(motion.azimuthDeg * RAD);
    const sin = Math.sin(motion.azimuthDeg * RAD);
    for (let k = 0; k < n; k++) {
      const top = spec.headDepthM + k * lengthM;
      const w = (motionShape(motion, top) - motionShape(motion, top + lengthM)) / spec.lengthMm;
      perMmX[k] = w * cos;
      perMmY[k] = w * sin;
    }
    return { motion, perMmX, perMmY };
  });
  for (const motion of spec.motions) {
    if (motion.kind === 'slide' && motion.surge && inSpan(motion.surge.day)) {
      timeline.push({
        at: at(motion.surge.day),
        key,
        nodeIndex: null,
        kind: 'surge',
        description: `${label}: the landslide accelerates after the rainfall (peak ≈ ${motion.surge.peakMmPerDay} mm/day on the slip surface at ${motion.slipDepthM} m)`,
      });
    }
    if (motion.kind === 'bulge') {
      motion.stages.forEach((stage, i) => {
        if (!inSpan(stage.day)) return;
        timeline.push({
          at: at(stage.day),
          key,
          nodeIndex: null,
          kind: 'excavation',
          description: `${label}: excavation stage ${i + 1} in front of the wall (+${stage.mm} mm of bulge over ${stage.days} days)`,
        });
      });
    }
  }

  // --- gap, dead node, disabled node
  let gapFrom = grid.count;
  let gapTo = grid.count;
  if (spec.gap) {
    [gapFrom, gapTo] = gridSpan(grid, spec.gap.day, spec.gap.hours);
    if (gapTo > gapFrom) {
      timeline.push({
        at: grid.start + gapFrom * grid.stepSeconds,
        key,
        nodeIndex: null,
        kind: 'gap',
        description: `${label}: ${spec.gap.hours} h communication gap (mobile network outage): no rows for any node`,
      });
    }
  }
  const timestampCount = grid.count - (gapTo - gapFrom);
  let deadFrom = grid.count;
  let deadNode = -1;
  if (spec.deadNode) {
    deadNode = spec.deadNode.nodeIndex - 1;
    const dies = gridIndex(grid, spec.deadNode.day);
    deadFrom = Math.min(Math.max(dies, 0), grid.count);
    if (deadFrom < grid.count) {
      const when =
        dies < 0
          ? ` (dead since ${new Date(at(spec.deadNode.day) * 1000).toISOString()}, before the record)`
          : '';
      timeline.push({
        at: grid.start + deadFrom * grid.stepSeconds,
        key,
        nodeIndex: spec.deadNode.nodeIndex,
        kind: 'node-dies',
        description: `${label}: node ${spec.deadNode.nodeIndex} dies${when}: rows keep coming with null values and errorCode ${DemoErrorCode.noResponse}, after a few timeouts; the cumulatives through it are null from then on`,
      });
    }
  }
  if (disabledNode >= 0) {
    timeline.push({
      at: grid.start,
      key,
      nodeIndex: disabledNode + 1,
      kind: 'node-disabled',
      description: `${label}: node ${disabledNode + 1} is disabled (enabled = 0, faulty electronics) but the control unit still polls it`,
    });
  }

  const thresholds = spec.thresholds.map((t) => ({
    ...key,
    nodeIndex: t.nodeIndex,
    metric: t.metric,
    level: t.level,
    value: t.value,
  }));
  const plan: ChainPlan = {
    spec,
    index,
    key,
    station,
    nodes,
    thresholds,
    grid,
    gapFrom,
    gapTo,
    timestampCount,
    rowCount: timestampCount * n,
    deadFrom,
    deadNode,
    disabledNode,
    timeline,
    sin0X,
    sin0Y,
    settleX,
    settleY,
    thermal,
    motions,
    weather,
    anomalies: new Map(),
    rawSeed: mixSeed(options.seed, labelSeed('raw'), index),
  };
  planFaults(plan, new Rng(mixSeed(options.seed, labelSeed('faults'), index)));
  return plan;
}

/** Places the sparse faults: spikes, sporadic error codes, bursts, gravity and over-range readings. */
function planFaults(plan: ChainPlan, rng: Rng): void {
  const { spec, grid, anomalies } = plan;
  const n = spec.nodeCount;
  // the dying node's last 12 hours before it dies
  const agony = Math.round((12 * 3600) / grid.stepSeconds);
  const inGap = (k: number) => k >= plan.gapFrom && k < plan.gapTo;
  const usable = (k: number, node: number) =>
    !inGap(k) && node !== plan.disabledNode && !(node === plan.deadNode && k >= plan.deadFrom - agony);
  const isolated = (k: number, node: number) => {
    for (let j = Math.max(0, k - 3); j <= Math.min(grid.count - 1, k + 3); j++) {
      if (anomalies.has(j * n + node)) return false;
    }
    return true;
  };
  const place = (count: number, firstK: number, make: () => Anomaly) => {
    if (grid.count <= firstK) return;
    let placed = 0;
    for (let attempt = 0; placed < count && attempt < count * 50; attempt++) {
      const k = rng.int(firstK, grid.count - 1);
      const node = rng.int(0, n - 1);
      if (!usable(k, node) || !isolated(k, node)) continue;
      anomalies.set(k * n + node, make());
      placed++;
    }
  };
  const rows = plan.rowCount;

  // burst of CRC errors on one node (moisture in a connector)
  if (spec.errorBurst) {
    const [k0, k1] = gridSpan(grid, spec.errorBurst.day, spec.errorBurst.hours);
    for (let k = k0; k < k1; k++) {
      anomalies.set(k * n + spec.errorBurst.nodeIndex - 1, {
        kind: DemoAnomaly.error,
        errorCode: spec.errorBurst.code,
        a: 1,
        b: 0,
      });
    }
    if (k1 > k0) {
      plan.timeline.push({
        at: grid.start + k0 * grid.stepSeconds,
        key: plan.key,
        nodeIndex: spec.errorBurst.nodeIndex,
        kind: 'error-burst',
        description: `${plan.key.controlUnitCode}-${plan.key.chain}: node ${spec.errorBurst.nodeIndex} reports errorCode ${spec.errorBurst.code} (CRC) for ${spec.errorBurst.hours} h: longer than holdLastValidHours, so the cumulatives through it are null for a while`,
      });
    }
  }
  // the dying node times out now and then in the 12 hours before it dies
  if (plan.deadNode >= 0 && plan.deadFrom < grid.count) {
    for (let k = Math.max(0, plan.deadFrom - agony); k < plan.deadFrom; k++) {
      if (rng.next() < 0.35) {
        anomalies.set(k * n + plan.deadNode, {
          kind: DemoAnomaly.error,
          errorCode: DemoErrorCode.timeout,
          a: 0,
          b: 0,
        });
      }
    }
  }
  // deliberate bad 3-axis readings, railed readings
  if (spec.axes === 3) {
    place(spec.gravityReadings, 0, () => ({
      kind: DemoAnomaly.gravity,
      errorCode: 0,
      a: rng.next() < 0.5 ? rng.uniform(0.7, 0.85) : rng.uniform(1.15, 1.3),
      b: 0,
    }));
  }
  place(spec.overrangeReadings, 0, () => ({ kind: DemoAnomaly.overrange, errorCode: 0, a: 0, b: 0 }));
  // sporadic error codes
  place(Math.round(rows * ERROR_RATE), 0, () => {
    const u = rng.next();
    if (u < 0.4) return { kind: DemoAnomaly.error, errorCode: DemoErrorCode.timeout, a: 0, b: 0 };
    if (u < 0.7) return { kind: DemoAnomaly.error, errorCode: DemoErrorCode.crc, a: 1, b: 0 };
    return { kind: DemoAnomaly.error, errorCode: DemoErrorCode.lowSupply, a: 2, b: 0 };
  });
  // isolated spikes, 0.15°–2.5° (≈ 40–720 counts), not in the first 12 timestamps (the filter needs a full window)
  place(Math.round(rows * SPIKE_RATE), 12, () => {
    const u = rng.next();
    const counts = () => rng.sign() * Math.round(rng.uniform(0.15, 2.5) * RAD * COUNTS_PER_G);
    const x = u < 0.55 ? counts() : 0;
    const y = u >= 0.45 ? counts() : 0;
    return { kind: DemoAnomaly.spike, errorCode: 0, a: x, b: y };
  });
}

function allocRaw(length: number): RawColumns {
  return {
    length,
    timestamp: new Float64Array(length),
    nodeIndex: new Int32Array(length),
    rawX: new Float64Array(length),
    rawY: new Float64Array(length),
    rawZ: new Float64Array(length),
    rawT: new Float64Array(length),
    errorCode: new Int32Array(length),
  };
}

function allocTruth(length: number): DemoTruth {
  return {
    alphaX: new Float64Array(length),
    alphaY: new Float64Array(length),
    temperature: new Float64Array(length),
    anomaly: new Uint8Array(length),
  };
}

/** Streams the chain's raw rows in chunks of whole timestamps, ordered by (timestamp, nodeIndex). */
export function* chainChunks(plan: ChainPlan, options: DemoChunkOptions = {}): Generator<DemoChunk> {
  const chunkRows = options.chunkRows ?? 5000;
  if (!(chunkRows >= 1)) throw new RangeError(`chunkRows must be at least 1, got ${chunkRows}`);
  const withTruth = options.truth === true;
  const { spec, grid, nodes, thermal, motions, anomalies } = plan;
  const n = spec.nodeCount;
  const threeAxis = spec.axes === 3;
  const perChunk = Math.max(1, Math.min(Math.ceil(chunkRows / n), plan.timestampCount));
  const rng = new Rng(plan.rawSeed);
  const air = CONTROL_UNITS.find((c) => c.code === spec.controlUnitCode)!.air;
  const amplitudes = new Float64Array(motions.length);
  const settlingTau = spec.settling ? spec.settling.tauDays : 1;
  // the disabled node's faulty electronics: X wanders, Y is stuck
  let faultyWalk = 0;

  const cal = nodes.map((node) => ({
    offsetX: node.offsetX!,
    invGainX: 1 / node.gainX!,
    offsetY: node.offsetY!,
    invGainY: 1 / node.gainY!,
    offsetZ: node.offsetZ ?? 0,
    invGainZ: node.gainZ ? 1 / node.gainZ : 0,
    tempOffset: node.tempOffset!,
    invTempGain: 1 / node.tempGain!,
    coeffX: node.tempCoeffX!,
    coeffY: node.tempCoeffY!,
    tempRef: node.tempRef ?? 20,
  }));

  let k = 0;
  while (k < grid.count) {
    // the grid indices of this chunk's timestamps (skipping the gap)
    const ks: number[] = [];
    while (k < grid.count && ks.length < perChunk) {
      if (k < plan.gapFrom || k >= plan.gapTo) ks.push(k);
      k++;
    }
    if (ks.length === 0) break;
    const length = ks.length * n;
    const raw = allocRaw(length);
    const truth = withTruth ? allocTruth(length) : null;
    let row = 0;
    for (const gk of ks) {
      const t = grid.start + gk * grid.stepSeconds;
      const tau = (t - grid.origin) / DAY_S;
      for (let m = 0; m < motions.length; m++) amplitudes[m] = motionAmplitude(motions[m]!.motion, tau);
      const settled = tau > 0 ? 1 - Math.exp(-tau / settlingTau) : 0;
      const phases = airPhases(air, t);
      const cosA = Math.cos(phases.annual);
      const sinA = Math.sin(phases.annual);
      const cosD = Math.cos(phases.daily);
      const sinD = Math.sin(phases.daily);
      const weather = plan.weather[gk]!;
      for (let i = 0; i < n; i++, row++) {
        // intended geometry: installation angle, settling, ground movement
        let sX = plan.sin0X[i]! + plan.settleX[i]! * settled;
        let sY = plan.sin0Y[i]! + plan.settleY[i]! * settled;
        for (let m = 0; m < motions.length; m++) {
          const a = amplitudes[m]!;
          sX += a * motions[m]!.perMmX[i]!;
          sY += a * motions[m]!.perMmY[i]!;
        }
        const alphaX = Math.asin(sX) * DEG;
        const alphaY = Math.asin(sY) * DEG;
        const temperature = nodeTemperature(thermal[i]!, cosA, sinA, cosD, sinD, weather);
        // what the sensor sees: the angle plus its thermal drift
        const c = cal[i]!;
        const gX = Math.sin((alphaX + c.coeffX * (temperature - c.tempRef)) * RAD);
        const gY = Math.sin((alphaY + c.coeffY * (temperature - c.tempRef)) * RAD);
        // four normals per cell, always, so the stream stays aligned whatever happens to the cell
        const nX = rng.normal();
        const nY = rng.normal();
        const nZ = rng.normal();
        const nT = rng.normal();
        let rawX = Math.round(c.offsetX + gX * c.invGainX + TILT_NOISE_COUNTS * nX);
        let rawY = Math.round(c.offsetY + gY * c.invGainY + TILT_NOISE_COUNTS * nY);
        let rawZ = Number.NaN;
        const gZ = threeAxis ? spec.zSign * Math.sqrt(Math.max(0, 1 - gX * gX - gY * gY)) : 0;
        if (threeAxis) rawZ = Math.round(c.offsetZ + gZ * c.invGainZ + TILT_NOISE_COUNTS * nZ);
        let rawT = Math.round((temperature + TEMP_NOISE_C * nT - c.tempOffset) * c.invTempGain);
        let errorCode = 0;
        let anomaly: DemoAnomalyCode = DemoAnomaly.none;

        if (i === plan.disabledNode) {
          faultyWalk += 40 * nZ;
          rawX = Math.round(c.offsetX + gX * c.invGainX + faultyWalk);
          rawY = 4095;
          anomaly = DemoAnomaly.faulty;
        } else if (i === plan.deadNode && gk >= plan.deadFrom) {
          rawX = Number.NaN;
          rawY = Number.NaN;
          rawZ = Number.NaN;
          rawT = Number.NaN;
          errorCode = DemoErrorCode.noResponse;
          anomaly = DemoAnomaly.dead;
        } else {
          const fault = anomalies.get(gk * n + i);
          if (fault) {
            anomaly = fault.kind;
            errorCode = fault.errorCode;
            switch (fault.kind) {
              case DemoAnomaly.spike:
                rawX += fault.a;
                rawY += fault.b;
                break;
              case DemoAnomaly.error:
                if (fault.a === 0) {
                  rawX = Number.NaN;
                  rawY = Number.NaN;
                  rawZ = Number.NaN;
                  rawT = Number.NaN;
                } else if (fault.a === 1) {
                  // a corrupt frame: bits flipped in the payload
                  rawX = (rawX ^ (1 << (8 + (gk % 6)))) | 0;
                  rawY = (rawY ^ (1 << (9 + (i % 5)))) | 0;
                  rawT = rawT ^ (1 << 11);
                }
                break;
              case DemoAnomaly.gravity:
                rawZ = Math.round(c.offsetZ + gZ * fault.a * c.invGainZ);
                break;
              case DemoAnomaly.overrange:
                rawX = -32768;
                break;
            }
          }
        }

        raw.timestamp[row] = t;
        raw.nodeIndex[row] = i + 1;
        raw.rawX[row] = rawX;
        raw.rawY[row] = rawY;
        raw.rawZ[row] = rawZ;
        raw.rawT[row] = rawT;
        raw.errorCode[row] = errorCode;
        if (truth) {
          truth.alphaX[row] = alphaX;
          truth.alphaY[row] = alphaY;
          truth.temperature[row] = temperature;
          truth.anomaly[row] = anomaly;
        }
      }
    }
    yield { raw, truth };
  }
}
