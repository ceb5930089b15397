import { describe, expect, it } from 'vitest';
import { FLAG_GRAVITY, FLAG_INVALID } from '../domain/flags.ts';
import { readCells } from './readings.ts';
import { g, modelOf, nodeRow, type Reading, rawBlockOf } from './test-support.ts';
import type { NodeParams } from './types.ts';
import { RAD_TO_DEG } from './units.ts';

/** Steps 1–6 for one reading of one node. */
function read(reading: Reading | null, node: NodeParams = modelOf().nodes[0]!) {
  const cells = readCells([node], rawBlockOf([0], [[reading]]));
  return {
    flags: cells.flags[0],
    alphaX: cells.alphaX[0],
    alphaY: cells.alphaY[0],
    temperature: cells.temperature[0],
  };
}

const nodeWith = (overrides: Parameters<typeof nodeRow>[1]) => modelOf({}, [nodeRow(1, overrides)]).nodes[0]!;
const threeAxis = nodeWith({ offsetZ: 0, gainZ: 1 / 1024 });

describe('step 1: validity', () => {
  it.each<[string, Reading | null, number]>([
    ['a plain reading is valid', { rawX: 0, rawY: 0, rawT: 20 }, 0],
    ['no raw row for the node at t', null, FLAG_INVALID],
    ['errorCode not 0', { rawX: 0, rawY: 0, rawT: 20, errorCode: 3 }, FLAG_INVALID],
    ['errorCode 0 (or null, read as 0) is no error', { rawX: 0, rawY: 0, rawT: 20, errorCode: 0 }, 0],
    ['rawX null', { rawX: Number.NaN, rawY: 0, rawT: 20 }, FLAG_INVALID],
    ['rawY not finite', { rawX: 0, rawY: Number.POSITIVE_INFINITY, rawT: 20 }, FLAG_INVALID],
    ['rawT null', { rawX: 0, rawY: 0 }, FLAG_INVALID],
    ['rawT not finite', { rawX: 0, rawY: 0, rawT: Number.NEGATIVE_INFINITY }, FLAG_INVALID],
    ['rawZ null is fine (a 2-axis reading)', { rawX: 0, rawY: 0, rawZ: Number.NaN, rawT: 20 }, 0],
    [
      'rawZ present but not finite, even on a 2-axis node',
      { rawX: 0, rawY: 0, rawZ: Infinity, rawT: 20 },
      FLAG_INVALID,
    ],
    // |rawX| = 32767 is not greater than fullScaleCounts 32767: valid (a `≥` would reject it)
    ['|rawX| equal to fullScaleCounts', { rawX: -32767, rawY: 0, rawT: 20 }, 0],
    ['|rawX| greater than fullScaleCounts', { rawX: -32768, rawY: 0, rawT: 20 }, FLAG_INVALID],
    ['|rawY| greater than fullScaleCounts', { rawX: 0, rawY: 32768, rawT: 20 }, FLAG_INVALID],
    [
      '|rawZ| greater than fullScaleCounts when present',
      { rawX: 0, rawY: 0, rawZ: -40000, rawT: 20 },
      FLAG_INVALID,
    ],
    ['rawT is not range-checked', { rawX: 0, rawY: 0, rawT: 99999 }, 0],
  ])('%s', (_rule, reading, flags) => {
    expect(read(reading).flags).toBe(flags);
  });

  it('fullScaleCounts is per node', () => {
    const node = nodeWith({ fullScaleCounts: 1000 });
    expect(read({ rawX: 0, rawY: -1000, rawT: 20 }, node).flags).toBe(0);
    expect(read({ rawX: 0, rawY: -1001, rawT: 20 }, node).flags).toBe(FLAG_INVALID);
  });

  it('an invalid reading has null angles and temperature', () => {
    const cell = read({ rawX: 0, rawY: 0, rawT: 20, errorCode: 9 });
    expect([cell.alphaX, cell.alphaY, cell.temperature]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });
});

describe('step 2: acceleration in g', () => {
  it('g = (raw − offset) · gain', () => {
    // gX = (612 − 100) / 1024 = 0.5 → asin(0.5) = 30° (asin(0.5)·180/π = 30.000000000000004);
    // (raw · gain − offset) would be 0.598 − 100 → clamped to −1 → −90°.
    // gY = (−256 − 256) · (1/2048) = −0.25 → asin(−0.25) = −14.477512185929925°
    const node = nodeWith({ offsetX: 100, offsetY: 256, gainY: 1 / 2048 });
    const cell = read({ rawX: 612, rawY: -256, rawT: 20 }, node);
    expect(cell.alphaX).toBe(30.000000000000004);
    expect(cell.alphaY).toBeCloseTo(-14.477512185929925, 12);
  });

  it('a 3-axis node reading with rawZ uses Z; the same node with a null rawZ is read as 2-axis', () => {
    // gX = 640/1024 = 0.625, gZ = 832/1024 = 0.8125, m = sqrt(0.390625 + 0.66015625) = 1.0251 (passes step 3)
    // with Z: atan2(0.625, 0.8125) = 37.568592028827496°; without: asin(0.625) = 38.68218745348944°
    expect(read({ rawX: 640, rawY: 0, rawZ: 832, rawT: 20 }, threeAxis).alphaX).toBeCloseTo(
      37.568592028827496,
      12,
    );
    expect(read({ rawX: 640, rawY: 0, rawT: 20 }, threeAxis).alphaX).toBeCloseTo(38.68218745348944, 12);
  });

  it('a node with offsetZ but no gainZ is 2-axis even when the reading has rawZ', () => {
    // rawZ 832 is ignored: asin(0.625) = 38.68218745348944°, no gravity check on (0.625, 0)
    const node = nodeWith({ offsetZ: 0, gainZ: null });
    expect(read({ rawX: 640, rawY: 0, rawZ: 832, rawT: 20 }, node).alphaX).toBeCloseTo(38.68218745348944, 12);
  });

  it('gZ = (rawZ − offsetZ) · gainZ', () => {
    // gZ = (1332 − 500) / 1024 = 0.8125 → the same 37.568592028827496° as above
    const node = nodeWith({ offsetZ: 500, gainZ: 1 / 1024 });
    expect(read({ rawX: 640, rawY: 0, rawZ: 1332, rawT: 20 }, node).alphaX).toBeCloseTo(
      37.568592028827496,
      12,
    );
  });
});

describe('step 3: gravity check of 3-axis readings', () => {
  it.each<[string, Reading, number]>([
    // m = sqrt(3 · 0.25) = 0.866, |m − 1| = 0.134 > 0.1
    ['|m − 1| > 0.1 is invalid and flagged GRAVITY', g(0.5, 0.5, 0.5), FLAG_INVALID | FLAG_GRAVITY],
    // m = 1.0625, |m − 1| = 0.0625 ≤ 0.1
    ['|m − 1| ≤ 0.1 passes', g(0, 0, 1.0625), 0],
    // m = 1.125, |m − 1| = 0.125 > 0.1
    ['over 1 g as well', g(0, 0, 1.125), FLAG_INVALID | FLAG_GRAVITY],
    // m = 0.9375, |m − 1| = 0.0625
    ['under 1 g within tolerance', g(0, 0, 0.9375), 0],
    // an errorCode makes it invalid at step 1: no gravity check, no GRAVITY flag
    ['only readings that passed step 1', { ...g(0.5, 0.5, 0.5), errorCode: 2 }, FLAG_INVALID],
  ])('%s', (_rule, reading, flags) => {
    expect(read(reading, threeAxis).flags).toBe(flags);
  });

  it('a 2-axis reading is not gravity-checked (sqrt(0.125² + 0.125²) = 0.177 would fail)', () => {
    expect(read(g(0.125, 0.125), threeAxis).flags).toBe(0);
    expect(read(g(0.125, 0.125)).flags).toBe(0);
  });
});

describe('step 4: tilt', () => {
  it('3-axis: αX = atan2(gX, sqrt(gY² + gZ²)), αY = atan2(gY, sqrt(gX² + gZ²))', () => {
    // g = (0.25, 0.5, 0.8125): m = sqrt(0.0625 + 0.25 + 0.66015625) = 0.98623 (passes)
    // αX = atan2(0.25, sqrt(0.25 + 0.66015625) = 0.9540211) = 14.684111212565432°
    // αY = atan2(0.5, sqrt(0.0625 + 0.66015625) = 0.8500919) = 30.46283774797362°
    // (the asin of 2-axis would give 14.4775° and 30°)
    const cell = read(g(0.25, 0.5, 0.8125), threeAxis);
    expect(cell.alphaX).toBeCloseTo(14.684111212565432, 12);
    expect(cell.alphaY).toBeCloseTo(30.46283774797362, 12);
  });

  it('2-axis: asin of gX clamped to [−1, 1], so over 1 g reads as a full tilt, not NaN', () => {
    // gX = 1280/1024 = 1.25 → clamp 1 → asin(1) = π/2 → 90°; gY = −2 → −1 → −90°
    const cell = read(g(1.25, -2));
    expect(cell.alphaX).toBe(90);
    expect(cell.alphaY).toBe(-90);
  });

  it('degrees are radians times the constant 180/π', () => {
    // asin(0.1) = 0.1001674211615598 rad · 57.29577951308232 = 5.739170477266787°
    expect(read({ rawX: 102.4, rawY: 0, rawT: 20 }).alphaX).toBe(Math.asin(102.4 / 1024) * RAD_TO_DEG);
  });
});

describe('step 5: temperature', () => {
  it('T = tempOffset + tempGain · rawT', () => {
    // −5 + 0.0625 · 400 = 20 °C; (rawT − offset) · gain would be 405 · 0.0625 = 25.3125
    const node = nodeWith({ tempOffset: -5, tempGain: 0.0625 });
    expect(read({ rawX: 0, rawY: 0, rawT: 400 }, node).temperature).toBe(20);
  });
});

describe('step 6: temperature compensation', () => {
  it('c = α − tempCoeff · (T − tempRef)', () => {
    // α = 0, T = 30, tempRef = 10: cX = 0 − 0.5 · 20 = −10; cY = 0 − (−0.25) · 20 = 5
    const node = nodeWith({ tempCoeffX: 0.5, tempCoeffY: -0.25, tempRef: 10 });
    const cell = read({ rawX: 0, rawY: 0, rawT: 30 }, node);
    expect(cell.alphaX).toBe(-10);
    expect(cell.alphaY).toBe(5);
  });

  it('tempRef defaults to 20 °C', () => {
    // α = 30.000000000000004, T = 30: 30.000000000000004 − 0.5 · (30 − 20) = 25.000000000000004
    const node = nodeWith({ tempCoeffX: 0.5 });
    expect(read({ rawX: 512, rawY: 0, rawT: 30 }, node).alphaX).toBe(25.000000000000004);
  });
});
