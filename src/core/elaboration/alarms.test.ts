import { describe, expect, it } from 'vitest';
import type { AlarmEvent, Metric } from '../domain/alarms.ts';
import { alarmEvents, type MetricInputs, nodeLevel, thresholdTable } from './alarms.ts';
import { cellsOf, every, modelOf, type ThresholdSpec } from './test-support.ts';

const N = Number.NaN;

/** Inputs where rows[i][k] is node k's value of `metric` at timestamp i (cumR or velR). */
function inputs(metric: Metric, rows: number[][]): MetricInputs {
  const nodeCount = rows[0]!.length;
  const flat = Float64Array.from(rows.flat());
  const none = new Float64Array(flat.length).fill(N);
  return {
    cells: cellsOf(
      every(600, rows.length),
      rows.map((r) => r.map(() => 0)),
    ),
    refs: { refX: new Float64Array(nodeCount), refY: new Float64Array(nodeCount) },
    cumR: metric === 'cumulative_mm' ? flat : none,
    velR: metric === 'velocity_mm_per_day' ? flat : none,
  };
}

function events(thresholds: ThresholdSpec[], metricInputs: MetricInputs, outputFrom = 0): AlarmEvent[] {
  const model = modelOf({}, metricInputs.cells.nodeCount, thresholds);
  return alarmEvents(model, metricInputs, outputFrom);
}

const cumulative = (level: number, value: number): ThresholdSpec => ({
  metric: 'cumulative_mm',
  level,
  value,
});

describe('§4 node level', () => {
  const model = modelOf({}, 2, [
    cumulative(3, 20),
    cumulative(1, 5),
    cumulative(2, 10),
    { metric: 'cumulative_mm', level: 2, value: 7, nodeIndex: 2 },
  ]);
  const table = thresholdTable(model, 'cumulative_mm');

  it.each([
    // value ≤ metric counts: 10 reaches level 2 exactly
    [10, 2],
    [9.999, 1],
    [5, 1],
    [4.9, 0],
    // the highest reached level, whatever the order of the thresholds
    [25, 3],
    // a null metric value is level 0
    [N, 0],
  ])('node 1 at %d → level %d', (value, level) => {
    expect(nodeLevel(table, 0, value)).toBe(level);
  });

  it('a node-specific threshold applies to its node only, together with the chain-wide ones', () => {
    // node 2: 7 reaches its own level 2 at 7; node 1 at 8 is only level 1 (5 ≤ 8 < 10)
    expect(nodeLevel(table, 1, 8)).toBe(2);
    expect(nodeLevel(table, 0, 8)).toBe(1);
    // node 2 at 6: its own level-2 threshold (7) is not reached, the chain-wide level 1 (5) is
    expect(nodeLevel(table, 1, 6)).toBe(1);
    // node 2 at 12: the chain-wide level 2 (10) as well as its own
    expect(nodeLevel(table, 1, 12)).toBe(2);
  });
});

describe('§4 alarm events', () => {
  const levels = [cumulative(1, 5), cumulative(2, 10)];

  it('the chain level is the max over nodes; the worst node is the lowest nodeIndex reaching it, with its value', () => {
    // node values 6, 12, 15 → levels 1, 2, 2 → chain level 2; worst = node 2 (not node 3, the largest value)
    expect(events(levels, inputs('cumulative_mm', [[6, 12, 15]]))).toEqual([
      { metric: 'cumulative_mm', timestamp: 0, level: 2, previousLevel: 0, nodeIndex: 2, value: 12 },
    ]);
  });

  it('an event where the chain level changes, none where it holds; a return to 0 has null node and value', () => {
    // chain levels over time: 0, 1, 1, 2, 0 → events at t1 (0 → 1), t3 (1 → 2), t4 (2 → 0)
    const rows = [[1], [6], [7], [11], [N]];
    expect(events(levels, inputs('cumulative_mm', rows))).toEqual([
      { metric: 'cumulative_mm', timestamp: 600, level: 1, previousLevel: 0, nodeIndex: 1, value: 6 },
      { metric: 'cumulative_mm', timestamp: 1800, level: 2, previousLevel: 1, nodeIndex: 1, value: 11 },
      { metric: 'cumulative_mm', timestamp: 2400, level: 0, previousLevel: 2, nodeIndex: null, value: null },
    ]);
  });

  it('the level before the first chain timestamp is 0', () => {
    expect(events(levels, inputs('cumulative_mm', [[5]]))).toEqual([
      { metric: 'cumulative_mm', timestamp: 0, level: 1, previousLevel: 0, nodeIndex: 1, value: 5 },
    ]);
    expect(events(levels, inputs('cumulative_mm', [[4]]))).toEqual([]);
  });

  it('a level change with a new worst node but the same level is no event', () => {
    // t0: node 1 at level 1; t1: node 1 back to 0, node 2 at level 1 → chain level stays 1
    expect(
      events(
        levels,
        inputs('cumulative_mm', [
          [6, 0],
          [0, 6],
        ]),
      ),
    ).toHaveLength(1);
  });

  it('velocity_mm_per_day compares velR', () => {
    const rows = [[0.2], [1.5]];
    expect(
      events([{ metric: 'velocity_mm_per_day', level: 3, value: 1 }], inputs('velocity_mm_per_day', rows)),
    ).toEqual([
      { metric: 'velocity_mm_per_day', timestamp: 600, level: 3, previousLevel: 0, nodeIndex: 1, value: 1.5 },
    ]);
  });

  it('tilt_deg compares max(|cX′ − refX|, |cY′ − refY|)', () => {
    // cX′ = 1.5, refX = 1 → 0.5; cY′ = −2.25, refY = −1 → 1.25; max = 1.25 → level 1 (1.2 ≤ 1.25 < 2).
    // Without the reference |−2.25| would reach level 2; X alone (0.5) no level.
    const metricInputs = inputs('tilt_deg', [[0]]);
    metricInputs.cells = cellsOf([0], [[{ x: 1.5, y: -2.25 }]]);
    metricInputs.refs = { refX: Float64Array.of(1), refY: Float64Array.of(-1) };
    const tilt = (level: number, value: number): ThresholdSpec => ({ metric: 'tilt_deg', level, value });
    expect(events([tilt(1, 1.2), tilt(2, 2)], metricInputs)).toEqual([
      { metric: 'tilt_deg', timestamp: 0, level: 1, previousLevel: 0, nodeIndex: 1, value: 1.25 },
    ]);
  });

  it('only metrics with a threshold on the chain are evaluated', () => {
    // cumR is 50 (over any cumulative threshold) but the chain has only a velocity threshold
    const metricInputs = inputs('cumulative_mm', [[50]]);
    expect(events([{ metric: 'velocity_mm_per_day', level: 1, value: 1 }], metricInputs)).toEqual([]);
  });

  it('events are ordered by timestamp, then cumulative, velocity, tilt', () => {
    const metricInputs = inputs('cumulative_mm', [[0], [50]]);
    metricInputs.velR = Float64Array.of(0, 9);
    const result = events(
      [{ metric: 'velocity_mm_per_day', level: 1, value: 1 }, cumulative(1, 5)],
      metricInputs,
    );
    expect(result.map((e) => [e.timestamp, e.metric])).toEqual([
      [600, 'cumulative_mm'],
      [600, 'velocity_mm_per_day'],
    ]);
  });

  it('from outputFrom on only; the previous level comes from the context row before it', () => {
    // chain levels 1, 1, 2. outputFrom 1: t1 has no event (level at t0 was already 1); t2 is 1 → 2.
    const rows = [[6], [7], [12]];
    expect(events(levels, inputs('cumulative_mm', rows), 1)).toEqual([
      { metric: 'cumulative_mm', timestamp: 1200, level: 2, previousLevel: 1, nodeIndex: 1, value: 12 },
    ]);
    // from 0: t0 is 0 → 1 as well
    expect(events(levels, inputs('cumulative_mm', rows), 0)).toHaveLength(2);
    // outputFrom 2: the event at t2 keeps previousLevel 1 from the context
    expect(events(levels, inputs('cumulative_mm', rows), 2)[0]?.previousLevel).toBe(1);
  });
});

describe('§4 v2 alarm delays (hand-computed; each case fails under a plausible misreading)', () => {
  const levels = [cumulative(1, 5), cumulative(2, 10)];

  /** Events for node values rows[i][k] at times[i], with the chain's delays in hours. */
  function delayed(
    times: number[],
    rows: number[][],
    delays: { alarmOnDelayHours?: number; alarmOffDelayHours?: number },
  ): AlarmEvent[] {
    const metricInputs = inputs('cumulative_mm', rows);
    metricInputs.cells.timestamps = Float64Array.from(times);
    const model = modelOf(delays, rows[0]!.length, levels);
    return alarmEvents(model, metricInputs, 0);
  }
  const event = (
    timestamp: number,
    level: number,
    previousLevel: number,
    nodeIndex: number | null,
    value: number | null,
  ): AlarmEvent => ({ metric: 'cumulative_mm', timestamp, level, previousLevel, nodeIndex, value });

  it('on-delay: the window [t − Hon, t] is closed, so a level confirms one sample after an open window would', () => {
    // R = 0,1,1,1,1 at 0,600,…,2400; Hon = 1800 s. C(1800) = min R over [0, 1800] holds R(0) = 0;
    // C(2400) = min over [600, 2400] = 1. An open window (τ > t − Hon) would confirm at 1800.
    expect(delayed(every(600, 5), [[0], [6], [6], [6], [6]], { alarmOnDelayHours: 0.5 })).toEqual([
      event(2400, 1, 0, 1, 6),
    ]);
  });

  it('on-delay counts seconds over chain timestamps that exist: after a gap longer than Hon a level confirms at once', () => {
    // times 0, 600, 4200, 4800; Hon = 1800 s: the window of 4200 is [2400, 4200] = {4200} alone.
    // Counting the delay in samples (3 samples at 10 min) would wait until a third sample.
    expect(delayed([0, 600, 4200, 4800], [[0], [6], [6], [6]], { alarmOnDelayHours: 0.5 })).toEqual([
      event(4200, 1, 0, 1, 6),
    ]);
  });

  it('on-delay suppresses an excursion shorter than the delay', () => {
    // R = 0,2,2,0,0 with Hon = 1800 s: level 2 held for 600 s only, never confirmed
    expect(delayed(every(600, 5), [[0], [12], [12], [0], [0]], { alarmOnDelayHours: 0.5 })).toEqual([]);
  });

  it('on-delay: a rise 0 → 2 confirms level 1 first, then 2, each when it has held for Hon', () => {
    // R = 0,1,2,2,2; Hon = 1200 s: C(1800) = min{1,2,2} = 1, C(2400) = min{2,2,2} = 2
    expect(delayed(every(600, 5), [[0], [6], [12], [12], [12]], { alarmOnDelayHours: 1 / 3 })).toEqual([
      event(1800, 1, 0, 1, 12),
      event(2400, 2, 1, 1, 12),
    ]);
  });

  it('off-delay: chatter below the delay is one alarm, released Hoff after the last confirmed level', () => {
    // R = C = 1,0,1,0,0,0,0; Hoff = 1800 s: L(t) = max C over [t − 1800, t] stays 1 until 3600
    expect(delayed(every(600, 7), [[6], [0], [6], [0], [0], [0], [0]], { alarmOffDelayHours: 0.5 })).toEqual([
      event(0, 1, 0, 1, 6),
      event(3600, 0, 1, null, null),
    ]);
  });

  it('the node of an event is chosen by the raw level at t, not by the level held: null while no node reaches it', () => {
    // R = 2,1,0,0,0 (node 1); Hoff = 1200 s: L = 2,2,2,1,0. At 1800 L drops to 1 while no node is ≥ 1.
    expect(delayed(every(600, 5), [[12], [6], [0], [0], [0]], { alarmOffDelayHours: 1 / 3 })).toEqual([
      event(0, 2, 0, 1, 12),
      event(1800, 1, 2, null, null),
      event(2400, 0, 1, null, null),
    ]);
  });

  it('a release to a lower level names the lowest nodeIndex whose raw level reaches it, not the worst node', () => {
    // node values [12,0], [0,6], [0,6], [0,0], [0,0]; Hoff = 600 s:
    // L = 2,2,1,1,0; at 1200 the level 1 is node 2's (node 1 is at 0), value 6
    expect(
      delayed(
        every(600, 5),
        [
          [12, 0],
          [0, 6],
          [0, 6],
          [0, 0],
          [0, 0],
        ],
        { alarmOffDelayHours: 1 / 6 },
      ),
    ).toEqual([event(0, 2, 0, 1, 12), event(1200, 1, 2, 2, 6), event(2400, 0, 1, null, null)]);
  });
});
