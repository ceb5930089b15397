/** rawReadings (the console's raw against elaborated): a node's counts with g from its calibration, bounded. */
import { expect, it } from 'vitest';
import { nodeRawReadings, toG } from '../../src/core/service/raw-readings.ts';
import { node, raw, STEP, station, T0 } from './fixtures.ts';
import { A, describeStore, expectCatena } from './suite.ts';

it('toG: (raw − offset) · gain, null when any is missing', () => {
  // (16384.5 − 0.5) · 1/16384 = 1 g
  expect(toG(16384.5, 0.5, 1 / 16384)).toBe(1);
  expect(toG(null, 0.5, 1)).toBeNull();
  expect(toG(1, null, 1)).toBeNull();
  expect(toG(1, 0, null)).toBeNull();
});

describeStore('rawReadings', (db) => {
  it("a node's counts and g with its calibration, the newest `limit` rows, truncated said", async () => {
    await db.store.upsertStation(station(A));
    // node 2 is 3-axis: offsetZ 100, gainZ 1/1000
    await db.store.replaceChainConfig(A, [node(A, 1), node(A, 2, { offsetZ: 100, gainZ: 0.001 })], []);
    await db.store.writeRaw(
      A,
      raw([
        { t: T0, n: 2, x: 8192.5, y: -4096.25, z: 1100, temp: 21, e: 0 },
        { t: T0 + STEP, n: 2, x: 0.5, y: Number.NaN, z: 600, temp: 21, e: 3 },
        { t: T0 + 2 * STEP, n: 2, x: 16384.5, y: -0.25, z: Number.NaN, temp: 22, e: 0 },
        { t: T0 + STEP, n: 1, x: 1, y: 1, temp: 21, e: 0 },
      ]),
    );
    const all = await nodeRawReadings(db.store, { key: A, nodeIndex: 2 });
    expect(all).toMatchObject({ ...A, nodeIndex: 2, truncated: false, length: 3 });
    expect(all.timestamp).toEqual([T0, T0 + STEP, T0 + 2 * STEP]);
    expect(all.rawY).toEqual([-4096.25, null, -0.25]);
    expect(all.errorCode).toEqual([0, 3, 0]);
    // gX = (x − 0.5)/16384: 0.5, 0, 1; gY = (y + 0.25)/16384: −0.25, null, 0; gZ = (z − 100)/1000: 1, 0.5, null
    expect(all.gX).toEqual([0.5, 0, 1]);
    expect(all.gY).toEqual([-0.25, null, 0]);
    expect(all.gZ).toEqual([1, 0.5, null]);

    const newest = await nodeRawReadings(db.store, { key: A, nodeIndex: 2, from: T0, to: null, limit: 2 });
    expect(newest).toMatchObject({ truncated: true, length: 2, timestamp: [T0 + STEP, T0 + 2 * STEP] });
    const exact = await nodeRawReadings(db.store, { key: A, nodeIndex: 2, from: T0 + STEP, limit: 2 });
    expect(exact.truncated).toBe(false);
    // a node that is not in rsn_nodes: its counts, no g
    await db.store.writeRaw(A, raw([{ t: T0, n: 7, x: 5, y: 6, temp: 20, e: 0 }]));
    expect(await nodeRawReadings(db.store, { key: A, nodeIndex: 7 })).toMatchObject({
      rawX: [5],
      gX: [null],
    });
  });

  it('a chain that is not in active_stations is CHAIN_NOT_FOUND', async () => {
    await expectCatena(
      nodeRawReadings(db.store, { key: { controlUnitCode: 'CU404', chain: 'Z' }, nodeIndex: 1 }),
      'CHAIN_NOT_FOUND',
    );
  });
});
