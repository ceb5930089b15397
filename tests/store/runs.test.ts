/** Run bookkeeping. */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { openStore } from '../../src/core/store/open.ts';
import { STEP, T0 } from './fixtures.ts';
import { A, B, describeStore, END } from './suite.ts';

describeStore('runs', (db) => {
  it('startRun / endRun / listRuns record a run and filter by chain and launch, newest first', async () => {
    const r1 = await db.store.startRun({
      ...A,
      launchId: 'launch-1',
      mode: 'range',
      spanFrom: T0,
      spanTo: T0 + STEP,
      host: 'ws-1',
    });
    const r2 = await db.store.startRun({
      ...B,
      launchId: 'launch-1',
      mode: 'incremental',
      spanFrom: null,
      spanTo: null,
      host: 'ws-1',
    });
    const r3 = await db.store.startRun({
      ...A,
      launchId: 'launch-2',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'ws-2',
    });
    expect(r2).toBeGreaterThan(r1);
    expect(r3).toBeGreaterThan(r2);
    await db.store.endRun(r1, END);
    await db.store.endRun(r2, {
      ...END,
      status: 'failed',
      phase: 'configuring',
      message: 'chain CU001-B, node 7: gainX is null in rsn_nodes',
      errorCode: 'CHAIN_CONFIG',
    });
    const runs = await db.store.listRuns({ key: A });
    expect(runs.map((r) => r.runId)).toEqual([r3, r1]);
    const [second, first] = runs;
    expect(first).toMatchObject({
      ...A,
      ...END,
      runId: r1,
      launchId: 'launch-1',
      mode: 'range',
      spanFrom: T0,
      spanTo: T0 + STEP,
      host: 'ws-1',
    });
    expect(first!.endedAt).toBeGreaterThanOrEqual(first!.startedAt);
    expect(Math.abs(first!.startedAt - Date.now() / 1000)).toBeLessThan(120);
    expect(second).toMatchObject({
      status: 'running',
      endedAt: null,
      rowsRead: 0,
      eventsCreated: 0,
      spanFrom: null,
    });
    const launch1 = await db.store.listRuns({ launchId: 'launch-1' });
    expect(launch1.map((r) => r.runId)).toEqual([r2, r1]);
    expect(launch1[0]).toMatchObject({
      status: 'failed',
      phase: 'configuring',
      errorCode: 'CHAIN_CONFIG',
    });
    expect((await db.store.listRuns({ limit: 1 })).length).toBe(1);
  });
});

describeStore('runs: heartbeat and interruption', (db) => {
  it('a running run whose heartbeat is older than the lease is stored and shown as interrupted; a beating one is not', async () => {
    const short = await openStore(db.opened.url, { leaseSeconds: 1 });
    try {
      const start = { ...A, mode: 'full' as const, spanFrom: null, spanTo: null, host: 'ws-dead' };
      const dead = await short.startRun({ ...start, launchId: 'dead' });
      const alive = await short.startRun({ ...start, launchId: 'alive' });
      const beat = { ...END, phase: 'elaborating', configFingerprint: 'f'.repeat(64) };
      // The database's clock counts whole seconds: past 2 s the dead run's heartbeat is older than the lease.
      for (let i = 0; i < 6; i++) {
        await sleep(500);
        await short.heartbeatRun(alive, beat);
      }
      const runs = await short.listRuns({ key: A });
      const byId = new Map(runs.map((r) => [r.runId, r]));
      expect(byId.get(dead)).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED' });
      expect(byId.get(dead)!.message).toMatch(/stopped before it ended/);
      expect(byId.get(alive)).toMatchObject({ status: 'running', phase: 'elaborating' });
      // stored, not only shown: a store with the default lease reads the same
      expect((await db.store.listRuns({ launchId: 'dead' }))[0]!.status).toBe('interrupted');
      await short.endRun(alive, END);
    } finally {
      await short.close();
    }
  });
});
