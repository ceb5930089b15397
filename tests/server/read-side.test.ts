/**
 * The HTTP host's reads on a connection of their own (src/server/read-side.ts):
 * on SQLite the engine's connection is held by a write transaction for as long
 * as it runs — here, a write kept waiting by another program's lock on the
 * file. A REST read answers meanwhile on the read connection; the same read
 * through the engine's connection (readConnection: false, as before) waits
 * for the lock. Reads then see what the engine committed.
 */
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/core/engine/events.ts';
import { takeWriteLock } from '../support/sqlite-lock.ts';
import { BIG, body, type Harness, openHarness, until } from './harness.ts';

describe('reads on a connection of their own (SQLite)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('sqlite');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a REST read answers while the engine’s write waits for the file lock; on the engine’s connection it waits', async () => {
    const separate = await h.serve();
    const shared = await h.serve({ readConnection: false });
    const path = h.service.info().location.replace(/^sqlite:/, '');
    const other = new DatabaseSync(path);
    const phases: string[] = [];
    const off = h.service.onEvent((event: EngineEvent) => {
      if (event.type === 'chain-progress') phases.push(event.phase);
    });
    try {
      // the first batch held before its transaction, the file locked by another program, then let go:
      // the engine's connection now waits in BEGIN IMMEDIATE
      h.gate.close();
      const { launchId } = await h.service.launch({ chains: [BIG], mode: 'full' });
      await until(() => h.gate.held >= 1);
      await takeWriteLock(other);
      h.gate.open();
      await until(() => phases.includes('waiting'));

      const t0 = performance.now();
      const runs = await separate.inject({ url: '/api/v1/runs?limit=5' });
      const took = performance.now() - t0;
      expect(runs.statusCode, runs.body).toBe(200);
      expect(body<unknown[]>(runs).length).toBeGreaterThan(0);
      expect(took).toBeLessThan(1_000);

      let answered = false;
      const waiting = shared.inject({ url: '/api/v1/runs?limit=5' }).then((r) => {
        answered = true;
        return r;
      });
      await sleep(1_000);
      expect(answered).toBe(false);

      other.exec('COMMIT');
      expect((await waiting).statusCode).toBe(200);
      const done = await h.finished(launchId);
      expect(done.results[0]!.status).toBe('succeeded');
      // the read connection sees what the engine committed
      const after = await separate.inject({ url: `/api/v1/launches/${launchId}` });
      expect(body<{ status: string }>(after).status).toBe('finished');
      const newest = body<{ timestamp: number | null }>(
        await separate.inject({ url: '/api/v1/chains/CU902/A/latest' }),
      );
      const stored = await h.service.series({ key: BIG, limit: 1 });
      expect(newest.timestamp).toBe(stored.timestamp[0]);
    } finally {
      off();
      h.gate.open();
      if (other.isTransaction) other.exec('ROLLBACK');
      other.close();
    }
    expect(h.unexpected).toEqual([]);
  }, 120_000);
});
