/** listChains: one summary row per station. */
import { expect, it } from 'vitest';
import { elaboratedGrid, node, rawGrid, STEP, station, T0 } from './fixtures.ts';
import { A, B, C, describeStore } from './suite.ts';

describeStore('listChains', (db) => {
  it('one row per station, with node, raw and elaborated summaries', async () => {
    await db.store.upsertStation(station(A, { siteName: 'North', timeZone: 'Europe/Rome' }));
    await db.store.upsertStation(station(B, { active: 0 }));
    await db.store.upsertStation(station(C, { active: null }));
    await db.store.replaceChainConfig(
      A,
      [node(A, 1), node(A, 2, { enabled: 0 }), node(A, 3, { enabled: null })],
      [],
    );
    await db.store.writeRaw(A, rawGrid(5, [1, 2, 3]));
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
      rows: elaboratedGrid(2, [1, 3]),
      eventsFrom: T0,
      eventsTo: T0 + STEP,
      events: [],
    });
    const chains = (await db.store.listChains()).filter((c) =>
      [A, B, C].some((k) => k.chain === c.chain && k.controlUnitCode === c.controlUnitCode),
    );
    expect(chains).toEqual([
      {
        ...A,
        siteName: 'North',
        timeZone: 'Europe/Rome', // migration 009
        active: true,
        fixedEnd: 'bottom',
        nodeCount: 3,
        enabledNodeCount: 2, // enabled null counts as enabled (ELABORATION.md §1)
        rawRowCount: 15,
        firstRawAt: T0,
        lastRawAt: T0 + 4 * STEP,
        lastElaboratedAt: T0 + STEP,
      },
      {
        ...B,
        siteName: 'Site CU001',
        timeZone: null,
        active: false,
        fixedEnd: 'bottom',
        nodeCount: 0,
        enabledNodeCount: 0,
        rawRowCount: 0,
        firstRawAt: null,
        lastRawAt: null,
        lastElaboratedAt: null,
      },
      {
        ...C,
        siteName: 'Site CU002',
        timeZone: null,
        active: true, // active null is active
        fixedEnd: 'bottom',
        nodeCount: 0,
        enabledNodeCount: 0,
        rawRowCount: 0,
        firstRawAt: null,
        lastRawAt: null,
        lastElaboratedAt: null,
      },
    ]);
  });
});
