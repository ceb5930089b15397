/**
 * The demo site through the real elaboration (src/core/elaboration, whole
 * record in one block): the faults are caught by the step meant for them,
 * and the alarm story of demo-site.ts happens, with its noise, without a
 * storm of flickering events.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../domain/alarms.ts';
import {
  FLAG_GRAVITY,
  FLAG_HELD,
  FLAG_INVALID,
  FLAG_NO_REFERENCE,
  FLAG_SPIKE_X,
  FLAG_SPIKE_Y,
} from '../domain/flags.ts';
import { buildChainModel } from '../elaboration/config.ts';
import { elaborateBlock } from '../elaboration/elaborate.ts';
import { computeReferences } from '../elaboration/reference.ts';
import type { OutputBlock, RawBlock } from '../elaboration/types.ts';
import { DemoAnomaly, type DemoChain, type DemoTruth, planDemoSite } from './demo-site.ts';

interface Elaborated {
  chain: DemoChain;
  /** enabled node indices, in model order */
  nodes: number[];
  output: OutputBlock;
  events: AlarmEvent[];
  /** truth anomaly per output cell (same layout as the output) */
  anomaly: Uint8Array;
}

const label = (chain: DemoChain) => `${chain.key.controlUnitCode}-${chain.key.chain}`;
const at = (iso: string) => Date.parse(iso) / 1000;

function elaborate(chain: DemoChain): Elaborated {
  const chunk = chain.chunks({ chunkRows: Number.POSITIVE_INFINITY, truth: true }).next().value!;
  const raw = chunk.raw;
  const truth: DemoTruth = chunk.truth!;
  const model = buildChainModel({
    station: chain.station,
    nodes: chain.nodes,
    thresholds: chain.thresholds.map((t, i) => ({ ...t, id: i + 1 })),
  });
  const nodes = model.nodes.map((n) => n.nodeIndex);
  const position = new Map(nodes.map((n, k) => [n, k]));
  const all = chain.nodes.length;
  const count = chain.timestampCount;
  const size = count * nodes.length;
  const block: RawBlock = {
    nodeCount: nodes.length,
    timestamps: new Float64Array(count),
    present: new Uint8Array(size),
    rawX: new Float64Array(size),
    rawY: new Float64Array(size),
    rawZ: new Float64Array(size),
    rawT: new Float64Array(size),
    errorCode: new Int32Array(size),
  };
  const anomaly = new Uint8Array(size);
  for (let r = 0; r < raw.length; r++) {
    const i = Math.floor(r / all);
    block.timestamps[i] = raw.timestamp[r]!;
    const k = position.get(raw.nodeIndex[r]!);
    if (k === undefined) continue;
    const cell = i * nodes.length + k;
    block.present[cell] = 1;
    block.rawX[cell] = raw.rawX[r]!;
    block.rawY[cell] = raw.rawY[r]!;
    block.rawZ[cell] = raw.rawZ[r]!;
    block.rawT[cell] = raw.rawT[r]!;
    block.errorCode[cell] = raw.errorCode[r]!;
    anomaly[cell] = truth.anomaly[r]!;
  }
  const refs = computeReferences(model, block, model.params.referenceTime ?? block.timestamps[0]!);
  const result = elaborateBlock(model, refs, block, 0);
  return { chain, nodes, output: result.output, events: result.events, anomaly };
}

/** Highest level per metric, and when each level was first reached. */
function story(events: AlarmEvent[]): Record<string, { max: number; first: Record<number, number> }> {
  const out: Record<string, { max: number; first: Record<number, number> }> = {};
  for (const e of events) {
    const s = out[e.metric] ?? { max: 0, first: {} };
    out[e.metric] = s;
    if (e.level > s.max) s.max = e.level;
    if (e.level > 0 && s.first[e.level] === undefined) s.first[e.level] = e.timestamp;
  }
  return out;
}

describe('the demo site through the elaboration', () => {
  const plan = planDemoSite();
  const results = new Map<string, Elaborated>();
  beforeAll(() => {
    for (const chain of plan.chains) results.set(label(chain), elaborate(chain));
  });

  it('every planned spike is caught by the Hampel filter, and nothing else is', () => {
    for (const r of results.values()) {
      let planned = 0;
      let caught = 0;
      let falsePositives = 0;
      const { flags } = r.output;
      for (let cell = 0; cell < flags.length; cell++) {
        const spike = (flags[cell]! & (FLAG_SPIKE_X | FLAG_SPIKE_Y)) !== 0;
        if (r.anomaly[cell] === DemoAnomaly.spike) {
          planned++;
          if (spike) caught++;
        } else if (spike) falsePositives++;
      }
      expect(planned, label(r.chain)).toBeGreaterThan(0);
      expect(caught, label(r.chain)).toBe(planned);
      expect(falsePositives, label(r.chain)).toBe(0);
    }
  });

  it('error codes, railed and dead readings are INVALID; bad gravity vectors are GRAVITY; short outages are HELD', () => {
    let held = 0;
    for (const r of results.values()) {
      const { flags } = r.output;
      const wrong = { invalid: 0, valid: 0, gravity: 0, noReference: 0 };
      for (let cell = 0; cell < flags.length; cell++) {
        const a = r.anomaly[cell]!;
        const f = flags[cell]!;
        const invalid = (f & FLAG_INVALID) !== 0;
        if (a === DemoAnomaly.none || a === DemoAnomaly.spike) {
          if (invalid) wrong.invalid++;
        } else if (!invalid) wrong.valid++;
        if (((f & FLAG_GRAVITY) !== 0) !== (a === DemoAnomaly.gravity)) wrong.gravity++;
        if (f & FLAG_NO_REFERENCE) wrong.noReference++;
        if (f & FLAG_HELD) held++;
      }
      expect(wrong, label(r.chain)).toEqual({ invalid: 0, valid: 0, gravity: 0, noReference: 0 });
    }
    expect(held).toBeGreaterThan(20);
  });

  it('CU002-B: once node 5 is dead, the cumulatives of nodes 1–5 are null and those of 6–8 are not', () => {
    const r = results.get('CU002-B')!;
    const { output } = r;
    const n = r.nodes.length;
    const i = output.timestamps.indexOf(at('2026-10-25T00:00:00Z'));
    expect(i).toBeGreaterThan(0);
    const cum = r.nodes.map((_, k) => output.cumR[i * n + k]!);
    expect(cum.slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(cum.slice(5).some(Number.isNaN)).toBe(false);
  });

  it('CU001-A: the rainfall surge takes velocity to level 3 in a day, cumulative to level 3 in a week', () => {
    const r = results.get('CU001-A')!;
    const s = story(r.events);
    expect(s.velocity_mm_per_day!.max).toBe(3);
    expect(s.cumulative_mm!.max).toBe(3);
    expect(s.tilt_deg!.max).toBe(2);
    const rain = at('2026-10-10T06:00:00Z');
    for (const level of [1, 2, 3]) {
      expect(s.velocity_mm_per_day!.first[level]).toBeGreaterThan(rain);
      expect(s.velocity_mm_per_day!.first[level]).toBeLessThan(rain + 1.5 * 86400);
      expect(s.cumulative_mm!.first[level]).toBeGreaterThan(rain);
      expect(s.cumulative_mm!.first[level]).toBeLessThan(rain + 8 * 86400);
    }
    // nothing before the rain; at the end, still creeping at level 1 and past the cumulative alarm
    expect(r.events.every((e) => e.timestamp > rain)).toBe(true);
    const last = (metric: string) => r.events.filter((e) => e.metric === metric).at(-1)!.level;
    expect(last('velocity_mm_per_day')).toBe(1);
    expect(last('cumulative_mm')).toBe(3);
    // level 2 of tilt is node 24's own threshold
    expect(r.events.find((e) => e.metric === 'tilt_deg' && e.level === 2)!.nodeIndex).toBe(24);
  });

  it('the other chains reach the levels of the story', () => {
    const expected: Record<string, Record<string, number>> = {
      'CU001-B': { cumulative_mm: 1 },
      'CU002-A': {},
      'CU002-B': {},
      'CU003-A': { cumulative_mm: 2, velocity_mm_per_day: 1, tilt_deg: 2 },
      'CU003-B': {},
    };
    for (const [name, levels] of Object.entries(expected)) {
      const s = story(results.get(name)!.events);
      const reached = Object.fromEntries(Object.entries(s).map(([metric, v]) => [metric, v.max]));
      expect(reached, name).toEqual(levels);
    }
    // CU003-A reacts to the excavation stages
    const wall = story(results.get('CU003-A')!.events);
    expect(wall.cumulative_mm!.first[1]).toBeGreaterThan(at('2026-09-14T09:30:00Z'));
    expect(wall.cumulative_mm!.first[2]).toBeGreaterThan(at('2026-10-01T07:00:00Z'));
  });

  it('few flickering events: no chain has more than 25', () => {
    const counts = Object.fromEntries([...results].map(([name, r]) => [name, r.events.length]));
    console.log('alarm events per chain:', JSON.stringify(counts));
    for (const r of results.values()) expect(r.events.length, label(r.chain)).toBeLessThanOrEqual(25);
  });
});
