/**
 * §5 partition invariance: a history elaborated in one block equals, bit for
 * bit, the same history elaborated in runs that each load the context of
 * config.contextSeconds before the chain timestamp preceding the run, and
 * references computed from config.referenceLoadSpan.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../domain/alarms.ts';
import type { StationRow } from '../domain/configuration.ts';
import { contextSeconds, referenceLoadSpan } from './config.ts';
import { elaborateBlock, elaborateChunk } from './elaborate.ts';
import { computeReferences } from './reference.ts';
import type { ChainState } from './state.ts';
import {
  COUNTS_PER_G,
  modelOf,
  nodeRow,
  type Reading,
  rawBlockOf,
  sliceBlock,
  type ThresholdSpec,
} from './test-support.ts';
import type { ChainModel, ChainParams, OutputBlock, RawBlock, References } from './types.ts';

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
  'flags',
] as const;

/** A deterministic pseudo-random source (Park–Miller). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

/**
 * A 5-node history: drifting tilts with noise, spikes, error codes, missing
 * rows, null counts, gravity failures on the 3-axis node, dropouts of a few
 * to a dozen polls, irregular polling with gaps longer than the hold, and
 * node 5 silent over `silent` (timestamp indices).
 */
function history(seed: number, count: number, silent: [number, number]): RawBlock {
  const next = random(seed);
  const timestamps: number[] = [];
  let t = 1_700_000_000;
  for (let i = 0; i < count; i++) {
    timestamps.push(t);
    const r = next();
    t += r < 0.05 && i > 30 ? 3 * 3600 + 600 : r < 0.2 ? 1200 : 600;
  }
  const dropout = [0, 0, 0, 0, 0];
  const rows = timestamps.map((_, i) =>
    Array.from({ length: 5 }, (_, k): Reading | null => {
      if (k === 4 && i >= silent[0] && i < silent[1]) return null;
      if (dropout[k]! > 0) {
        dropout[k]! -= 1;
        return { rawX: 0, rawY: 0, rawT: 20, errorCode: 7 };
      }
      if (next() < 0.015) dropout[k] = 2 + Math.floor(next() * 10);
      const r = next();
      if (r < 0.03) return null;
      const drift = 0.002 * i * (k + 1) * (k % 2 === 0 ? 1 : -1);
      const spike = next() < 0.04 ? (next() - 0.5) * 0.6 : 0;
      const gX = 0.05 * k + drift / 10 + (next() - 0.5) * 0.002 + spike;
      const gY = -0.03 * k + drift / 20 + (next() - 0.5) * 0.002;
      const reading: Reading = {
        rawX: Math.round(gX * COUNTS_PER_G * 16) / 16,
        rawY: Math.round(gY * COUNTS_PER_G * 16) / 16,
        rawT: 15 + 10 * next(),
      };
      if (k === 1) reading.rawZ = Math.sqrt(1 - gX * gX - gY * gY) * COUNTS_PER_G * (next() < 0.05 ? 0.7 : 1);
      if (r < 0.06) reading.errorCode = 4;
      else if (r < 0.07) reading.rawX = Number.NaN;
      return reading;
    }),
  );
  return rawBlockOf(timestamps, rows);
}

function chainModel(station: Partial<StationRow>): ChainModel {
  const thresholds: ThresholdSpec[] = [
    { metric: 'cumulative_mm', level: 1, value: 20 },
    { metric: 'cumulative_mm', level: 2, value: 60 },
    { metric: 'cumulative_mm', level: 3, value: 120 },
    { metric: 'velocity_mm_per_day', level: 1, value: 40 },
    { metric: 'velocity_mm_per_day', level: 2, value: 150, nodeIndex: 3 },
    { metric: 'tilt_deg', level: 1, value: 1.5 },
    { metric: 'tilt_deg', level: 3, value: 4, nodeIndex: 5 },
  ];
  const nodes = [1, 2, 3, 4, 5].map((i) =>
    nodeRow(i, {
      offsetZ: i === 2 ? 0 : null,
      gainZ: i === 2 ? 1 / COUNTS_PER_G : null,
      tempCoeffX: i === 3 ? 0.01 : null,
      tempCoeffY: i === 3 ? -0.02 : null,
      lengthMm: i === 4 ? 500 : null,
    }),
  );
  return modelOf(station, nodes, thresholds);
}

/** Index of the first timestamp ≥ t. */
function firstAtOrAfter(timestamps: Float64Array, t: number): number {
  let i = 0;
  while (i < timestamps.length && timestamps[i]! < t) i++;
  return i;
}

function referencesFor(model: ChainModel, block: RawBlock): References {
  const tRef = model.params.referenceTime ?? block.timestamps[0]!;
  const span = referenceLoadSpan(model.params, tRef);
  const from = firstAtOrAfter(block.timestamps, span.from);
  const to = firstAtOrAfter(block.timestamps, span.toExclusive);
  return computeReferences(model, sliceBlock(block, from, to), tRef);
}

interface Elaborated {
  rows: Record<(typeof COLUMNS)[number], number[]>;
  timestamps: number[];
  events: AlarmEvent[];
}

/** Runs [starts[r], starts[r + 1]) each with `context` seconds of look-back before its t_p. */
function elaborateInRuns(model: ChainModel, block: RawBlock, starts: number[], context: number): Elaborated {
  const refs = referencesFor(model, block);
  const result: Elaborated = {
    rows: Object.fromEntries(COLUMNS.map((c) => [c, []])) as unknown as Elaborated['rows'],
    timestamps: [],
    events: [],
  };
  starts.forEach((start, r) => {
    const end = starts[r + 1] ?? block.timestamps.length;
    const from = start === 0 ? 0 : firstAtOrAfter(block.timestamps, block.timestamps[start - 1]! - context);
    const { output, events } = elaborateBlock(model, refs, sliceBlock(block, from, end), start - from);
    append(result, output);
    result.events.push(...events);
  });
  return result;
}

/**
 * One run over the whole history cut into chunks at `starts`: the first chunk
 * starts the chain, each later one continues from the state the previous one
 * left (no context re-read), as the engine does.
 */
function elaborateInChunks(model: ChainModel, block: RawBlock, starts: number[]): Elaborated {
  const refs = referencesFor(model, block);
  const result: Elaborated = {
    rows: Object.fromEntries(COLUMNS.map((c) => [c, []])) as unknown as Elaborated['rows'],
    timestamps: [],
    events: [],
  };
  let state: ChainState | null = null;
  starts.forEach((start, r) => {
    const end = starts[r + 1] ?? block.timestamps.length;
    const chunk = elaborateChunk(model, refs, sliceBlock(block, start, end), 0, state);
    // Through a structured clone, as between the engine and its worker threads.
    state = structuredClone(chunk.state);
    append(result, chunk.output);
    result.events.push(...chunk.events);
  });
  return result;
}

function append(result: Elaborated, output: OutputBlock): void {
  result.timestamps.push(...output.timestamps);
  for (const c of COLUMNS) result.rows[c].push(...output[c]);
}

/** Cells that are not the same double (Object.is: NaN equals NaN, 0 differs from −0). */
function differences(a: Elaborated, b: Elaborated): string[] {
  const found: string[] = [];
  for (const c of COLUMNS) {
    a.rows[c].forEach((v, i) => {
      if (!Object.is(v, b.rows[c][i])) found.push(`${c}[${i}]: ${v} vs ${b.rows[c][i]}`);
    });
  }
  return found;
}

function splits(count: number, next: () => number): number[] {
  const starts = [0];
  while (starts[starts.length - 1]! < count - 1)
    starts.push(starts[starts.length - 1]! + 1 + Math.floor(next() * 40));
  return starts.filter((s) => s < count);
}

interface Case {
  station: Partial<StationRow>;
  seed: number;
  silent: [number, number];
}

const cases: [string, Case][] = [
  [
    'bottom, reference at the first timestamp',
    {
      station: {
        despikeWindow: 5,
        despikeLookbackHours: 2,
        holdLastValidHours: 1,
        velocityWindowHours: 3,
        referenceWindowHours: 2,
        alarmOnDelayHours: 0.4,
        alarmOffDelayHours: 1.3,
      },
      seed: 11,
      silent: [100, 160],
    },
  ],
  [
    'top, reference inside the history, node 5 without reference',
    {
      station: {
        fixedEnd: 'top',
        referenceTime: 1_700_000_000 + 40 * 700 + 123,
        despikeWindow: 4,
        despikeLookbackHours: 1.5,
        holdLastValidHours: 0.75,
        velocityWindowHours: 5,
        referenceWindowHours: 3,
      },
      seed: 23,
      silent: [30, 90],
    },
  ],
  [
    'bottom, a hold longer than the despike look-back',
    {
      station: {
        despikeWindow: 3,
        despikeLookbackHours: 0.5,
        holdLastValidHours: 2,
        velocityWindowHours: 2,
        referenceWindowHours: 1,
        alarmOnDelayHours: 1.1,
        alarmOffDelayHours: 0.25,
      },
      seed: 5,
      silent: [300, 320],
    },
  ],
];

describe('§5 partition invariance', () => {
  it.each(cases)(
    '%s: runs of any length give the one-run rows and events bit for bit',
    (_name, { station, seed, silent }) => {
      const model = chainModel(station);
      const block = history(seed, 400, silent);
      const context = contextSeconds(model.params);
      const oneRun = elaborateInRuns(model, block, [0], context);
      // the history exercises what it should: every flag, velocities, events of every metric
      const flags = oneRun.rows.flags;
      const noReference = model.params.fixedEnd === 'top';
      for (const bit of [1, 2, 4, 8, 16, 32]) {
        expect(flags.some((f) => (f & bit) !== 0)).toBe(bit !== 16 || noReference);
      }
      expect(oneRun.rows.velR.filter((v) => !Number.isNaN(v)).length).toBeGreaterThan(200);
      expect(new Set(oneRun.events.map((e) => e.metric)).size).toBe(3);
      expect(oneRun.events.length).toBeGreaterThan(10);

      const next = random(seed * 7);
      const partitions = [
        // one run per timestamp, as incremental runs after every poll
        Array.from({ length: 400 }, (_, i) => i),
        splits(400, next),
        splits(400, next),
        [0, 200],
        [0, 1],
      ];
      for (const starts of partitions) {
        const runs = elaborateInRuns(model, block, starts, context);
        expect(runs.timestamps).toEqual(oneRun.timestamps);
        expect(differences(runs, oneRun)).toEqual([]);
        expect(runs.events).toEqual(oneRun.events);
      }
    },
  );

  it.each(cases)(
    '%s: chunks that carry their state give the one-block rows and events bit for bit',
    (_name, { station, seed, silent }) => {
      const model = chainModel(station);
      const block = history(seed, 400, silent);
      const oneRun = elaborateInRuns(model, block, [0], contextSeconds(model.params));
      const next = random(seed * 13);
      for (const starts of [Array.from({ length: 400 }, (_, i) => i), splits(400, next), [0, 7, 399]]) {
        const chunked = elaborateInChunks(model, block, starts);
        expect(chunked.timestamps).toEqual(oneRun.timestamps);
        expect(differences(chunked, oneRun)).toEqual([]);
        expect(chunked.events).toEqual(oneRun.events);
      }
    },
  );

  it('the alarm delays change the events of the delayed cases (the cases exercise them)', () => {
    for (const [, { station, seed, silent }] of cases) {
      if (!station.alarmOnDelayHours && !station.alarmOffDelayHours) continue;
      const block = history(seed, 400, silent);
      const delayed = elaborateInRuns(chainModel(station), block, [0], 0).events;
      const undelayed = elaborateInRuns(
        chainModel({ ...station, alarmOnDelayHours: 0, alarmOffDelayHours: 0 }),
        block,
        [0],
        0,
      ).events;
      expect(delayed).not.toEqual(undelayed);
      expect(delayed.length).toBeLessThan(undelayed.length);
    }
  });

  it('the references from the reference load span equal those from the whole history', () => {
    for (const [, { station, seed, silent }] of cases) {
      const model = chainModel(station);
      const block = history(seed, 400, silent);
      const whole = computeReferences(model, block, model.params.referenceTime ?? block.timestamps[0]!);
      const loaded = referencesFor(model, block);
      expect(Array.from(loaded.refX).every((v, k) => Object.is(v, whole.refX[k]))).toBe(true);
      expect(Array.from(loaded.refY).every((v, k) => Object.is(v, whole.refY[k]))).toBe(true);
    }
  });

  it.each([
    ['the hold and despike look-back', {}, (p: ChainParams) => p.velocityWindowHours],
    ['the despike look-back', {}, (p: ChainParams) => p.velocityWindowHours + p.holdLastValidHours],
    ['the hold', {}, (p: ChainParams) => p.velocityWindowHours + p.despikeLookbackHours],
    // delays longer than the other terms, so that a window reaches past them
    [
      'the on-delay',
      { alarmOnDelayHours: 9, alarmOffDelayHours: 0 },
      (p: ChainParams) => contextSeconds(p) / 3600 - p.alarmOnDelayHours,
    ],
    [
      'the off-delay',
      { alarmOnDelayHours: 0, alarmOffDelayHours: 9 },
      (p: ChainParams) => contextSeconds(p) / 3600 - p.alarmOffDelayHours,
    ],
  ] as const)(
    'runs whose context lacks %s differ in some case: each term of the context is needed',
    (_term, delays, hours) => {
      const differing = cases.map(([, { station, seed, silent }]) => {
        const model = chainModel({ ...station, ...delays });
        const block = history(seed, 400, silent);
        const oneRun = elaborateInRuns(model, block, [0], contextSeconds(model.params));
        const starts = Array.from({ length: 400 }, (_, i) => i);
        const runs = elaborateInRuns(model, block, starts, hours(model.params) * 3600);
        const eventsDiffer = JSON.stringify(runs.events) !== JSON.stringify(oneRun.events);
        return differences(runs, oneRun).length + (eventsDiffer ? 1 : 0);
      });
      expect(Math.max(...differing)).toBeGreaterThan(0);
    },
  );
});
