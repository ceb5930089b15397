/**
 * ELABORATION.md v2 §4 alarm delays, computed by hand on tiny chains and
 * checked against the reference oracle (reference-elaboration.ts) only. Each
 * test is built so that a plausible misreading of the rule gives different
 * events; the misreading is named in the test.
 *
 * The chains: 2-axis nodes whose X angle is set directly (rawX = sin(α) / gain,
 * Y level), no despike, no hold, and the reference taken from the first
 * reading alone (at minute 0, all nodes at 0°). So a node's tilt_deg metric is
 * the angle written in the samples, and with the default thresholds
 * 1° → level 1, 2° → level 2, 3° → level 3 the raw level is read off at a
 * glance: 0.5 → 0, 1.5 → 1, 2.5 → 2, 3.5 → 3, null (no row) → 0.
 *
 * In the comments R(t) is the raw chain level, C(t) the confirmed level and
 * L(t) the chain level, times are minutes after the first reading.
 */
import { describe, expect, it } from 'vitest';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../../src/core/domain/configuration.ts';
import { oracleChainParams, oracleInputFromRows, referenceElaborate } from './reference-elaboration.ts';

/** a whole hour (500 000 h after the epoch) */
const T0 = 1_800_000_000;
const GAIN = 1e-4;
const key = { controlUnitCode: 'CUD', chain: 'A' };

/** [minute, tilt of node 1, tilt of node 2, …] in degrees; null = no raw row for that node */
type Sample = [minute: number, ...tilts: Array<number | null>];
/** [level, value in degrees, nodeIndex (null = every node)] */
type Th = [level: number, value: number, nodeIndex: number | null];
/** an expected event: [minute, previousLevel, level, nodeIndex, value] */
type Ev = [minute: number, from: number, to: number, node: number | null, value: number | null];

const DEFAULT_THRESHOLDS: Th[] = [
  [1, 1, null],
  [2, 2, null],
  [3, 3, null],
];

function station(on: number | null, off: number | null): StationRow {
  return {
    ...key,
    siteName: null,
    active: 1,
    fixedEnd: 'bottom',
    referenceTime: null,
    // the first reading only (3.6 s)
    referenceWindowHours: 0.001,
    despikeWindow: 1,
    despikeNSigma: null,
    despikeMinSigmaDeg: null,
    despikeLookbackHours: null,
    holdLastValidHours: 0,
    velocityWindowHours: null,
    alarmOnDelayHours: on,
    alarmOffDelayHours: off,
    staleAfterHours: null,
  };
}

function node(nodeIndex: number): NodeRow {
  return {
    ...key,
    nodeIndex,
    depthM: nodeIndex,
    lengthMm: null,
    offsetX: 0,
    gainX: GAIN,
    offsetY: 0,
    gainY: GAIN,
    offsetZ: null,
    gainZ: null,
    tempOffset: 20,
    tempGain: 1,
    tempCoeffX: null,
    tempCoeffY: null,
    tempRef: null,
    fullScaleCounts: null,
    enabled: 1,
  };
}

/** The oracle's tilt_deg events for the chain, as [minute, from, to, node, value (rounded to 1e-9)]. */
function events(on: number | null, off: number | null, samples: Sample[], thresholds = DEFAULT_THRESHOLDS) {
  const nodeCount = samples[0]!.length - 1;
  expect(samples[0]).toEqual([0, ...new Array(nodeCount).fill(0)]); // the reference reading
  const rows: Array<{ t: number; k: number; x: number }> = [];
  for (const [minute, ...tilts] of samples) {
    expect(tilts).toHaveLength(nodeCount);
    tilts.forEach((tilt, k) => {
      if (tilt !== null)
        rows.push({ t: T0 + minute * 60, k: k + 1, x: Math.sin((tilt * Math.PI) / 180) / GAIN });
    });
  }
  const raw: RawColumns = {
    length: rows.length,
    timestamp: Float64Array.from(rows, (r) => r.t),
    nodeIndex: Int32Array.from(rows, (r) => r.k),
    rawX: Float64Array.from(rows, (r) => r.x),
    rawY: new Float64Array(rows.length),
    rawZ: new Float64Array(rows.length).fill(Number.NaN),
    rawT: new Float64Array(rows.length),
    errorCode: new Int32Array(rows.length),
  };
  const nodes = Array.from({ length: nodeCount }, (_, k) => node(k + 1));
  const thresholdRows: Array<Omit<ThresholdRow, 'id'>> = thresholds.map(([level, value, nodeIndex]) => ({
    ...key,
    metric: 'tilt_deg',
    level,
    value,
    nodeIndex,
  }));
  const output = referenceElaborate(oracleInputFromRows(station(on, off), nodes, thresholdRows, raw));
  return output.events.map((e): Ev => {
    expect(e.metric).toBe('tilt_deg');
    const value = e.value === null ? null : Math.round(e.value * 1e9) / 1e9;
    return [(e.timestamp - T0) / 60, e.previousLevel, e.level, e.nodeIndex, value];
  });
}

describe('alarm delays (ELABORATION.md v2 §4), hand-computed, on the oracle', () => {
  it('both delays 0 (or null) give exactly the v1 events: worst node = lowest index reaching R(t)', () => {
    const samples: Sample[] = [
      [0, 0, 0],
      [10, 1.5, 0], // R 1
      [20, 1.5, 2.5], // R 2 (node 2)
      [30, 0.5, 0], // R 0
      [40, 0, 3.5], // R 3 (node 2)
      [50, 3.5, 3.5], // R 3: same level, no event although the worst node changes
      [60, null, 1.5], // R 1: node 1 has no row (level 0)
    ];
    const v1: Ev[] = [
      [10, 0, 1, 1, 1.5],
      [20, 1, 2, 2, 2.5],
      [30, 2, 0, null, null],
      [40, 0, 3, 2, 3.5],
      [60, 3, 1, 2, 1.5],
    ];
    expect(events(0, 0, samples)).toEqual(v1);
    expect(events(null, null, samples)).toEqual(v1);
    expect(events(0, null, samples)).toEqual(v1);
    expect(events(null, 0, samples)).toEqual(v1);
  });

  it('on-delay window is closed at t − Hon: the timestamp exactly Hon before t counts', () => {
    // Hon = 30 min. C(30) = min R over [0, 30] = R(0) = 0; C(40) = min R over [10, 40] = 1.
    // Misreading (open window, τ > t − Hon): C(30) = min R over {10, 20, 30} = 1, event at 30.
    const samples: Sample[] = [
      [0, 0],
      [10, 1.5],
      [20, 1.5],
      [30, 1.5],
      [40, 1.5],
      [50, 0],
    ];
    expect(events(0.5, 0, samples)).toEqual([
      [40, 0, 1, 1, 1.5],
      [50, 1, 0, null, null],
    ]);
  });

  it('off-delay window is closed at t − Hoff: a level confirmed exactly Hoff before t still holds', () => {
    // Hoff = 30 min. L(40) = max C over [10, 40] = C(10) = 1; L(50) = max C over [20, 50] = 0.
    // Misreading (open window): L(40) = 0, release at 40.
    const samples: Sample[] = [
      [0, 0],
      [10, 1.5],
      [20, 0],
      [30, 0],
      [40, 0],
      [50, 0],
    ];
    expect(events(0, 0.5, samples)).toEqual([
      [10, 0, 1, 1, 1.5],
      [50, 1, 0, null, null],
    ]);
  });

  it('delays are seconds over irregular timestamps, not a count of samples', () => {
    // Hon = 30 min over timestamps 0, 10, 40, 70, 80, 100 (steps of 10 and 30 min).
    // C(40) = min R over [10, 40] = {R(10) = 0, R(40) = 1} = 0; C(70) = min R over [40, 70] = 1.
    // Misreading (30 min = 3 samples at a nominal 10 min): C(70) = min R(10), R(40), R(70) = 0,
    // first confirmed at 80.
    const samples: Sample[] = [
      [0, 0],
      [10, 0],
      [40, 1.5],
      [70, 1.5],
      [80, 1.5],
      [100, 0],
    ];
    expect(events(0.5, 0, samples)).toEqual([
      [70, 0, 1, 1, 1.5],
      [100, 1, 0, null, null],
    ]);
    // Hoff = 30 min over timestamps 0, 10, 20, 50, 60, 90. L(20) = C(10) = 1;
    // L(50) = max C over [20, 50] = 0: released at 50.
    // Misreading (30 min = 3 samples back): C(10) = 1 stays in the window at 50 and 60, released at 90.
    const off: Sample[] = [
      [0, 0],
      [10, 1.5],
      [20, 0],
      [50, 0],
      [60, 0],
      [90, 0],
    ];
    expect(events(0, 0.5, off)).toEqual([
      [10, 0, 1, 1, 1.5],
      [50, 1, 0, null, null],
    ]);
  });

  it('delays that are not a multiple of the sampling interval are not rounded to whole samples', () => {
    // Hon = 15 min, sampling 10 min: the window [t − 15, t] holds t − 10 and t.
    // C(10) = min(R(0), R(10)) = 0; C(20) = min(R(10), R(20)) = 1.
    // Misreading (15 min rounded up to 2 samples): C(20) = min(R(0), R(10), R(20)) = 0, never raised.
    expect(
      events(0.25, 0, [
        [0, 0],
        [10, 1.5],
        [20, 1.5],
        [30, 0],
      ]),
    ).toEqual([
      [20, 0, 1, 1, 1.5],
      [30, 1, 0, null, null],
    ]);
    // Hoff = 15 min: L(20) = max(C(10), C(20)) = 1; L(30) = max(C(20), C(30)) = 0.
    // Misreading (rounded up to 2 samples): L(30) = C(10) = 1, released only at 40.
    expect(
      events(0, 0.25, [
        [0, 0],
        [10, 1.5],
        [20, 0],
        [30, 0],
        [40, 0],
      ]),
    ).toEqual([
      [10, 0, 1, 1, 1.5],
      [30, 1, 0, null, null],
    ]);
  });

  it('after a gap longer than Hon the window holds only the chain timestamps that exist', () => {
    // Hon = 1 h; no chain timestamp between 20 and 200. C(200) = min R over [140, 200] = R(200) = 1.
    // Misreadings: missing times count as level 0 or the level must have been seen for Hon
    // (confirmed at 270); the window always reaches back to the previous timestamp (C(200) = R(20) = 0,
    // confirmed at 210).
    const samples: Sample[] = [
      [0, 0],
      [10, 0],
      [20, 0],
      [200, 1.5],
      [210, 1.5],
      [270, 1.5],
      [280, 0],
    ];
    expect(events(1, 0, samples)).toEqual([
      [200, 0, 1, 1, 1.5],
      [280, 1, 0, null, null],
    ]);
    // Hoff = 1 h: L(20) = max C over [−40, 20] = 1; after the gap L(200) = C(200) = 0.
    // Misreading (the level must be seen lower for Hoff of samples after the gap): still 1 at 210.
    expect(
      events(0, 1, [
        [0, 0],
        [10, 1.5],
        [20, 0],
        [200, 0],
        [210, 0],
      ]),
    ).toEqual([
      [10, 0, 1, 1, 1.5],
      [200, 1, 0, null, null],
    ]);
  });

  it('the first chain timestamp’s window holds just itself (no level 0 before the record)', () => {
    // A threshold at 0° puts every node with a reading at level 1, the first reading included.
    // Hon = 1 h: C(0) = R(0) = 1, event at 0. C(20) = min(1, 1, 2) = 1; C(80) = min R over [20, 80] = 2.
    // Misreading (timestamps before the first count as level 0): nothing until 0 → 2 at 80.
    const thresholds: Th[] = [
      [1, 0, null],
      [2, 2, null],
    ];
    const samples: Sample[] = [
      [0, 0],
      [10, 0],
      [20, 2.5],
      [50, 2.5],
      [80, 2.5],
    ];
    expect(events(1, 0, samples, thresholds)).toEqual([
      [0, 0, 1, 1, 0],
      [80, 1, 2, 1, 2.5],
    ]);
  });

  it('the event node is the lowest index whose RAW level at t reaches the new level', () => {
    // Hon = 15 min (window {t − 10, t}).
    // 2 nodes: R = 0, 2, 3, 0. C(20) = min(R(10), R(20)) = 2: event 0 → 2 at 20.
    // Node 1 is at raw level 3 ≥ 2 at 20: node 1, value 3.5.
    // Misreadings: the node whose own level was confirmed (held ≥ 2 since 10) → node 2; the node whose
    // raw level equals the new level → node 2.
    const two: Sample[] = [
      [0, 0, 0],
      [10, 0, 2.5],
      [20, 3.5, 2.5],
      [30, 0, 0],
    ];
    expect(events(0.25, 0, two)).toEqual([
      [20, 0, 2, 1, 3.5],
      [30, 2, 0, null, null],
    ]);
    // 3 nodes: at 20 node 2 is at level 2, node 3 at level 3 = R(20); C(20) = 2.
    // Misreading (v1's worst node, the lowest index reaching R(t)) → node 3.
    const three: Sample[] = [
      [0, 0, 0, 0],
      [10, 0, 2.5, 2.5],
      [20, 0, 2.2, 3.5],
      [30, 0, 0, 0],
    ];
    expect(events(0.25, 0, three)).toEqual([
      [20, 0, 2, 2, 2.2],
      [30, 2, 0, null, null],
    ]);
  });

  it('node and value are null while an off-delay holds a level no node reaches at t', () => {
    // Hoff = 30 min, Hon = 0 (C = R). R = 0, 3, 2, 1, 1, 1, 1.
    // L(40) = max C over [10, 40] = 3; L(50) = max C over [20, 50] = 2: event 3 → 2 at 50, and no node is
    // at raw level ≥ 2 at 50 (node 1 at 1) → null, null. Misreading (v1 worst node) → node 1, 1.5.
    // L(60) = max C over [30, 60] = 1: event 2 → 1, node 2 is the only node at level ≥ 1 at 60.
    const samples: Sample[] = [
      [0, 0, 0],
      [10, 0, 3.5],
      [20, 2.5, 0],
      [30, 1.5, 0],
      [40, 1.5, 1.5],
      [50, 1.5, 0],
      [60, 0, 1.5],
    ];
    expect(events(0, 0.5, samples)).toEqual([
      [10, 0, 3, 2, 3.5],
      [50, 3, 2, null, null],
      [60, 2, 1, 2, 1.5],
    ]);
  });

  it('an on-delay suppresses a short excursion', () => {
    // Hon = 30 min: level 2 for 20 min is never confirmed.
    expect(
      events(0.5, 0, [
        [0, 0],
        [10, 2.5],
        [20, 2.5],
        [30, 0],
        [40, 0],
      ]),
    ).toEqual([]);
    // A one-sample spike to level 3 inside a level-1 episode: only level 1 is confirmed, at 40
    // (C(40) = min R over [10, 40] = 1), and the spike leaves no trace.
    const spike: Sample[] = [
      [0, 0],
      [10, 1.5],
      [20, 1.5],
      [30, 3.5],
      [40, 1.5],
      [50, 1.5],
      [60, 0],
    ];
    expect(events(0.5, 0, spike)).toEqual([
      [40, 0, 1, 1, 1.5],
      [60, 1, 0, null, null],
    ]);
  });

  it('an off-delay suppresses chatter', () => {
    const samples: Sample[] = [
      [0, 0],
      [10, 1.5],
      [20, 0],
      [30, 1.5],
      [40, 0],
      [50, 1.5],
      [60, 0],
      [70, 0],
      [80, 0],
      [90, 0],
    ];
    // without delays: six events
    expect(events(0, 0, samples)).toHaveLength(6);
    // Hoff = 30 min: L(80) = max C over [50, 80] = 1, L(90) = max C over [60, 90] = 0.
    expect(events(0, 0.5, samples)).toEqual([
      [10, 0, 1, 1, 1.5],
      [90, 1, 0, null, null],
    ]);
  });

  it('a rise 0 → 1 → 2 within Hon is confirmed level by level; a direct 0 → 2 in one step', () => {
    // Hon = 15 min (window {t − 10, t}). R = 0, 1, 2, 2, 0.
    // C(20) = min(1, 2) = 1: 0 → 1 at 20 (node 1, at raw level 2 ≥ 1); C(30) = 2: 1 → 2 at 30.
    // Misreading (a timer started when R left 0, then jumping to the current R): 0 → 2 at 30.
    expect(
      events(0.25, 0, [
        [0, 0],
        [10, 1.5],
        [20, 2.5],
        [30, 2.5],
        [40, 0],
      ]),
    ).toEqual([
      [20, 0, 1, 1, 2.5],
      [30, 1, 2, 1, 2.5],
      [40, 2, 0, null, null],
    ]);
    // R = 0, 2, 2, 0: C(20) = 2 directly, no intermediate level 1 (misreading: one level at a time).
    expect(
      events(0.25, 0, [
        [0, 0],
        [10, 2.5],
        [20, 2.5],
        [30, 0],
      ]),
    ).toEqual([
      [20, 0, 2, 1, 2.5],
      [30, 2, 0, null, null],
    ]);
  });

  it('on- and off-delay together: the off-delay runs on the confirmed level, not the raw one', () => {
    // Hon = Hoff = 15 min (each window {t − 10, t}). R = 0, 1, 1, 0, 1, 0, 0.
    // C = 0, 0, 1, 0, 0, 0, 0; L(20) = 1, L(30) = max(C(20), C(30)) = 1, L(40) = max(C(30), C(40)) = 0.
    // Misreading (off-delay over R): L(40) = max(R(30), R(40)) = 1, released only at 60.
    const samples: Sample[] = [
      [0, 0],
      [10, 1.5],
      [20, 1.5],
      [30, 0],
      [40, 1.5],
      [50, 0],
      [60, 0],
    ];
    expect(events(0.25, 0.25, samples)).toEqual([
      [20, 0, 1, 1, 1.5],
      [40, 1, 0, null, null],
    ]);
  });

  it('delays: null takes the default 0, a negative delay fails the chain', () => {
    const params = oracleChainParams(station(null, null));
    expect(params.alarmOnDelayHours).toBe(0);
    expect(params.alarmOffDelayHours).toBe(0);
    expect(oracleChainParams(station(1.5, 0.25))).toMatchObject({
      alarmOnDelayHours: 1.5,
      alarmOffDelayHours: 0.25,
    });
    expect(() => oracleChainParams(station(-1, null))).toThrow(/alarmOnDelayHours/);
    expect(() => oracleChainParams(station(null, -0.5))).toThrow(/alarmOffDelayHours/);
  });
});
