/** Run bookkeeping. */
import { expect, it } from 'vitest';
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
