/**
 * The demo site as data: three control units in the Eastern Alps (province
 * of Belluno), six chains, what moves where and what goes wrong when. Days are
 * scenario days: day 0 is SCENARIO_DAYS before the end of the record
 * (2026-09-02T00:00:00Z with the default end), whatever the record's length;
 * an event outside the generated record does not show (the movement it
 * caused does). The narrative is in the doc comment of demo-site.ts.
 */
import type { Metric } from '../domain/alarms.ts';
import type { AirClimate, GroundThermal, Motion } from './model.ts';

export interface ThresholdSpec {
  /** null = chain-wide */
  nodeIndex: number | null;
  metric: Metric;
  level: 1 | 2 | 3;
  value: number;
}

export interface ChainSpec {
  controlUnitCode: string;
  chain: string;
  siteName: string;
  nodeCount: number;
  axes: 2 | 3;
  /** gauge length of every node; `lengthMmStored` is what rsn_nodes holds (null = default 1000) */
  lengthMm: number;
  lengthMmStored: number | null;
  /** depth of the top of node 1's segment below the borehole head (m) */
  headDepthM: number;
  /** sign of the Z axis reading (+1 g or −1 g, depends on how the nodes were mounted) */
  zSign: 1 | -1;
  /** borehole deviation from the vertical at the head, degrees (X, Y), and its random drift per node */
  inclinationDeg: [number, number];
  inclinationWalkDeg: number;
  fixedEnd: 'bottom' | 'top' | null;
  /** zero reading (referenceTime), days from the first timestamp; null = default (first timestamp) */
  referenceDay: number | null;
  tempRef: number | null;
  fullScaleCountsStored: number | null;
  ground: GroundThermal;
  motions: Motion[];
  /** nodes settling in the casing after (re)installation: angle offsets approached as 1 − e^(−τ/tauDays) */
  settling: { sigmaDeg: number; tauDays: number } | null;
  thresholds: ThresholdSpec[];
  /** faults and events */
  disabledNode: number | null;
  deadNode: { nodeIndex: number; day: number } | null;
  gap: { day: number; hours: number } | null;
  errorBurst: { nodeIndex: number; day: number; hours: number; code: number } | null;
  /** readings railed at −32768 counts (beyond fullScaleCounts) */
  overrangeReadings: number;
  /** 3-axis readings whose Z axis is corrupt (|g| off by 15–30 %), errorCode 0 */
  gravityReadings: number;
}

export interface ControlUnitSpec {
  code: string;
  air: AirClimate;
}

/** Length of the story: day 0 is this many days before the end of the record. */
export const SCENARIO_DAYS = 60;

/** The rainfall of 10 October (day 38, from 06:00 UTC): the trigger of CU001's surge. */
export const RAIN_EVENT_DAY = 38.25;

/** Cold front with the rain: the weather anomaly dips by this much around the event. */
export const COLD_FRONT = { day: RAIN_EVENT_DAY, depthC: 5, days: 1.5 };

/** Isolated spikes and sporadic error codes, per reading. */
export const SPIKE_RATE = 2.5e-4;
export const ERROR_RATE = 1.5e-4;

/** Noise of the sensors: tilt axes in counts (1 count ≈ 0.0035° near vertical), temperature in °C. */
export const TILT_NOISE_COUNTS = 0.35;
export const TEMP_NOISE_C = 0.02;

const ALPINE: Omit<AirClimate, 'meanC' | 'dailyAmpC'> = {
  annualAmpC: 9,
  annualPeakDoy: 200,
  dailyPeakHourUtc: 13,
  weatherSigmaC: 2.5,
  weatherTauDays: 2.5,
};

export const CONTROL_UNITS: ControlUnitSpec[] = [
  { code: 'CU001', air: { ...ALPINE, meanC: 5.5, dailyAmpC: 5.5 } },
  { code: 'CU002', air: { ...ALPINE, meanC: 8.5, dailyAmpC: 4.5 } },
  { code: 'CU003', air: { ...ALPINE, meanC: 7.5, dailyAmpC: 5 } },
];

const SOIL: GroundThermal = { dailyDampM: 0.6, annualDampM: 3.2, weatherDampM: 1.2, gradientCPerM: 0.03 };
const CONCRETE: GroundThermal = { dailyDampM: 0.8, annualDampM: 3.8, weatherDampM: 1.6, gradientCPerM: 0.02 };

export const CHAINS: ChainSpec[] = [
  {
    controlUnitCode: 'CU001',
    chain: 'A',
    siteName: 'Frana del Col de Rio (BL) — sondaggio S1, corpo frana',
    nodeCount: 50,
    axes: 3,
    lengthMm: 1000,
    lengthMmStored: null,
    headDepthM: 0.3,
    zSign: 1,
    inclinationDeg: [1.2, -0.6],
    inclinationWalkDeg: 0.12,
    fixedEnd: null,
    referenceDay: null,
    tempRef: null,
    fullScaleCountsStored: null,
    ground: SOIL,
    motions: [
      {
        kind: 'slide',
        slipDepthM: 23.6,
        bandM: 0.45,
        distributedFraction: 0.15,
        azimuthDeg: 22,
        creepMmPerDay: 0.25,
        surge: { day: RAIN_EVENT_DAY, peakMmPerDay: 8, riseDays: 0.8, decayDays: 3, afterMmPerDay: 1.4 },
      },
    ],
    settling: null,
    thresholds: [
      { nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 15 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 25 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 3, value: 35 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 1, value: 1 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 2, value: 2.5 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 3, value: 4.5 },
      { nodeIndex: null, metric: 'tilt_deg', level: 1, value: 0.5 },
      { nodeIndex: null, metric: 'tilt_deg', level: 2, value: 2 },
      { nodeIndex: null, metric: 'tilt_deg', level: 3, value: 4 },
      // the node across the slip surface is watched more closely
      { nodeIndex: 24, metric: 'tilt_deg', level: 2, value: 1 },
      { nodeIndex: 24, metric: 'tilt_deg', level: 3, value: 2.5 },
    ],
    disabledNode: null,
    deadNode: null,
    gap: null,
    errorBurst: null,
    overrangeReadings: 0,
    gravityReadings: 4,
  },
  {
    controlUnitCode: 'CU001',
    chain: 'B',
    siteName: 'Frana del Col de Rio (BL) — sondaggio S2, piede frana',
    nodeCount: 20,
    axes: 2,
    lengthMm: 1000,
    lengthMmStored: 1000,
    headDepthM: 0.4,
    zSign: 1,
    inclinationDeg: [-0.8, 0.9],
    inclinationWalkDeg: 0.1,
    fixedEnd: 'bottom',
    referenceDay: null,
    tempRef: 20,
    fullScaleCountsStored: 32767,
    ground: SOIL,
    motions: [
      {
        kind: 'slide',
        slipDepthM: 12.4,
        bandM: 0.6,
        distributedFraction: 0.25,
        azimuthDeg: 205,
        creepMmPerDay: 0.12,
        surge: { day: RAIN_EVENT_DAY + 0.5, peakMmPerDay: 3, riseDays: 1, decayDays: 3, afterMmPerDay: 0.15 },
      },
    ],
    settling: null,
    thresholds: [
      { nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 7 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 20 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 3, value: 40 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 1, value: 5 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 2, value: 10 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 3, value: 20 },
    ],
    disabledNode: null,
    deadNode: null,
    gap: null,
    errorBurst: { nodeIndex: 14, day: 25 + 9.5 / 24, hours: 3, code: 5 },
    overrangeReadings: 3,
    gravityReadings: 0,
  },
  {
    controlUnitCode: 'CU002',
    chain: 'A',
    siteName: 'Viadotto Rio Secco, SS 51 — pila P3, tubo inclinometrico I1',
    nodeCount: 12,
    axes: 3,
    lengthMm: 2000,
    lengthMmStored: 2000,
    headDepthM: 0.5,
    zSign: 1,
    inclinationDeg: [0.4, 0.3],
    inclinationWalkDeg: 0.08,
    fixedEnd: 'bottom',
    referenceDay: 7,
    tempRef: null,
    fullScaleCountsStored: null,
    ground: SOIL,
    motions: [
      {
        kind: 'slide',
        slipDepthM: 14.5,
        bandM: 1.2,
        distributedFraction: 0.3,
        azimuthDeg: 120,
        creepMmPerDay: 0.01,
      },
    ],
    settling: { sigmaDeg: 0.006, tauDays: 1.5 },
    thresholds: [
      { nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 5 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 10 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 3, value: 20 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 1, value: 2 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 2, value: 4 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 3, value: 8 },
      { nodeIndex: 1, metric: 'tilt_deg', level: 1, value: 0.1 },
      { nodeIndex: 1, metric: 'tilt_deg', level: 2, value: 0.2 },
      { nodeIndex: 1, metric: 'tilt_deg', level: 3, value: 0.5 },
    ],
    disabledNode: null,
    deadNode: null,
    gap: null,
    errorBurst: null,
    overrangeReadings: 0,
    gravityReadings: 3,
  },
  {
    controlUnitCode: 'CU002',
    chain: 'B',
    siteName: 'Viadotto Rio Secco, SS 51 — spalla S2, rilevato',
    nodeCount: 8,
    axes: 2,
    lengthMm: 1000,
    lengthMmStored: null,
    headDepthM: 0.3,
    zSign: 1,
    inclinationDeg: [-0.3, -1.1],
    inclinationWalkDeg: 0.1,
    fixedEnd: null,
    referenceDay: null,
    tempRef: null,
    fullScaleCountsStored: null,
    ground: SOIL,
    motions: [
      {
        kind: 'slide',
        slipDepthM: 3.4,
        bandM: 0.7,
        distributedFraction: 0.35,
        azimuthDeg: 75,
        creepMmPerDay: 0.085,
      },
    ],
    settling: null,
    thresholds: [
      { nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 5 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 10 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 3, value: 20 },
      { nodeIndex: 1, metric: 'velocity_mm_per_day', level: 1, value: 0.75 },
      { nodeIndex: 1, metric: 'velocity_mm_per_day', level: 2, value: 1.5 },
      { nodeIndex: 1, metric: 'velocity_mm_per_day', level: 3, value: 3 },
    ],
    disabledNode: null,
    deadNode: { nodeIndex: 5, day: 46 + 14.5 / 24 },
    gap: null,
    errorBurst: null,
    overrangeReadings: 0,
    gravityReadings: 0,
  },
  {
    controlUnitCode: 'CU003',
    chain: 'A',
    siteName: 'Paratia tirantata SP 251 km 12+400, Val di Zoldo — I1 in paratia',
    nodeCount: 30,
    axes: 3,
    lengthMm: 500,
    lengthMmStored: 500,
    headDepthM: 0.2,
    zSign: -1,
    inclinationDeg: [0.2, 0.5],
    inclinationWalkDeg: 0.05,
    fixedEnd: 'bottom',
    referenceDay: null,
    tempRef: 15,
    fullScaleCountsStored: null,
    ground: CONCRETE,
    motions: [
      {
        kind: 'bulge',
        heightM: 11,
        azimuthDeg: -8,
        creepMmPerDay: 0.03,
        stages: [
          { day: 12.4, mm: 2.5, days: 2 },
          { day: 29.3, mm: 3.2, days: 2.5 },
        ],
      },
    ],
    settling: null,
    thresholds: [
      { nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 2 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 5 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 3, value: 10 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 1, value: 1 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 2, value: 3 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 3, value: 6 },
      { nodeIndex: null, metric: 'tilt_deg', level: 1, value: 0.03 },
      { nodeIndex: null, metric: 'tilt_deg', level: 2, value: 0.08 },
      { nodeIndex: null, metric: 'tilt_deg', level: 3, value: 0.2 },
    ],
    disabledNode: 12,
    deadNode: null,
    gap: null,
    errorBurst: null,
    overrangeReadings: 0,
    gravityReadings: 3,
  },
  {
    controlUnitCode: 'CU003',
    chain: 'B',
    siteName: 'Paratia tirantata SP 251 km 12+400, Val di Zoldo — I2 a monte',
    nodeCount: 16,
    axes: 2,
    lengthMm: 1000,
    lengthMmStored: null,
    headDepthM: 0.5,
    zSign: 1,
    inclinationDeg: [0.9, 0.2],
    inclinationWalkDeg: 0.1,
    fixedEnd: 'top',
    referenceDay: null,
    tempRef: null,
    fullScaleCountsStored: null,
    ground: SOIL,
    motions: [
      {
        kind: 'slide',
        slipDepthM: 4.6,
        bandM: 0.5,
        distributedFraction: 0.2,
        azimuthDeg: -15,
        creepMmPerDay: 0.1,
      },
    ],
    settling: null,
    thresholds: [
      { nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 8 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 15 },
      { nodeIndex: null, metric: 'cumulative_mm', level: 3, value: 30 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 1, value: 1 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 2, value: 2 },
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 3, value: 5 },
    ],
    disabledNode: null,
    deadNode: null,
    gap: { day: 20 + 2 / 24, hours: 6 },
    errorBurst: null,
    overrangeReadings: 0,
    gravityReadings: 0,
  },
];
