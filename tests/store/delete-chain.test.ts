/** deleteChain. */

import { expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { elaboratedGrid, event, node, rawGrid, station, T0, threshold } from './fixtures.ts';
import { A, B, describeStore } from './suite.ts';

describeStore('deleteChain', (db) => {
  it('removes the chain from every table and leaves the other chains', async () => {
    for (const key of [A, B]) {
      await db.store.upsertStation(station(key));
      await db.store.replaceChainConfig(key, [node(key, 1)], [threshold(key, 'tilt_deg', 1, 1)]);
      await db.store.writeRaw(key, rawGrid(3, [1]));
      const runId = await db.store.startRun({
        ...key,
        launchId: 'L',
        mode: 'full',
        spanFrom: null,
        spanTo: null,
        host: 'h',
      });
      await db.store.writeChunk({
        ...key,
        runId,
        rows: elaboratedGrid(3, [1]),
        eventsFrom: T0,
        eventsTo: T0,
        events: [event('tilt_deg', T0, 1)],
      });
    }
    await db.store.deleteChain(A);
    expect(await db.store.readChainSetup(A)).toBeNull();
    for (const table of [
      'active_stations',
      'rsn_nodes',
      'rsn_thresholds',
      'raw_rsn_data',
      'elaborated_rsn_data',
      'rsn_alarm_events',
      'catena_runs',
    ]) {
      const count = async (key: ChainKey) =>
        Number(
          (
            await db.opened.sql.rows(
              `SELECT COUNT(*) AS n FROM ${table} WHERE controlUnitCode = ? AND chain = ?`,
              [key.controlUnitCode, key.chain],
            )
          )[0]!.n,
        );
      expect(await count(A), table).toBe(0);
      expect(await count(B), table).toBeGreaterThan(0);
    }
  });
});
