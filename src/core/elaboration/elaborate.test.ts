import { describe, expect, it } from 'vitest';
import {
  FLAG_GRAVITY,
  FLAG_HELD,
  FLAG_INVALID,
  FLAG_NO_REFERENCE,
  FLAG_SPIKE_X,
  FLAG_SPIKE_Y,
} from '../domain/flags.ts';
import { elaborateBlock } from './elaborate.ts';
import { computeReferences } from './reference.ts';
import { column, every, g, modelOf, nodeRow, type Reading, rawBlockOf } from './test-support.ts';
import type { ChainModel, RawBlock } from './types.ts';

const N = Number.NaN;
const bad: Reading = { ...g(0), errorCode: 1 };

function run(model: ChainModel, block: RawBlock, outputFrom = 0, tRef = block.timestamps[0]!) {
  return elaborateBlock(model, computeReferences(model, block, tRef), block, outputFrom);
}

describe('step 13: flags', () => {
  it('are the bits of elaborated_rsn_data.flags', () => {
    expect([FLAG_INVALID, FLAG_SPIKE_X, FLAG_SPIKE_Y, FLAG_HELD, FLAG_NO_REFERENCE, FLAG_GRAVITY]).toEqual([
      1, 2, 4, 8, 16, 32,
    ]);
  });

  it('combine: a held gravity failure of a node without reference is 1 | 32 | 8 | 16 = 57', () => {
    // 3-axis node: t0 valid (g = 0, 0, 1), t1 gravity failure (|m − 1| = 0.5), held from t0.
    // References supplied as none.
    const model = modelOf({}, [nodeRow(1, { offsetZ: 0, gainZ: 1 / 1024 })]);
    const block = rawBlockOf([0, 600], [[g(0, 0, 1)], [g(0, 0, 0.5)]]);
    const result = elaborateBlock(model, { refX: Float64Array.of(N), refY: Float64Array.of(N) }, block, 0);
    expect(Array.from(result.output.flags)).toEqual([FLAG_NO_REFERENCE, 57]);
  });
});

describe('§3 over a chain', () => {
  it('an enabled node with no raw rows gets invalid, unreferenced rows at every chain timestamp', () => {
    const model = modelOf({}, 2);
    const block = rawBlockOf(every(600, 3), [
      [g(0), null],
      [g(0), null],
      [g(0), null],
    ]);
    const { output } = run(model, block);
    expect(column(output.flags, 2, 1)).toEqual([17, 17, 17]);
    expect(column(output.alphaX, 2, 1)).toEqual([N, N, N]);
    // bottom: node 1's sum includes node 2 → null; node 2's own sum null
    expect(column(output.cumX, 2, 0)).toEqual([N, N, N]);
  });

  it('a held row has displacements and cumulative values from its held angles', () => {
    // Reference = t0 (window 0.1 h = 360 s < 600 s): all nodes at 0°. At t1 all nodes at gX 0.5 (30°):
    // disp = 1000 · (sin 30° − sin 0°) = 500 mm each; bottom cum = 1500, 1000, 500.
    // t2: node 2 invalid, held from t1 (600 s ≤ 2 h) → same disp, same cum; flags INVALID | HELD.
    const model = modelOf({ referenceWindowHours: 0.1 }, 3);
    const block = rawBlockOf(every(600, 3), [
      [g(0), g(0), g(0)],
      [g(0.5), g(0.5), g(0.5)],
      [g(0.5), bad, g(0.5)],
    ]);
    const { output, counts } = run(model, block);
    expect(output.flags[7]).toBe(FLAG_INVALID | FLAG_HELD);
    expect(output.dispX[7]).toBeCloseTo(500, 9);
    expect(Array.from(output.cumX.slice(6))).toEqual(Array.from(output.cumX.slice(3, 6)));
    expect(output.cumX[6]).toBeCloseTo(1500, 9);
    expect(output.temperature[7]).toBe(20);
    expect(counts).toEqual({ invalidRows: 1, spikeRows: 0, heldRows: 1 });
  });

  it('an invalid row that is not held nulls its own values and every cumulative that includes it', () => {
    // as above with holdLastValidHours 0: node 2 at t2 is null; bottom: cum of nodes 1 and 2 null,
    // node 3 (500 mm) unaffected; top: nodes 2 and 3 null, node 1 (500 mm) unaffected
    const rows = [
      [g(0), g(0), g(0)],
      [g(0.5), g(0.5), g(0.5)],
      [g(0.5), bad, g(0.5)],
    ];
    const bottom = run(
      modelOf({ referenceWindowHours: 0.1, holdLastValidHours: 0 }, 3),
      rawBlockOf(every(600, 3), rows),
    );
    const nullRow = [7].map((c) => [
      bottom.output.alphaX[c],
      bottom.output.temperature[c],
      bottom.output.dispX[c],
    ]);
    expect(nullRow).toEqual([[N, N, N]]);
    expect(bottom.output.cumX[6]).toBeNaN();
    expect(bottom.output.cumX[7]).toBeNaN();
    expect(bottom.output.cumX[8]).toBeCloseTo(500, 9);
    expect(bottom.output.velR[7]).toBeNaN();
    const top = run(
      modelOf({ referenceWindowHours: 0.1, holdLastValidHours: 0, fixedEnd: 'top' }, 3),
      rawBlockOf(every(600, 3), rows),
    );
    expect(top.output.cumX[6]).toBeCloseTo(500, 9);
    expect([top.output.cumX[7], top.output.cumX[8], top.output.cumR[8]]).toEqual([N, N, N]);
  });

  it('spikes are counted once per row, whichever axes', () => {
    // window 3: t2 spikes on X and Y in node 1, on X in node 2 → 2 spike rows
    const model = modelOf({ despikeWindow: 3 }, 2);
    const block = rawBlockOf(every(600, 3), [
      [g(0, 0), g(0, 0)],
      [g(0, 0), g(0, 0)],
      [g(0.5, 0.5), g(0.5, 0)],
    ]);
    const { output, counts } = run(model, block);
    expect(Array.from(output.flags.slice(4))).toEqual([FLAG_SPIKE_X | FLAG_SPIKE_Y, FLAG_SPIKE_X]);
    expect(counts.spikeRows).toBe(2);
  });

  it('the chain alarm follows tilt from the reference through the whole pipeline', () => {
    // reference t0 at 0°; t1 at 30° → tilt 30 ≥ 10 → level 1 at node 1; t2 back to 0° → level 0
    const model = modelOf({ referenceWindowHours: 0.1 }, 1, [{ metric: 'tilt_deg', level: 1, value: 10 }]);
    const block = rawBlockOf(every(600, 3), [[g(0)], [g(0.5)], [g(0)]]);
    const { events } = run(model, block);
    expect(events).toEqual([
      {
        metric: 'tilt_deg',
        timestamp: 600,
        level: 1,
        previousLevel: 0,
        nodeIndex: 1,
        value: 30.000000000000004,
      },
      { metric: 'tilt_deg', timestamp: 1200, level: 0, previousLevel: 1, nodeIndex: null, value: null },
    ]);
  });
});

describe('§5 output rows of a block with context', () => {
  const model = modelOf({ referenceWindowHours: 0.1 }, 2, [{ metric: 'tilt_deg', level: 1, value: 10 }]);
  const block = rawBlockOf(every(600, 5), [
    [g(0), g(0)],
    [g(0.5), bad],
    [g(0.5), g(0)],
    [g(0), null],
    [g(0), g(0)],
  ]);
  const refs = computeReferences(model, block, 0);
  const whole = elaborateBlock(model, refs, block, 0);
  const tail = elaborateBlock(model, refs, block, 2);

  it('returns the rows from outputFrom on, equal to those of the whole block', () => {
    expect(Array.from(tail.output.timestamps)).toEqual([1200, 1800, 2400]);
    expect(tail.output.nodeCount).toBe(2);
    for (const key of [
      'alphaX',
      'alphaY',
      'temperature',
      'dispX',
      'cumX',
      'cumR',
      'velR',
      'flags',
    ] as const) {
      expect(Array.from(tail.output[key])).toEqual(Array.from(whole.output[key].slice(4)));
    }
  });

  it('counts only the output rows', () => {
    // whole: t1 node 2 invalid (held), t3 node 2 missing (held) → 2 invalid, 2 held; tail: only t3
    expect(whole.counts).toEqual({ invalidRows: 2, spikeRows: 0, heldRows: 2 });
    expect(tail.counts).toEqual({ invalidRows: 1, spikeRows: 0, heldRows: 1 });
  });

  it('returns the events from outputFrom on, with the previous level from the context', () => {
    // chain tilt levels: t0 0, t1 1, t2 1, t3 0 → events t1 (0 → 1), t3 (1 → 0); outputFrom 2 keeps t3
    expect(whole.events.map((e) => [e.timestamp, e.level, e.previousLevel])).toEqual([
      [600, 1, 0],
      [1800, 0, 1],
    ]);
    expect(tail.events).toEqual(whole.events.slice(1));
  });

  it('rejects a block that does not fit the model', () => {
    expect(() => elaborateBlock(model, refs, block, 6)).toThrow(/outputFrom 6/);
    expect(() => elaborateBlock(modelOf({}, 3), refs, block, 0)).toThrow(/model of 3 nodes/);
  });
});
