/**
 * The bad-input corpus (cases.ts) on MariaDB and SQLite. Each case is one
 * chain of a legacy-shaped database (rsn_nodes and raw_rsn_data without a
 * primary key, as old control-unit software made them), elaborated once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainResult } from '../../src/core/engine/events.ts';
import { DIALECTS, type Opened, removeTmp } from '../store/targets.ts';
import { node, raw, STEP, station, T0 } from '../support/fixture.ts';
import { legacyNoKeyDdl } from '../support/legacy-tables.ts';
import { CASES, type CorpusCase } from './cases.ts';

afterAll(removeTmp);

const NODES = [1, 2, 3];
const TIMESTAMPS = 50;

function readingsOf(c: CorpusCase): { seeded: RawColumns; added: RawColumns | null } {
  const seeded = raw(NODES, TIMESTAMPS, (i, n) => 200 + ((i * 7 + n * 13) % 40));
  const extra = (c.readings ?? []).filter((r) => !r.replace);
  for (const r of (c.readings ?? []).filter((x) => x.replace)) {
    const row = (r.at as number) * NODES.length + NODES.indexOf(r.node);
    seeded.rawX[row] = r.rawX;
    seeded.errorCode[row] = r.errorCode ?? 0;
  }
  if (extra.length === 0) return { seeded, added: null };
  const added = raw([0], extra.length);
  extra.forEach((r, k) => {
    added.timestamp[k] = typeof r.at === 'number' ? T0 + r.at * STEP : r.at.epoch;
    added.nodeIndex[k] = r.node;
    added.rawX[k] = r.rawX;
    added.rawY[k] = r.rawX / 2;
    added.errorCode[k] = r.errorCode ?? 0;
  });
  return { seeded, added };
}

for (const target of DIALECTS) {
  describe.runIf(target.available)(`bad-input corpus on ${target.name}`, () => {
    let db: Opened;

    beforeAll(async () => {
      db = await target.create();
      for (const ddl of legacyNoKeyDdl(target.dialect)) await db.sql.exec(ddl);
      await db.store.migrate();
    });
    afterAll(async () => db?.drop());

    async function setUp(key: ChainKey, c: CorpusCase): Promise<void> {
      if (!c.noStation) await db.store.upsertStation(station(key, c.station));
      await db.store.replaceChainConfig(
        key,
        NODES.map((n) => node(key, n, c.nodes?.[n])),
        (c.thresholds ?? []).map((t) => ({ ...key, ...t })),
      );
      for (const extraNode of c.extraNodes ?? []) {
        const row = { ...node(key, extraNode.nodeIndex ?? 1), ...extraNode };
        await db.sql.exec(
          'INSERT INTO rsn_nodes (controlUnitCode, chain, nodeIndex, depthM, offsetX, gainX, offsetY, gainY, tempOffset, tempGain) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            key.controlUnitCode,
            key.chain,
            row.nodeIndex,
            row.depthM,
            row.offsetX,
            row.gainX,
            row.offsetY,
            row.gainY,
            row.tempOffset,
            row.tempGain,
          ],
        );
      }
      const { seeded, added } = readingsOf(c);
      await db.store.writeRaw(key, seeded);
      if (added) await db.store.writeRaw(key, added);
      if (c.sql) await db.sql.exec(c.sql, [key.chain]);
    }

    async function elaborate(key: ChainKey): Promise<ChainResult> {
      const engine = new Engine({ store: db.store, threads: 1 });
      try {
        const launch = await engine.launch({ chains: [key], mode: 'full' });
        return (await launch.done).results[0]!;
      } finally {
        await engine.close();
      }
    }

    const cases = CASES.map((c, i) => [c.name, c, i] as const).filter(
      ([, c]) => !c.only || c.only === target.dialect,
    );
    it.each(cases)('%s', async (_name, c, i) => {
      const key: ChainKey = { controlUnitCode: 'CORPUS', chain: `C${i}` };
      await setUp(key, c);
      const result = await elaborate(key);
      const expected = c.expect;
      const rows = await db.store.readElaborated({ ...key, from: null, to: null });
      if (expected.status === 'failed') {
        expect([result.status, result.errorCode]).toEqual(['failed', expected.errorCode]);
        expect(result.message).toMatch(expected.message);
        expect(result.message).toContain(`CORPUS-C${i}`);
        // refused before anything was written
        expect(rows.length).toBe(0);
        return;
      }
      expect([result.status, result.message]).toEqual(['succeeded', null]);
      if ('warning' in expected) {
        expect(result.warnings.join('\n')).toMatch(expected.warning);
        expect(result.ignoredRawRows).toBe(expected.ignoredRawRows);
      } else {
        const flagged = Array.from(rows.flags).filter((f) => (f & expected.flagged.mask) !== 0).length;
        expect(flagged).toBe(expected.flagged.rows);
        expect(result.warnings).toEqual([]);
      }
      expect(rows.length).toBe(result.rowsWritten);
    });
  });
}
