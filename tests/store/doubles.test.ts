/** Doubles round trip bit-exact through both databases. */
import { expect, it } from 'vitest';
import { concatRaw, ELABORATED_NAMES, elaborated, raw, sameDoubles, T0 } from './fixtures.ts';
import { A, collect, describeStore } from './suite.ts';

describeStore('doubles round trip', (db) => {
  const specials = [
    0.1 + 0.2,
    1e-300,
    5e-324, // smallest subnormal
    -0,
    123456.78901234567,
    Math.PI,
    -1.7976931348623157e308,
    2 ** 53 + 2,
    1 / 3,
    -2.5e-8,
  ];
  function randomDoubles(count: number): number[] {
    // random bit patterns (finite ones), seeded for repeatability
    let seed = 0x12345678;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const view = new DataView(new ArrayBuffer(8));
    const out: number[] = [];
    while (out.length < count) {
      view.setUint32(0, next());
      view.setUint32(4, next());
      const v = view.getFloat64(0);
      if (Number.isFinite(v)) out.push(v);
    }
    return out;
  }
  // -0: MariaDB stores DOUBLE -0 as 0 and SQLite stores REAL -0.0 as 0 (both checked here), so
  // -0 reads back as 0; every other double, and NaN (as NULL), reads back bit for bit.
  const expected = (v: number) => (Object.is(v, -0) ? 0 : v);

  it('raw: every double reads back bit-exact (Object.is), -0 as 0, NaN as NaN', async () => {
    const values = [...specials, Number.NaN, ...randomDoubles(400)];
    await db.store.writeRaw(A, raw(values.map((x, i) => ({ t: T0 + i, n: 1, x, y: -x, z: x, temp: x }))));
    const back = concatRaw(await collect(db.store.readRaw({ ...A, from: null, to: null })));
    expect(sameDoubles(back.rawX, values.map(expected))).toBe(true);
    expect(
      sameDoubles(
        back.rawY,
        values.map((v) => expected(-v)),
      ),
    ).toBe(true);
    expect(Object.is(back.rawX[3], 0)).toBe(true); // the -0
  });

  it('elaborated: every double reads back bit-exact (Object.is), -0 as 0, NaN as NaN', async () => {
    const values = [...specials, Number.NaN, ...randomDoubles(400)];
    const rows = elaborated(values.map((_, i) => ({ t: T0 + i, n: 1, v: 0 })));
    for (const name of ELABORATED_NAMES) rows[name].set(values);
    const runId = await db.store.startRun({
      ...A,
      launchId: 'L',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'h',
    });
    await db.store.writeChunk({
      ...A,
      runId,
      rows,
      eventsFrom: T0,
      eventsTo: T0 + values.length,
      events: [],
    });
    const back = await db.store.readElaborated({ ...A, from: null, to: null });
    for (const name of ELABORATED_NAMES) expect(sameDoubles(back[name], values.map(expected))).toBe(true);
  });
});
