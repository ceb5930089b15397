/**
 * Bad input never crashes a launch: each case gives flagged rows or a
 * per-chain error whose message names the chain, node and column, and the
 * other chains of the launch succeed (ELABORATION.md §2, §6).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { FLAG_INVALID } from '../../src/core/domain/flags.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainResult } from '../../src/core/engine/events.ts';
import { openStore } from '../../src/core/store/open.ts';
import type { Store } from '../../src/core/store/port.ts';
import { parseProfile } from '../../src/core/store/profile.ts';
import { node, raw, station } from '../support/fixture.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const GOOD: ChainKey = { controlUnitCode: 'CU900', chain: 'A' };

async function addChain(
  store: Store,
  key: ChainKey,
  nodes = [node(key, 1), node(key, 2), node(key, 3)],
  thresholds: { nodeIndex: number | null; metric: string; level: number; value: number }[] = [],
  rows = raw([1, 2, 3], 40),
): Promise<void> {
  await store.upsertStation(station(key));
  await store.replaceChainConfig(
    key,
    nodes,
    thresholds.map((t) => ({ ...key, ...t })),
  );
  await store.writeRaw(key, rows);
}

async function run(store: Store, chains: ChainKey[]): Promise<Map<string, ChainResult>> {
  const engine = new Engine({ store, threads: 1 });
  try {
    const l = await engine.launch({ chains, mode: 'full' });
    const results = (await l.done).results;
    return new Map(results.map((r) => [`${r.controlUnitCode}-${r.chain}`, r]));
  } finally {
    await engine.close();
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'catena-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const kinds = [
  { name: 'sqlite', available: true },
  { name: 'mysql', available: mariadbAvailable },
] as const;

for (const kind of kinds) {
  describe.runIf(kind.available)(`bad input on ${kind.name}`, () => {
    let store: Store;
    let drop: () => Promise<void> = async () => {};
    let dbUrl = '';

    beforeAll(async () => {
      if (kind.name === 'sqlite') dbUrl = `sqlite:${join(tmp, 'bad.db')}`;
      else {
        const db = await createTestDatabase('catena_bad');
        dbUrl = db.url;
        drop = db.drop;
      }
      store = await openStore(parseProfile(dbUrl));
      await store.migrate();
      await addChain(store, GOOD);
    });

    afterAll(async () => {
      await store?.close();
      await drop();
    });

    const failures: {
      name: string;
      key: ChainKey;
      setup: (key: ChainKey) => Promise<void>;
      message: RegExp;
    }[] = [
      {
        name: 'a chain with no nodes',
        key: { controlUnitCode: 'CU901', chain: 'A' },
        setup: (key) => addChain(store, key, [], [], raw([1], 5)),
        message: /CU901-A.*no enabled node/i,
      },
      {
        name: 'a node without calibration (gainX null)',
        key: { controlUnitCode: 'CU902', chain: 'A' },
        setup: (key) => addChain(store, key, [node(key, 1), node(key, 2, { gainX: null })]),
        message: /CU902-A.*node 2.*gainX/,
      },
      {
        name: 'a zero gain',
        key: { controlUnitCode: 'CU903', chain: 'A' },
        setup: (key) => addChain(store, key, [node(key, 1, { gainY: 0 })]),
        message: /CU903-A.*node 1.*gainY/,
      },
      {
        name: 'a threshold with an unknown metric',
        key: { controlUnitCode: 'CU904', chain: 'A' },
        setup: (key) =>
          addChain(store, key, undefined, [{ nodeIndex: null, metric: 'speed', level: 1, value: 1 }]),
        message: /CU904-A.*metric/,
      },
      {
        name: 'a threshold with an unknown level',
        key: { controlUnitCode: 'CU905', chain: 'A' },
        setup: (key) =>
          addChain(store, key, undefined, [{ nodeIndex: null, metric: 'tilt_deg', level: 4, value: 1 }]),
        message: /CU905-A.*level/,
      },
      {
        name: 'a chain that is not in active_stations',
        key: { controlUnitCode: 'CU999', chain: 'Z' },
        setup: async () => {},
        message: /CU999-Z.*not in active_stations/,
      },
    ];

    it('each configuration failure fails its chain with a message naming chain, node and column; the others succeed', async () => {
      for (const f of failures) await f.setup(f.key);
      const results = await run(store, [GOOD, ...failures.map((f) => f.key)]);
      expect(results.get('CU900-A')!.status).toBe('succeeded');
      for (const f of failures) {
        const r = results.get(`${f.key.controlUnitCode}-${f.key.chain}`)!;
        expect(r.status, f.name).toBe('failed');
        expect(r.message, f.name).toMatch(f.message);
        expect(r.rowsWritten, f.name).toBe(0);
      }
      const runs = await store.listRuns({ key: failures[1]!.key });
      expect(runs[0]!.status).toBe('failed');
      expect(runs[0]!.message).toMatch(/gainX/);
    });

    it('raw values out of range or null, and error codes, give INVALID rows, not a failure', async () => {
      const key = { controlUnitCode: 'CU910', chain: 'A' };
      const rows = raw([1, 2], 30);
      rows.rawX[10] = 40000; // beyond fullScaleCounts
      rows.rawY[11] = Number.NaN; // NULL
      rows.errorCode[12] = 7;
      rows.rawT[13] = Number.NaN;
      await addChain(store, key, [node(key, 1), node(key, 2)], [], rows);
      const r = (await run(store, [key])).get('CU910-A')!;
      expect(r.status).toBe('succeeded');
      expect(r.invalidRows).toBe(4);
      const out = await store.readElaborated({ ...key, from: null, to: null });
      const invalid = Array.from(out.flags).filter((f) => f & FLAG_INVALID).length;
      expect(invalid).toBe(4);
    });

    it('a chain already being elaborated elsewhere fails with CHAIN_LOCKED; the lock is freed at the end', async () => {
      const key = { controlUnitCode: 'CU913', chain: 'A' };
      await addChain(store, key);
      // "Elsewhere" is a second store on the same database: another workstation (MySQL) or another launch.
      const other = await openStore(parseProfile(dbUrl));
      try {
        const lock = await other.lockChain(key, { runId: null, host: 'elsewhere' });
        expect(lock).not.toBeNull();
        const blocked = (await run(store, [key, GOOD])).get('CU913-A')!;
        expect(blocked.status).toBe('failed');
        expect(blocked.errorCode).toBe('CHAIN_LOCKED');
        expect(blocked.message).toMatch(/CU913-A is being elaborated by another launch or workstation/);
        expect(blocked.rowsWritten).toBe(0);
        await lock!.release();
        const free = (await run(store, [key])).get('CU913-A')!;
        expect(free.status).toBe('succeeded');
        // and the engine released its own lock when the run ended
        const again = await other.lockChain(key, { runId: null, host: 'elsewhere' });
        expect(again).not.toBeNull();
        await again!.release();
      } finally {
        await other.close();
      }
    });

    it('rows of nodes that are not configured are ignored and reported as a warning', async () => {
      const key = { controlUnitCode: 'CU911', chain: 'A' };
      await addChain(store, key, [node(key, 1), node(key, 2)], [], raw([1, 2, 7], 20));
      const r = (await run(store, [key])).get('CU911-A')!;
      expect(r.status).toBe('succeeded');
      expect(r.ignoredRawRows).toBe(20);
      expect(r.warnings.join(' ')).toMatch(
        /20 raw rows of chain CU911-A belong to nodes that are not in rsn_nodes/,
      );
      expect(r.rowsWritten).toBe(40);
    });

    // Grants exist only on the server; SQLite has no access control to deny.
    if (kind.name === 'mysql') {
      it('access denied on a table fails the chain with a clear message', async () => {
        const key = { controlUnitCode: 'CU912', chain: 'A' };
        await addChain(store, key);
        const dbName = new URL(dbUrl).pathname.slice(1);
        const admin = await mysql.createConnection({ uri: dbUrl });
        const user = `catena_ro_${Math.floor(Math.random() * 1e6)}`;
        await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
        await admin.query(`CREATE USER '${user}'@'localhost' IDENTIFIED BY 'pw'`);
        for (const host of ['%', 'localhost']) {
          for (const table of [
            'active_stations',
            'rsn_nodes',
            'rsn_thresholds',
            'raw_rsn_data',
            'catena_runs',
            'catena_chain_locks',
            'catena_schema_migrations',
          ]) {
            await admin.query(`GRANT SELECT ON \`${dbName}\`.\`${table}\` TO '${user}'@'${host}'`);
          }
          await admin.query(`GRANT INSERT, UPDATE ON \`${dbName}\`.\`catena_runs\` TO '${user}'@'${host}'`);
          await admin.query(
            `GRANT INSERT, UPDATE, DELETE ON \`${dbName}\`.\`catena_chain_locks\` TO '${user}'@'${host}'`,
          );
          await admin.query(`GRANT SELECT ON \`${dbName}\`.\`elaborated_rsn_data\` TO '${user}'@'${host}'`);
          await admin.query(`GRANT SELECT ON \`${dbName}\`.\`rsn_alarm_events\` TO '${user}'@'${host}'`);
        }
        try {
          const url = new URL(dbUrl);
          url.username = user;
          url.password = 'pw';
          const limited = await openStore(parseProfile(url.toString()));
          try {
            const r = (await run(limited, [key])).get('CU912-A')!;
            expect(r.status).toBe('failed');
            expect(r.message).toMatch(/elaborated_rsn_data/);
            expect(r.message).not.toMatch(/^Error:/);
          } finally {
            await limited.close();
          }
        } finally {
          await admin.query(`DROP USER '${user}'@'%'`);
          await admin.query(`DROP USER '${user}'@'localhost'`);
          await admin.end();
        }
      });
    }
  });
}
