/**
 * What a chain's progress says while it runs, on the real databases: a read
 * phase with its own progress (rows read of the rows to read) before the
 * elaboration, then timestamps written with a rate and an ETA.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installDemoSite } from '../../src/core/demo/install.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { ChainProgressEvent, EngineEvent } from '../../src/core/engine/events.ts';
import { openStore } from '../../src/core/store/open.ts';
import type { Store } from '../../src/core/store/port.ts';
import { parseProfile } from '../../src/core/store/profile.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const tmp = mkdtempSync(join(tmpdir(), 'catena-progress-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const targets = [
  {
    name: 'sqlite',
    available: true,
    open: async () => {
      const store = await openStore(parseProfile(`sqlite:${join(tmp, 'p.db')}`));
      return { store, drop: async () => store.close() };
    },
  },
  {
    name: 'mysql',
    available: mariadbAvailable,
    open: async () => {
      const db = await createTestDatabase('catena_progress');
      const store = await openStore(parseProfile(db.url));
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

async function progressOf(store: Store): Promise<ChainProgressEvent[]> {
  const chain = (await store.listChains()).find((c) => c.active)!;
  const key = { controlUnitCode: chain.controlUnitCode, chain: chain.chain };
  // small reads and chunks: the read phase takes several reads, the run several chunks
  const engine = new Engine({
    store,
    threads: 1,
    tuning: { readRows: 200, chunkCells: 5_000, writeRows: 500 },
  });
  const events: EngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  try {
    const launch = await engine.launch({ chains: [key], mode: 'full' });
    const done = await launch.done;
    expect(done.results[0]!.status).toBe('succeeded');
  } finally {
    await engine.close();
  }
  return events.filter((e): e is ChainProgressEvent => e.type === 'chain-progress');
}

for (const target of targets) {
  describe.runIf(target.available)(`progress on ${target.name}`, () => {
    it('reads first, with rows read of rows to read, then elaborates with a rate and an ETA', async () => {
      const { store, drop } = await target.open();
      try {
        await installDemoSite(store, { days: 2 });
        const progress = await progressOf(store);
        const phases = progress.map((p) => p.phase).filter((p, i, all) => all[i - 1] !== p);
        expect(phases).toEqual(['reference', 'reading', 'elaborating', 'finishing']);

        const reading = progress.filter((p) => p.phase === 'reading');
        const last = progress.at(-1)!;
        // the rows to read are known from the start of the read phase: the run's timestamps × its nodes
        expect(reading[0]!.rowsToRead).toBeGreaterThan(0);
        expect(last.rowsToRead).toBe(reading[0]!.rowsToRead);
        expect(last.rowsToRead % last.timestampsTotal).toBe(0);
        // the read phase moves before anything is written: its last event has read rows, none written
        expect(reading.at(-1)!.rowsRead).toBeGreaterThan(0);
        expect(reading.every((p) => p.timestampsDone === 0 && p.rowsWritten === 0)).toBe(true);
        // every raw row of the span was read (the demo has no missing rows)
        expect(last.rowsRead).toBeGreaterThanOrEqual(last.rowsToRead);

        // from the first timestamp written on (a fast run may show it only at its end): a rate and an ETA
        const writing = progress.filter((p) => p.timestampsDone > 0);
        expect(writing.length).toBeGreaterThan(0);
        expect(writing.every((p) => p.rate > 0 && p.etaSeconds !== null)).toBe(true);
        expect(last.timestampsDone).toBe(last.timestampsTotal);
        expect(last.etaSeconds).toBe(0);
      } finally {
        await drop();
      }
    }, 120_000);
  });
}
