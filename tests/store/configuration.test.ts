/** Configuration: stations, nodes and thresholds written and read back. */
import { expect, it } from 'vitest';
import { node, station, T0, threshold } from './fixtures.ts';
import { A, B, describeStore, expectCatena } from './suite.ts';

describeStore('configuration', (db) => {
  it('upsertStation writes every column and overwrites on the key; readChainSetup reads them back', async () => {
    await db.store.upsertStation(station(A, { referenceTime: T0 + 3600, despikeLookbackHours: null }));
    const patch = { siteName: 'Landslide Nord', active: 0, fixedEnd: 'top', timeZone: 'Europe/Rome' };
    await db.store.upsertStation(station(A, patch));
    const setup = await db.store.readChainSetup(A);
    expect(setup?.station).toEqual(station(A, patch));
    await db.store.upsertStation(
      station(A, {
        siteName: null,
        active: null,
        fixedEnd: null,
        referenceTime: T0,
        referenceWindowHours: null,
        despikeWindow: null,
        despikeNSigma: null,
        despikeMinSigmaDeg: null,
        despikeLookbackHours: null,
        holdLastValidHours: null,
        velocityWindowHours: null,
        alarmOnDelayHours: null,
        alarmOffDelayHours: null,
        staleAfterHours: null,
        azimuthDeg: null,
        timeZone: null,
      }),
    );
    expect((await db.store.readChainSetup(A))?.station).toEqual({
      ...A,
      siteName: null,
      active: null,
      fixedEnd: null,
      referenceTime: T0,
      referenceWindowHours: null,
      despikeWindow: null,
      despikeNSigma: null,
      despikeMinSigmaDeg: null,
      despikeLookbackHours: null,
      holdLastValidHours: null,
      velocityWindowHours: null,
      alarmOnDelayHours: null,
      alarmOffDelayHours: null,
      staleAfterHours: null,
      azimuthDeg: null,
      timeZone: null,
    });
  });

  it('a referenceTime that is not a readable time is refused as DATA_INVALID, not read as null', async () => {
    await db.store.upsertStation(station(A));
    // SQLite: text that is no time; MariaDB: the legacy zero date (allowed without NO_ZERO_DATE)
    const bad = db.target.dialect === 'sqlite' ? 'yesterday' : '0000-00-00 00:00:00';
    if (db.target.dialect === 'mysql') await db.opened.sql.exec("SET SESSION sql_mode = ''");
    await db.opened.sql.exec(
      'UPDATE active_stations SET referenceTime = ? WHERE controlUnitCode = ? AND chain = ?',
      [bad, A.controlUnitCode, A.chain],
    );
    const error = await expectCatena(
      db.store.readChainSetup(A),
      'DATA_INVALID',
      /CU001-A: active_stations\.referenceTime/,
    );
    expect(error.subject).toMatchObject({ table: 'active_stations', column: 'referenceTime' });
  });

  it('azimuthDeg (migration 008) is written and read back, and a station row without it stores null', async () => {
    await db.store.upsertStation(station(A, { azimuthDeg: 292.5 }));
    expect((await db.store.readChainSetup(A))?.station.azimuthDeg).toBe(292.5);
    // a row from a caller that knows no azimuth (an older snapshot, a test double): the column is null
    const { azimuthDeg: _dropped, ...older } = station(B);
    await db.store.upsertStation(older);
    expect((await db.store.readChainSetup(B))?.station.azimuthDeg).toBeNull();
  });

  it('readChainSetup is null for a chain that is not in active_stations', async () => {
    expect(await db.store.readChainSetup({ controlUnitCode: 'CU404', chain: 'Z' })).toBeNull();
  });

  it('replaceChainConfig replaces the nodes and thresholds of that chain only, ids assigned', async () => {
    await db.store.upsertStation(station(A));
    await db.store.upsertStation(station(B));
    await db.store.replaceChainConfig(B, [node(B, 1)], [threshold(B, 'tilt_deg', 1, 0.5)]);
    await db.store.replaceChainConfig(
      A,
      [node(A, 1), node(A, 2), node(A, 9)],
      [threshold(A, 'cumulative_mm', 1, 5)],
    );
    const nodes = [node(A, 3, { enabled: 0, offsetZ: 12, gainZ: 0.001 }), node(A, 1, { gainX: null })];
    const thresholds = [threshold(A, 'cumulative_mm', 1, 10), threshold(A, 'velocity_mm_per_day', 2, 2.5, 3)];
    await db.store.replaceChainConfig(A, nodes, thresholds);
    const setup = await db.store.readChainSetup(A);
    expect(setup?.nodes).toEqual([nodes[1], nodes[0]]); // by nodeIndex
    expect(setup?.thresholds.map(({ id: _id, ...t }) => t)).toEqual(thresholds);
    const ids = setup?.thresholds.map((t) => t.id) ?? [];
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(ids[1]).toBeGreaterThan(ids[0]!);
    expect((await db.store.readChainSetup(B))?.nodes).toEqual([node(B, 1)]);
  });

  it('replaceChainConfig refuses rows of another chain and duplicate nodes', async () => {
    await expectCatena(db.store.replaceChainConfig(A, [node(B, 1)], []), 'DATA_INVALID', /CU001-A.*CU001-B/);
    await expectCatena(
      db.store.replaceChainConfig(A, [node(A, 1), node(A, 1)], []),
      'DATA_INVALID',
      /node 1/,
    );
  });
});
