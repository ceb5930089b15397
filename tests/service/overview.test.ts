/**
 * The stations overview (service.listChains): whether a chain is stale (on
 * the database's clock, with its own limit or twice its median sampling
 * interval), and whether its stored outputs are those of its configuration.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import { createService } from '../../src/core/service/service.ts';
import { DIALECTS, removeTmp } from '../store/targets.ts';
import { node, raw, station } from '../support/fixture.ts';

afterAll(removeTmp);

const HOURLY: ChainKey = { controlUnitCode: 'CU970', chain: 'H' };
const TEN_MIN: ChainKey = { controlUnitCode: 'CU970', chain: 'T' };
const OWN_LIMIT: ChainKey = { controlUnitCode: 'CU970', chain: 'L' };
const NOW = Math.floor(Date.now() / 1000);

/** `count` readings of nodes 1–2, `step` seconds apart, the last one `ageSeconds` ago. */
function recent(count: number, step: number, ageSeconds: number): RawColumns {
  const rows = raw([1, 2], count);
  const last = NOW - ageSeconds;
  for (let r = 0; r < rows.length; r++) rows.timestamp[r] = last - (count - 1 - Math.floor(r / 2)) * step;
  return rows;
}

for (const target of DIALECTS) {
  describe.runIf(target.available)(`stations overview on ${target.name}`, () => {
    it('stale: the chain’s own limit, else twice its median sampling interval (at least 1 h)', async () => {
      const db = await target.create({ migrate: true });
      const engine = new Engine({ store: db.store, threads: 1 });
      const service = createService(db.store, engine);
      try {
        const setUp = async (key: ChainKey, rows: RawColumns, staleAfterHours: number | null = null) => {
          await db.store.upsertStation(station(key, { staleAfterHours }));
          await db.store.replaceChainConfig(key, [node(key, 1), node(key, 2)], []);
          await db.store.writeRaw(key, rows);
        };
        // hourly data, last 90 min ago: limit 2 h, not stale
        await setUp(HOURLY, recent(30, 3600, 90 * 60));
        // 10-minute data, last 90 min ago: limit 1 h (2 × 10 min is under the minimum), stale
        await setUp(TEN_MIN, recent(30, 600, 90 * 60));
        // its own limit of 0.5 h, data 40 min old: stale
        await setUp(OWN_LIMIT, recent(30, 3600, 40 * 60), 0.5);
        const byChain = new Map((await service.listChains()).map((c) => [c.chain, c]));
        expect(byChain.get('H')).toMatchObject({
          staleAfterHours: 2,
          stale: false,
          outputs: 'none',
          pendingRun: null,
        });
        expect(byChain.get('T')).toMatchObject({ staleAfterHours: 1, stale: true });
        expect(byChain.get('L')).toMatchObject({ staleAfterHours: 0.5, stale: true });
      } finally {
        // the store is the target's to close
        await engine.close();
        await db.drop();
      }
    });
  });
}
