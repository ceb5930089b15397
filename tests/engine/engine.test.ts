/**
 * Whole launches on the real databases (MariaDB and an SQLite file), on the
 * demo site cut to a few days: partition invariance (§5), idempotence,
 * failure isolation, cancellation and exact resumption.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDemoSite } from '../../src/core/demo/install.ts';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { ElaboratedColumns } from '../../src/core/domain/columns.ts';
import { ELABORATED_VALUES } from '../../src/core/domain/columns.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainResult, LaunchRequest } from '../../src/core/engine/events.ts';
import { openStore } from '../../src/core/store/open.ts';
import type { Store, StoredAlarmEvent } from '../../src/core/store/port.ts';
import { parseProfile } from '../../src/core/store/profile.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const DAYS = 8;

interface Target {
  name: 'sqlite' | 'mysql';
  available: boolean;
  /** a fresh database holding the demo site */
  create: () => Promise<{ store: Store; drop: () => Promise<void> }>;
}

const tmp = mkdtempSync(join(tmpdir(), 'catena-engine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

const targets: Target[] = [
  {
    name: 'sqlite',
    available: true,
    create: async () => {
      const store = await openStore(parseProfile(`sqlite:${join(tmp, `e${counter++}.db`)}`));
      await installDemoSite(store, { days: DAYS });
      return { store, drop: async () => store.close() };
    },
  },
  {
    name: 'mysql',
    available: mariadbAvailable,
    create: async () => {
      const db = await createTestDatabase('catena_engine');
      const store = await openStore(parseProfile(db.url));
      await installDemoSite(store, { days: DAYS });
      return {
        store,
        drop: async () => {
          await store.close();
          await db.drop();
        },
      };
    },
  },
];

async function launch(
  store: Store,
  request: LaunchRequest,
  tuning?: { chunkCells?: number; writeRows?: number },
): Promise<ChainResult[]> {
  const engine = new Engine({ store, threads: 2, tuning });
  try {
    const l = await engine.launch(request);
    return (await l.done).results;
  } finally {
    await engine.close();
  }
}

interface Dump {
  rows: Map<string, ElaboratedColumns>;
  events: StoredAlarmEvent[];
}

async function dump(store: Store, chains: ChainKey[]): Promise<Dump> {
  const rows = new Map<string, ElaboratedColumns>();
  for (const key of chains) {
    rows.set(
      `${key.controlUnitCode}-${key.chain}`,
      await store.readElaborated({ ...key, from: null, to: null }),
    );
  }
  const events = (await store.listEvents({ limit: 1_000_000 })).sort(
    (a, b) =>
      a.controlUnitCode.localeCompare(b.controlUnitCode) ||
      a.chain.localeCompare(b.chain) ||
      a.metric.localeCompare(b.metric) ||
      a.timestamp - b.timestamp,
  );
  return { rows, events };
}

const COLUMNS = ['timestamp', 'nodeIndex', ...ELABORATED_VALUES, 'flags'] as const;

/** Bit-for-bit comparison (Object.is: NaN equals NaN, and every bit of a double counts). */
function expectSameRows(a: Dump, b: Dump): void {
  expect([...b.rows.keys()]).toEqual([...a.rows.keys()]);
  for (const [label, x] of a.rows) {
    const y = b.rows.get(label)!;
    expect(y.length, `${label} row count`).toBe(x.length);
    for (const column of COLUMNS) {
      const xs = x[column];
      const ys = y[column];
      let mismatch = -1;
      for (let i = 0; i < x.length; i++) {
        if (!Object.is(xs[i], ys[i])) {
          mismatch = i;
          break;
        }
      }
      expect(
        mismatch,
        `${label} ${column} first mismatch at row ${mismatch}: ${xs[mismatch]} vs ${ys[mismatch]}`,
      ).toBe(-1);
    }
  }
}

function eventKeys(d: Dump) {
  return d.events.map((e) => ({
    controlUnitCode: e.controlUnitCode,
    chain: e.chain,
    metric: e.metric,
    timestamp: e.timestamp,
    level: e.level,
    previousLevel: e.previousLevel,
    nodeIndex: e.nodeIndex,
    value: e.value,
  }));
}

for (const target of targets) {
  describe.runIf(target.available)(`engine on ${target.name}`, () => {
    let full: { store: Store; drop: () => Promise<void> };
    let chains: ChainKey[];
    let fullDump: Dump;
    let fullResults: ChainResult[];

    beforeAll(async () => {
      full = await target.create();
      chains = (await full.store.listChains())
        .filter((c) => c.active)
        .map(({ controlUnitCode, chain }) => ({ controlUnitCode, chain }));
      fullResults = await launch(full.store, { chains: 'all-active', mode: 'full' });
      fullDump = await dump(full.store, chains);
    }, 300_000);

    afterAll(async () => full?.drop());

    it('a full run elaborates every enabled node at every chain timestamp', async () => {
      expect(fullResults.map((r) => r.status)).toEqual(fullResults.map(() => 'succeeded'));
      const summaries = await full.store.listChains();
      for (const r of fullResults) {
        const s = summaries.find((c) => c.controlUnitCode === r.controlUnitCode && c.chain === r.chain)!;
        expect(r.rowsWritten).toBe(r.timestamps * s.enabledNodeCount);
        expect(fullDump.rows.get(`${r.controlUnitCode}-${r.chain}`)!.length).toBe(r.rowsWritten);
      }
      expect(fullDump.events.length).toBeGreaterThan(0);
    });

    it('§5 partition invariance: range + range + incremental runs give the same rows and events bit for bit', async () => {
      const split = await target.create();
      try {
        const first = Math.min(...(await split.store.listChains()).map((c) => c.firstRawAt!));
        const t1 = first + 2.5 * 86400 + 600;
        const t2 = first + 5 * 86400 + 17 * 60;
        const a = await launch(split.store, { chains: 'all-active', mode: 'range', from: first, to: t1 });
        const b = await launch(split.store, { chains: 'all-active', mode: 'range', from: t1 + 1, to: t2 });
        const c = await launch(split.store, { chains: 'all-active', mode: 'incremental', concurrency: 1 });
        for (const r of [...a, ...b, ...c]) expect(r.status, r.message ?? '').toBe('succeeded');
        const splitDump = await dump(split.store, chains);
        expectSameRows(fullDump, splitDump);
        expect(eventKeys(splitDump)).toEqual(eventKeys(fullDump));
      } finally {
        await split.drop();
      }
    }, 300_000);

    it("more chains than write streams: at most the store's writeStreams writes at once, the same rows", async () => {
      const lanes = await target.create();
      try {
        let inFlight = 0;
        let most = 0;
        // The real store, observed: each writeChunk counted while it runs.
        const observed = new Proxy(lanes.store, {
          get(store, name) {
            if (name !== 'writeChunk') {
              // private fields: methods run on the store itself
              const value: unknown = Reflect.get(store, name, store);
              return typeof value === 'function' ? value.bind(store) : value;
            }
            return async (chunk: Parameters<Store['writeChunk']>[0]) => {
              inFlight++;
              most = Math.max(most, inFlight);
              try {
                return await store.writeChunk(chunk);
              } finally {
                inFlight--;
              }
            };
          },
        });
        const streams = lanes.store.sizes.writeStreams;
        const engine = new Engine({ store: observed, threads: 2, concurrency: chains.length });
        try {
          const results = (await (await engine.launch({ chains: 'all-active', mode: 'full' })).done).results;
          for (const r of results) expect(r.status, r.message ?? '').toBe('succeeded');
        } finally {
          await engine.close();
        }
        expect(most).toBe(streams);
        expectSameRows(fullDump, await dump(lanes.store, chains));
      } finally {
        await lanes.drop();
      }
    }, 300_000);

    it('with alarm delays: many small chunks carrying their state, split into range + incremental runs, equal one chunk bit for bit', async () => {
      const one = await target.create();
      const many = await target.create();
      try {
        for (const db of [one, many]) {
          for (const key of chains) {
            const setup = (await db.store.readChainSetup(key))!;
            await db.store.upsertStation({ ...setup.station, alarmOnDelayHours: 1.5, alarmOffDelayHours: 4 });
          }
        }
        const whole = await launch(
          one.store,
          { chains: 'all-active', mode: 'full' },
          { chunkCells: 10_000_000 },
        );
        const first = Math.min(...(await many.store.listChains()).map((c) => c.firstRawAt!));
        const t1 = first + 3 * 86400 + 1234;
        const small = { chunkCells: 1_500, writeRows: 700 };
        const a = await launch(
          many.store,
          { chains: 'all-active', mode: 'range', from: first, to: t1 },
          small,
        );
        const b = await launch(many.store, { chains: 'all-active', mode: 'incremental' }, small);
        for (const r of [...whole, ...a, ...b]) expect(r.status, r.message ?? '').toBe('succeeded');
        const oneDump = await dump(one.store, chains);
        const manyDump = await dump(many.store, chains);
        expectSameRows(oneDump, manyDump);
        expect(eventKeys(manyDump)).toEqual(eventKeys(oneDump));
        // the delays are exercised: they change the events of the undelayed full run
        expect(eventKeys(oneDump)).not.toEqual(eventKeys(fullDump));
        expect(oneDump.events.length).toBeGreaterThan(0);
      } finally {
        await one.drop();
        await many.drop();
      }
    }, 300_000);

    it('running the full elaboration again creates no duplicate rows and no new events', async () => {
      const again = await launch(full.store, { chains: 'all-active', mode: 'full' });
      expect(again.every((r) => r.status === 'succeeded')).toBe(true);
      expect(again.reduce((s, r) => s + r.eventsCreated, 0)).toBe(0);
      const d = await dump(full.store, chains);
      expectSameRows(fullDump, d);
      expect(eventKeys(d)).toEqual(eventKeys(fullDump));
    }, 300_000);

    it('an incremental run with nothing new writes nothing', async () => {
      const r = await launch(full.store, { chains: 'all-active', mode: 'incremental' });
      expect(r.every((x) => x.status === 'succeeded' && x.rowsWritten === 0)).toBe(true);
    });

    it('cancellation keeps committed batches, marks the run cancelled, and incremental resumes exactly', async () => {
      const other = await target.create();
      // The operator's cancel arrives right after the second batch is committed: the
      // real store, with its writeChunk observed (not replaced) to time the cancel exactly.
      let cancel = () => {};
      let writes = 0;
      const observed = new Proxy(other.store, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target);
          if (prop !== 'writeChunk') return typeof value === 'function' ? value.bind(target) : value;
          return async (chunk: Parameters<Store['writeChunk']>[0]) => {
            const written = await target.writeChunk(chunk);
            if (++writes === 2) cancel();
            return written;
          };
        },
      });
      const engine = new Engine({
        store: observed,
        threads: 2,
        tuning: { chunkCells: 2_000, writeRows: 500 },
      });
      try {
        const big = chains[0]!;
        const l = await engine.launch({ chains: [big], mode: 'full' });
        cancel = () => engine.cancel(l.launchId);
        const [result] = (await l.done).results;
        expect(result!.status).toBe('cancelled');
        expect(result!.message).toMatch(/cancelled after \d+ timestamps/);
        const runs = await other.store.listRuns({ key: big });
        expect(runs[0]!.status).toBe('cancelled');
        const partial = await other.store.readElaborated({ ...big, from: null, to: null });
        const total = fullDump.rows.get(`${big.controlUnitCode}-${big.chain}`)!.length;
        expect(partial.length).toBeGreaterThan(0);
        expect(partial.length).toBeLessThan(total);
        const resumed = await launch(other.store, { chains: [big], mode: 'incremental' });
        expect(resumed[0]!.status).toBe('succeeded');
        const d = await dump(other.store, [big]);
        const label = `${big.controlUnitCode}-${big.chain}`;
        expectSameRows(
          { rows: new Map([[label, fullDump.rows.get(label)!]]), events: [] },
          { rows: d.rows, events: [] },
        );
      } finally {
        await engine.close();
        await other.drop();
      }
    }, 300_000);
  });
}
