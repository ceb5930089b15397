/**
 * The demo site: deterministic, shaped as documented, and physically
 * consistent — inverting each node's calibration (ELABORATION.md §3 steps
 * 1–6, re-implemented here on purpose) gives back the angles and
 * temperatures the generator intended, within the sensor noise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawColumns } from '../domain/columns.ts';
import type { NodeRow } from '../domain/configuration.ts';
import { isCatenaError } from '../errors.ts';
import { DemoAnomaly, type DemoChain, type DemoTruth, generateDemoSite, planDemoSite } from './demo-site.ts';

const DEG = 180 / Math.PI;
const RAD = Math.PI / 180;
const DAY = 86400;
/** one count near the vertical, in degrees: asin(1/16384) */
const COUNT_DEG = Math.asin(1 / 16384) * DEG;

interface Decoded {
  chain: DemoChain;
  raw: RawColumns;
  truth: DemoTruth;
  /** steps 1–6 per row; NaN where the reading is invalid before step 3 */
  cX: Float64Array;
  cY: Float64Array;
  /** uncompensated angles (step 4) */
  aX: Float64Array;
  aY: Float64Array;
  temperature: Float64Array;
  /** |g| of 3-axis readings (NaN otherwise) */
  magnitude: Float64Array;
  /** step 1 + step 3 */
  invalid: Uint8Array;
}

function label(chain: DemoChain): string {
  return `${chain.key.controlUnitCode}-${chain.key.chain}`;
}

function wholeChain(chain: DemoChain): { raw: RawColumns; truth: DemoTruth } {
  const chunks = [...chain.chunks({ chunkRows: Number.POSITIVE_INFINITY, truth: true })];
  expect(chunks).toHaveLength(1);
  return { raw: chunks[0]!.raw, truth: chunks[0]!.truth! };
}

/** ELABORATION.md §3 steps 1–6 for every raw row (defaults of §2 applied). */
function decode(chain: DemoChain): Decoded {
  const { raw, truth } = wholeChain(chain);
  const n = raw.length;
  const d: Decoded = {
    chain,
    raw,
    truth,
    cX: new Float64Array(n).fill(Number.NaN),
    cY: new Float64Array(n).fill(Number.NaN),
    aX: new Float64Array(n).fill(Number.NaN),
    aY: new Float64Array(n).fill(Number.NaN),
    temperature: new Float64Array(n).fill(Number.NaN),
    magnitude: new Float64Array(n).fill(Number.NaN),
    invalid: new Uint8Array(n),
  };
  const byIndex = new Map<number, NodeRow>(chain.nodes.map((node) => [node.nodeIndex, node]));
  for (let r = 0; r < n; r++) {
    const node = byIndex.get(raw.nodeIndex[r]!)!;
    const fullScale = node.fullScaleCounts ?? 32767;
    const x = raw.rawX[r]!;
    const y = raw.rawY[r]!;
    const z = raw.rawZ[r]!;
    const t = raw.rawT[r]!;
    // step 1 (NaN = SQL NULL)
    if (
      raw.errorCode[r] !== 0 ||
      !Number.isFinite(x) ||
      !Number.isFinite(y) ||
      !Number.isFinite(t) ||
      Math.abs(x) > fullScale ||
      Math.abs(y) > fullScale ||
      (!Number.isNaN(z) && (!Number.isFinite(z) || Math.abs(z) > fullScale))
    ) {
      d.invalid[r] = 1;
      continue;
    }
    // step 2
    const gX = (x - node.offsetX!) * node.gainX!;
    const gY = (y - node.offsetY!) * node.gainY!;
    const threeAxis = node.offsetZ !== null && node.gainZ !== null && !Number.isNaN(z);
    let aX: number;
    let aY: number;
    if (threeAxis) {
      const gZ = (z - node.offsetZ!) * node.gainZ!;
      // step 3
      const m = Math.sqrt(gX * gX + gY * gY + gZ * gZ);
      d.magnitude[r] = m;
      if (Math.abs(m - 1) > 0.1) d.invalid[r] = 1;
      // step 4
      aX = Math.atan2(gX, Math.sqrt(gY * gY + gZ * gZ)) * DEG;
      aY = Math.atan2(gY, Math.sqrt(gX * gX + gZ * gZ)) * DEG;
    } else {
      aX = Math.asin(Math.min(1, Math.max(-1, gX))) * DEG;
      aY = Math.asin(Math.min(1, Math.max(-1, gY))) * DEG;
    }
    // steps 5 and 6
    const temperature = node.tempOffset! + node.tempGain! * t;
    const tempRef = node.tempRef ?? 20;
    d.aX[r] = aX;
    d.aY[r] = aY;
    d.temperature[r] = temperature;
    d.cX[r] = aX - (node.tempCoeffX ?? 0) * (temperature - tempRef);
    d.cY[r] = aY - (node.tempCoeffY ?? 0) * (temperature - tempRef);
  }
  return d;
}

function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

const RAW_COLUMNS = ['timestamp', 'nodeIndex', 'rawX', 'rawY', 'rawZ', 'rawT', 'errorCode'] as const;

describe('generateDemoSite: determinism', () => {
  it('the same seed gives bit-identical configuration and raw rows', () => {
    const started = performance.now();
    const a = generateDemoSite();
    const ms = performance.now() - started;
    const b = generateDemoSite();
    const rows = a.chains.reduce((s, c) => s + c.raw.length, 0);
    console.log(`demo site generated in memory: ${rows} raw rows in ${ms.toFixed(0)} ms`);
    expect(b.stations).toEqual(a.stations);
    for (let c = 0; c < a.chains.length; c++) {
      const x = a.chains[c]!;
      const y = b.chains[c]!;
      expect(y.nodes).toEqual(x.nodes);
      expect(y.thresholds).toEqual(x.thresholds);
      expect(y.raw.length).toBe(x.raw.length);
      for (const column of RAW_COLUMNS) expect(sameBits(x.raw[column], y.raw[column]), column).toBe(true);
    }
  });

  it('a different seed gives different calibrations and readings, the same layout', () => {
    const a = generateDemoSite({ seed: 1 });
    const b = generateDemoSite({ seed: 2 });
    for (let c = 0; c < a.chains.length; c++) {
      const x = a.chains[c]!;
      const y = b.chains[c]!;
      expect(y.key).toEqual(x.key);
      expect(y.nodes.map((n) => n.depthM)).toEqual(x.nodes.map((n) => n.depthM));
      expect(y.nodes.map((n) => n.offsetX)).not.toEqual(x.nodes.map((n) => n.offsetX));
      expect(sameBits(x.raw.timestamp, y.raw.timestamp)).toBe(true);
      expect(sameBits(x.raw.rawX, y.raw.rawX)).toBe(false);
    }
  });

  it('the values do not depend on the chunk size', () => {
    for (const chain of planDemoSite().chains) {
      const whole = wholeChain(chain);
      const parts = [...chain.chunks({ chunkRows: 997, truth: true })];
      expect(parts.length).toBeGreaterThan(1);
      let offset = 0;
      for (const part of parts) {
        const { raw } = part;
        // a chunk never splits a timestamp
        expect(raw.length % chain.nodes.length).toBe(0);
        for (const column of RAW_COLUMNS) {
          const w = whole.raw[column].subarray(offset, offset + raw.length);
          expect(sameBits(raw[column], w), `${label(chain)} ${column} at ${offset}`).toBe(true);
        }
        expect(sameBits(part.truth!.alphaX, whole.truth.alphaX.subarray(offset, offset + raw.length))).toBe(
          true,
        );
        offset += raw.length;
      }
      expect(offset).toBe(whole.raw.length);
    }
  });
});

describe('demo site: shape', () => {
  const plan = planDemoSite();
  const decoded = new Map<string, Decoded>();
  beforeAll(() => {
    for (const chain of plan.chains) decoded.set(label(chain), decode(chain));
  });
  const first = Date.UTC(2026, 8, 2) / 1000;
  const last = Date.UTC(2026, 9, 31, 23, 30) / 1000;

  it('three control units, six chains of 8 to 50 nodes, 2- and 3-axis', () => {
    expect(plan.chains.map(label)).toEqual([
      'CU001-A',
      'CU001-B',
      'CU002-A',
      'CU002-B',
      'CU003-A',
      'CU003-B',
    ]);
    expect(plan.chains.map((c) => c.nodes.length)).toEqual([50, 20, 12, 8, 30, 16]);
    const axes = plan.chains.map((c) =>
      c.nodes.every((n) => n.offsetZ !== null && n.gainZ !== null) ? 3 : 2,
    );
    expect(axes).toEqual([3, 2, 3, 2, 3, 2]);
    for (const chain of plan.chains) {
      expect(chain.nodes.map((n) => n.nodeIndex)).toEqual(chain.nodes.map((_, i) => i + 1));
      for (const n of chain.nodes) expect((n.offsetZ === null) === (n.gainZ === null)).toBe(true);
      expect(chain.station.siteName).toMatch(/\w/);
    }
    expect(plan.stations).toEqual(plan.chains.map((c) => c.station));
    expect(plan.rowCount).toBe(391_488);
  });

  it('60 days at 30 minutes: 2880 timestamps per chain, 12 fewer on the chain with the 6-hour gap', () => {
    const gaps: string[] = [];
    for (const chain of plan.chains) {
      const { raw } = decoded.get(label(chain))!;
      const n = chain.nodes.length;
      const stamps: number[] = [];
      let disorder = 0;
      for (let r = 0; r < raw.length; r++) {
        // ordered by (timestamp, nodeIndex), every node at every timestamp
        if (raw.nodeIndex[r] !== (r % n) + 1) disorder++;
        if (r % n === 0) stamps.push(raw.timestamp[r]!);
        else if (raw.timestamp[r] !== stamps[stamps.length - 1]) disorder++;
      }
      expect(disorder, label(chain)).toBe(0);
      expect(stamps.length).toBe(chain.timestampCount);
      expect(raw.length).toBe(chain.rowCount);
      expect(stamps[0]).toBe(first);
      expect(stamps[stamps.length - 1]).toBe(last);
      for (let i = 1; i < stamps.length; i++) {
        const step = stamps[i]! - stamps[i - 1]!;
        if (step !== 1800) {
          gaps.push(label(chain));
          // 12 missing timestamps: the gap between the readings either side is 6.5 h
          expect(step).toBe(13 * 1800);
        }
      }
    }
    expect(gaps).toEqual(['CU003-B']);
    expect(plan.chains.map((c) => c.timestampCount)).toEqual([2880, 2880, 2880, 2880, 2880, 2868]);
  });

  it('stations: mostly defaults, one fixedEnd top, one explicit referenceTime inside the record', () => {
    expect(
      plan.stations.filter((s) => s.fixedEnd === 'top').map((s) => `${s.controlUnitCode}-${s.chain}`),
    ).toEqual(['CU003-B']);
    const withReference = plan.stations.filter((s) => s.referenceTime !== null);
    expect(withReference.map((s) => `${s.controlUnitCode}-${s.chain}`)).toEqual(['CU002-A']);
    expect(withReference[0]!.referenceTime).toBe(Date.UTC(2026, 8, 9) / 1000);
    for (const s of plan.stations) {
      expect([s.referenceWindowHours, s.despikeWindow, s.despikeNSigma, s.velocityWindowHours]).toEqual([
        null,
        null,
        null,
        null,
      ]);
    }
  });

  it('calibrations: offsets within ±200 counts, gains ≈ 1/16384 g per count, realistic temperature coefficients', () => {
    for (const chain of plan.chains) {
      for (const n of chain.nodes) {
        for (const offset of [n.offsetX, n.offsetY, n.offsetZ]) {
          if (offset !== null) expect(Math.abs(offset)).toBeLessThanOrEqual(200);
        }
        for (const gain of [n.gainX, n.gainY, n.gainZ]) {
          if (gain !== null) expect(Math.abs(gain * 16384 - 1)).toBeLessThan(0.05);
        }
        for (const coeff of [n.tempCoeffX!, n.tempCoeffY!]) {
          expect(Math.abs(coeff)).toBeGreaterThanOrEqual(0.002);
          expect(Math.abs(coeff)).toBeLessThanOrEqual(0.01);
        }
        expect(n.tempGain).toBeGreaterThan(0);
        expect(n.depthM).toBeGreaterThan(0);
      }
      // depths increase along the chain, one gauge length apart
      const depths = chain.nodes.map((n) => n.depthM!);
      const gauge = (chain.nodes[0]!.lengthMm ?? 1000) / 1000;
      for (let i = 1; i < depths.length; i++) expect(depths[i]! - depths[i - 1]!).toBeCloseTo(gauge, 6);
    }
  });

  it('thresholds: node-specific and chain-wide, every metric, levels 1–3 rising', () => {
    const all = plan.chains.flatMap((c) => c.thresholds);
    expect(new Set(all.map((t) => t.metric))).toEqual(
      new Set(['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg']),
    );
    expect(new Set(all.map((t) => t.level))).toEqual(new Set([1, 2, 3]));
    expect(all.some((t) => t.nodeIndex === null)).toBe(true);
    expect(all.some((t) => t.nodeIndex !== null)).toBe(true);
    for (const chain of plan.chains) {
      expect(chain.thresholds.length).toBeGreaterThan(0);
      const groups = new Map<string, number[]>();
      for (const t of chain.thresholds) {
        expect(t.controlUnitCode).toBe(chain.key.controlUnitCode);
        expect(t.chain).toBe(chain.key.chain);
        if (t.nodeIndex !== null) expect(t.nodeIndex).toBeLessThanOrEqual(chain.nodes.length);
        const key = `${t.nodeIndex}/${t.metric}`;
        groups.set(key, [...(groups.get(key) ?? []), t.value]);
      }
      for (const values of groups.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('2-axis nodes send rawZ null; 3-axis nodes a gravity vector of magnitude 1', () => {
    for (const d of decoded.values()) {
      const threeAxis = d.chain.nodes[0]!.offsetZ !== null;
      let checked = 0;
      let zPresent = 0;
      let worst = 0;
      for (let r = 0; r < d.raw.length; r++) {
        if (!threeAxis) {
          if (!Number.isNaN(d.raw.rawZ[r]!)) zPresent++;
          continue;
        }
        if (d.truth.anomaly[r] !== DemoAnomaly.none) continue;
        worst = Math.max(worst, Math.abs(d.magnitude[r]! - 1));
        checked++;
      }
      expect(zPresent, label(d.chain)).toBe(0);
      expect(worst, label(d.chain)).toBeLessThan(0.002);
      // all but the disabled node's rows and a few faults
      if (threeAxis) expect(checked).toBeGreaterThan(0.95 * d.raw.length);
    }
  });

  it('a few deliberate 3-axis readings fail the gravity check (errorCode 0)', () => {
    for (const d of decoded.values()) {
      if (d.chain.nodes[0]!.offsetZ === null) continue;
      let bad = 0;
      let unplanned = 0;
      for (let r = 0; r < d.raw.length; r++) {
        const failsGravity = d.raw.errorCode[r] === 0 && Math.abs(d.magnitude[r]! - 1) > 0.1;
        if (failsGravity !== (d.truth.anomaly[r] === DemoAnomaly.gravity)) unplanned++;
        if (failsGravity) bad++;
      }
      expect(unplanned, label(d.chain)).toBe(0);
      expect(bad).toBeGreaterThanOrEqual(3);
      expect(bad).toBeLessThanOrEqual(5);
    }
  });

  it('one disabled node (enabled = 0) that still sends rows at every timestamp', () => {
    const disabled = plan.chains.flatMap((c) => c.nodes.filter((n) => n.enabled === 0));
    expect(disabled.map((n) => `${n.controlUnitCode}-${n.chain}/${n.nodeIndex}`)).toEqual(['CU003-A/12']);
    const d = decoded.get('CU003-A')!;
    let rows = 0;
    for (let r = 0; r < d.raw.length; r++)
      if (d.raw.nodeIndex[r] === 12 && Number.isFinite(d.raw.rawX[r]!)) rows++;
    expect(rows).toBe(d.chain.timestampCount);
  });

  it('one node dies: from some time on its rows have null values and an error code, to the end', () => {
    const d = decoded.get('CU002-B')!;
    const n = d.chain.nodes.length;
    const node5 = (i: number) => i * n + 4;
    const dead = (r: number) =>
      Number.isNaN(d.raw.rawX[r]!) &&
      Number.isNaN(d.raw.rawY[r]!) &&
      Number.isNaN(d.raw.rawT[r]!) &&
      d.raw.errorCode[r] !== 0;
    let from = d.chain.timestampCount;
    while (from > 0 && dead(node5(from - 1))) from--;
    expect(d.raw.timestamp[node5(from)]).toBe(Date.UTC(2026, 9, 18, 14, 30) / 1000);
    expect(d.raw.errorCode[node5(from)]).toBe(3);
    // alive for most of the record before that
    let valid = 0;
    for (let i = 0; i < from; i++) if (!d.invalid[node5(i)]) valid++;
    expect(valid).toBeGreaterThan(0.99 * from - 10);
    // no other node of the site dies
    const deadAtTheEnd: string[] = [];
    for (const other of decoded.values()) {
      const m = other.chain.nodes.length;
      for (let k = 0; k < m; k++) {
        if (other.truth.anomaly[(other.chain.timestampCount - 1) * m + k] === DemoAnomaly.dead) {
          deadAtTheEnd.push(`${label(other.chain)}/${k + 1}`);
        }
      }
    }
    expect(deadAtTheEnd).toEqual(['CU002-B/5']);
  });

  it('error codes: sporadic ones on every chain, a 3-hour burst on CU001-B node 14', () => {
    const codes = new Set<number>();
    for (const d of decoded.values()) {
      let errors = 0;
      for (let r = 0; r < d.raw.length; r++) {
        const code = d.raw.errorCode[r]!;
        if (code === 0) continue;
        codes.add(code);
        expect([DemoAnomaly.error, DemoAnomaly.dead]).toContain(d.truth.anomaly[r]);
        if (d.truth.anomaly[r] === DemoAnomaly.error) errors++;
      }
      expect(errors, label(d.chain)).toBeGreaterThanOrEqual(2);
    }
    expect([...codes].sort((a, b) => a - b)).toEqual([2, 3, 5, 17]);
    const b = decoded.get('CU001-B')!;
    const burst: number[] = [];
    for (let r = 0; r < b.raw.length; r++) {
      if (b.raw.nodeIndex[r] === 14 && b.raw.errorCode[r] === 5) burst.push(b.raw.timestamp[r]!);
    }
    const start = Date.UTC(2026, 8, 27, 9, 30) / 1000;
    expect(burst.filter((t) => t >= start && t < start + 3 * 3600)).toHaveLength(6);
  });

  it('over-range readings: a few railed at −32768, beyond fullScaleCounts', () => {
    let railed = 0;
    let unplanned = 0;
    for (const d of decoded.values()) {
      for (let r = 0; r < d.raw.length; r++) {
        const over = d.raw.rawX[r] === -32768;
        if (over) railed++;
        if (over !== (d.truth.anomaly[r] === DemoAnomaly.overrange)) unplanned++;
      }
    }
    expect(unplanned).toBe(0);
    expect(railed).toBe(3);
  });

  it('spikes: isolated outliers of more than 0.1° on otherwise valid readings', () => {
    let spikes = 0;
    let worstGood = 0;
    for (const d of decoded.values()) {
      const n = d.chain.nodes.length;
      for (let r = 0; r < d.raw.length; r++) {
        if (d.invalid[r] || d.truth.anomaly[r] === DemoAnomaly.faulty) continue;
        const off = Math.max(
          Math.abs(d.cX[r]! - d.truth.alphaX[r]!),
          Math.abs(d.cY[r]! - d.truth.alphaY[r]!),
        );
        const spike = d.truth.anomaly[r] === DemoAnomaly.spike;
        if (spike) {
          spikes++;
          expect(off).toBeGreaterThan(0.1);
          // isolated: the same node's neighbours within 3 samples are good readings
          for (const j of [r - 3 * n, r - 2 * n, r - n, r + n, r + 2 * n, r + 3 * n]) {
            if (j >= 0 && j < d.raw.length) expect(d.truth.anomaly[j]).toBe(DemoAnomaly.none);
          }
          // and not in the first 6 hours (the Hampel window needs 7 samples)
          expect(r / n).toBeGreaterThanOrEqual(12);
        } else {
          worstGood = Math.max(worstGood, off);
        }
      }
    }
    expect(worstGood).toBeLessThan(0.02);
    expect(spikes).toBeGreaterThanOrEqual(80);
    expect(spikes).toBeLessThanOrEqual(120);
  });

  it('the timeline lists the events in time order', () => {
    const kinds = plan.timeline.map((e) => e.kind);
    for (const kind of [
      'reference',
      'excavation',
      'gap',
      'error-burst',
      'rainfall',
      'surge',
      'node-dies',
      'node-disabled',
    ]) {
      expect(kinds).toContain(kind);
    }
    for (let i = 1; i < plan.timeline.length; i++) {
      expect(plan.timeline[i]!.at).toBeGreaterThanOrEqual(plan.timeline[i - 1]!.at);
    }
    const gap = plan.timeline.find((e) => e.kind === 'gap')!;
    expect(gap.at).toBe(Date.UTC(2026, 8, 22, 2) / 1000);
    const rain = plan.timeline.find((e) => e.kind === 'rainfall')!;
    expect(rain.at).toBe(Date.UTC(2026, 9, 10, 6) / 1000);
  });

  describe('physics: steps 2–6 give back the intended values', () => {
    it('compensated angles within noise (0.35 counts plus rounding) and temperatures within 0.1 °C', () => {
      for (const d of decoded.values()) {
        let sum = 0;
        let count = 0;
        let worst = 0;
        let worstT = 0;
        let invalid = 0;
        for (let r = 0; r < d.raw.length; r++) {
          if (d.truth.anomaly[r] !== DemoAnomaly.none) continue;
          if (d.invalid[r]) invalid++;
          for (const e of [d.cX[r]! - d.truth.alphaX[r]!, d.cY[r]! - d.truth.alphaY[r]!]) {
            sum += e * e;
            count++;
            worst = Math.max(worst, Math.abs(e));
          }
          worstT = Math.max(worstT, Math.abs(d.temperature[r]! - d.truth.temperature[r]!));
        }
        expect(invalid, label(d.chain)).toBe(0);
        expect(worstT, label(d.chain)).toBeLessThan(0.1);
        const rms = Math.sqrt(sum / count);
        // σ = sqrt(0.35² + 1/12) counts ≈ 0.45 counts ≈ 0.0016°: noise is there, and small
        expect(rms / COUNT_DEG, label(d.chain)).toBeGreaterThan(0.3);
        expect(rms / COUNT_DEG, label(d.chain)).toBeLessThan(0.6);
        expect(worst / COUNT_DEG, label(d.chain)).toBeLessThan(3.5);
      }
    });

    it('temperature compensation matters on the top nodes: the raw angle drifts with temperature', () => {
      for (const d of decoded.values()) {
        const n = d.chain.nodes.length;
        // node 1: drift = tempCoeff · (T − tempRef) over the record, far above the noise
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < d.chain.timestampCount; i++) {
          const r = i * n;
          if (d.truth.anomaly[r] !== DemoAnomaly.none) continue;
          const drift = d.aX[r]! - d.truth.alphaX[r]!;
          min = Math.min(min, drift);
          max = Math.max(max, drift);
        }
        // |tempCoeff| ≥ 0.002 °/°C over ≥ 8 °C of autumn cooling at the top node
        expect(max - min, label(d.chain)).toBeGreaterThan(0.015);
      }
    });

    it('temperature cycles are damped with depth', () => {
      for (const d of decoded.values()) {
        const n = d.chain.nodes.length;
        const dailyRange = (k: number) => {
          let total = 0;
          let days = 0;
          for (let i0 = 0; i0 + 48 <= d.chain.timestampCount; i0 += 48) {
            let lo = Number.POSITIVE_INFINITY;
            let hi = Number.NEGATIVE_INFINITY;
            for (let i = i0; i < i0 + 48; i++) {
              const v = d.truth.temperature[i * n + k]!;
              lo = Math.min(lo, v);
              hi = Math.max(hi, v);
            }
            total += hi - lo;
            days++;
          }
          return total / days;
        };
        const top = dailyRange(0);
        const second = dailyRange(1);
        const bottom = dailyRange(n - 1);
        expect(top, label(d.chain)).toBeGreaterThan(1);
        expect(second).toBeLessThan(top);
        // what is left at the bottom is the slow seasonal change over one day
        expect(bottom).toBeLessThan(0.02 * top);
      }
    });
  });
});

/**
 * The alarm story, from the intended (noise-free) angles: §3 steps 10–12 and
 * §4 done on the truth, to show which levels each chain reaches and that
 * every threshold is at least 10 % away from the extreme of its metric, so
 * the sensor noise cannot change which levels are reached.
 */
describe('demo site: the alarm story (from the intended angles)', () => {
  const plan = planDemoSite();
  const expected: Record<string, Record<string, number>> = {
    'CU001-A': { cumulative_mm: 3, velocity_mm_per_day: 3, tilt_deg: 2 },
    'CU001-B': { cumulative_mm: 1, velocity_mm_per_day: 0 },
    'CU002-A': { cumulative_mm: 0, velocity_mm_per_day: 0, tilt_deg: 0 },
    'CU002-B': { cumulative_mm: 0, velocity_mm_per_day: 0 },
    'CU003-A': { cumulative_mm: 2, velocity_mm_per_day: 1, tilt_deg: 2 },
    'CU003-B': { cumulative_mm: 0, velocity_mm_per_day: 0 },
  };

  for (const chain of plan.chains) {
    it(`${label(chain)} reaches ${JSON.stringify(expected[label(chain)])}`, () => {
      const { truth, raw } = wholeChain(chain);
      const n = chain.nodes.length;
      const times = chain.timestampCount;
      const enabled = chain.nodes.map((node) => node.enabled !== 0);
      const length = chain.nodes.map((node) => node.lengthMm ?? 1000);
      const tRef = chain.station.referenceTime ?? raw.timestamp[0]!;
      let iRef = 0;
      while (raw.timestamp[iRef * n]! < tRef) iRef++;
      const cumX = new Float64Array(times * n);
      const cumY = new Float64Array(times * n);
      const top = chain.station.fixedEnd === 'top';
      const maxima = {
        cumulative_mm: new Float64Array(n),
        velocity_mm_per_day: new Float64Array(n),
        tilt_deg: new Float64Array(n),
      };
      for (let i = 0; i < times; i++) {
        let sx = 0;
        let sy = 0;
        // a dead node makes the cumulatives through it null (§3 step 11)
        let broken = false;
        for (let j = 0; j < n; j++) {
          const k = top ? j : n - 1 - j;
          if (!enabled[k]) continue;
          const cell = i * n + k;
          if (truth.anomaly[cell] === DemoAnomaly.dead) broken = true;
          if (broken) continue;
          const ref = iRef * n + k;
          sx += length[k]! * (Math.sin(truth.alphaX[cell]! * RAD) - Math.sin(truth.alphaX[ref]! * RAD));
          sy += length[k]! * (Math.sin(truth.alphaY[cell]! * RAD) - Math.sin(truth.alphaY[ref]! * RAD));
          cumX[cell] = sx;
          cumY[cell] = sy;
          const tilt = Math.max(
            Math.abs(truth.alphaX[cell]! - truth.alphaX[ref]!),
            Math.abs(truth.alphaY[cell]! - truth.alphaY[ref]!),
          );
          maxima.tilt_deg[k] = Math.max(maxima.tilt_deg[k]!, tilt);
          maxima.cumulative_mm[k] = Math.max(maxima.cumulative_mm[k]!, Math.hypot(sx, sy));
          // velocity over the 24-hour window, as a secant of the smooth truth
          const back = i - 48;
          if (back >= 0 && raw.timestamp[i * n]! - raw.timestamp[back * n]! === DAY) {
            const v = Math.hypot(sx - cumX[back * n + k]!, sy - cumY[back * n + k]!);
            maxima.velocity_mm_per_day[k] = Math.max(maxima.velocity_mm_per_day[k]!, v);
          }
        }
      }
      const reached: Record<string, number> = {};
      for (const metric of Object.keys(expected[label(chain)]!) as Array<keyof typeof maxima>) {
        let level = 0;
        for (const t of chain.thresholds.filter((x) => x.metric === metric)) {
          // the chain crosses a threshold when the largest value among the nodes it applies to does
          const nodes = t.nodeIndex === null ? chain.nodes.map((_, k) => k) : [t.nodeIndex - 1];
          const extreme = Math.max(...nodes.filter((k) => enabled[k]).map((k) => maxima[metric][k]!));
          expect(
            Math.abs(extreme - t.value) / t.value,
            `${metric} L${t.level} node ${t.nodeIndex}`,
          ).toBeGreaterThan(0.1);
          if (extreme >= t.value) level = Math.max(level, t.level);
        }
        reached[metric] = level;
      }
      expect(reached).toEqual(expected[label(chain)]);
    });
  }
});

describe('options', () => {
  it('a shorter record is the end of the same story: 8 days end at the same timestamp', () => {
    const plan = planDemoSite({ days: 8 });
    expect(plan.chains.map((c) => c.timestampCount)).toEqual([384, 384, 384, 384, 384, 384]);
    const raw = plan.chains[0]!.chunks({ chunkRows: Number.POSITIVE_INFINITY }).next().value!.raw;
    expect(raw.timestamp[raw.length - 1]).toBe(Date.UTC(2026, 9, 31, 23, 30) / 1000);
    // the explicit reference time is kept inside the record
    expect(plan.stations[2]!.referenceTime).toBe(plan.start);
    expect(plan.timeline.some((e) => e.kind === 'rainfall')).toBe(false);
  });

  it('end and stepMinutes shape the grid', () => {
    const end = Date.UTC(2027, 0, 1) / 1000;
    const plan = planDemoSite({ days: 2, stepMinutes: 10, end });
    expect(plan.start).toBe(end - 2 * DAY);
    expect(plan.stepSeconds).toBe(600);
    expect(plan.timestampCount).toBe(288);
  });

  it.each([
    [{ days: 0 }],
    [{ days: -1 }],
    [{ days: Number.NaN }],
    [{ stepMinutes: 0 }],
    [{ stepMinutes: 0.001 }],
    [{ seed: 1.5 }],
    [{ end: 1.5 }],
  ])('%j is refused with CONFIG_INVALID', (options) => {
    try {
      planDemoSite(options);
      expect.unreachable();
    } catch (error) {
      expect(isCatenaError(error) && error.code === 'CONFIG_INVALID').toBe(true);
    }
  });
});
