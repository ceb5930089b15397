/** writeChunk: rows upserted and the span's events replaced in one transaction. */

import { expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { elaborated, elaboratedGrid, event, plain, STEP, T0 } from './fixtures.ts';
import { A, B, describeStore, expectCatena } from './suite.ts';

describeStore('writeChunk', (db) => {
  async function run(key: ChainKey = A): Promise<number> {
    return db.store.startRun({
      ...key,
      launchId: 'launch-1',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'ws-1',
    });
  }

  it('upserts the rows: writing the same chunk twice leaves the same rows and no duplicate events', async () => {
    const runId = await run();
    const rows = elaboratedGrid(5, [1, 2, 3]);
    const chunk = {
      ...A,
      runId,
      rows,
      eventsFrom: T0,
      eventsTo: T0 + 4 * STEP,
      events: [event('tilt_deg', T0 + STEP, 1), event('tilt_deg', T0 + 3 * STEP, 0, 1)],
    };
    const first = await db.store.writeChunk(chunk);
    expect(first.rowsWritten).toBe(15);
    expect(first.newEvents).toEqual(chunk.events);
    const second = await db.store.writeChunk(chunk);
    expect(second).toEqual({ rowsWritten: 15, newEvents: [] });
    expect(plain(await db.store.readElaborated({ ...A, from: null, to: null }))).toEqual(plain(rows));
    expect(await db.store.listEvents({ key: A })).toHaveLength(2);
    expect(await db.store.lastElaboratedAt(A)).toBe(T0 + 4 * STEP);
    expect(await db.store.lastElaboratedAt(B)).toBeNull();
  });

  it('overwrites changed values and runId of existing rows', async () => {
    const run1 = await run();
    await db.store.writeChunk({
      ...A,
      runId: run1,
      rows: elaboratedGrid(3, [1, 2]),
      eventsFrom: T0,
      eventsTo: T0,
      events: [],
    });
    const run2 = await run();
    const changed = elaborated([{ t: T0 + STEP, n: 2, v: Number.NaN, flags: 32 }]);
    await db.store.writeChunk({
      ...A,
      runId: run2,
      rows: changed,
      eventsFrom: T0 + STEP,
      eventsTo: T0 + STEP,
      events: [],
    });
    const back = await db.store.readElaborated({ ...A, from: T0 + STEP, to: T0 + STEP, nodeIndex: 2 });
    expect(plain(back)).toEqual(plain(changed));
    const runIds = await db.opened.sql.rows(
      'SELECT nodeIndex, runId FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ? ORDER BY timestamp, nodeIndex',
      [A.controlUnitCode, A.chain],
    );
    expect(runIds.map((r) => Number(r.runId))).toEqual([run1, run1, run1, run2, run1, run1]);
  });

  it("replaces the span's events: removed when gone, kept (with notifiedAt) when still there, new ones returned", async () => {
    const runId = await run();
    const before = [
      event('tilt_deg', T0, 1), // outside the second span: untouched
      event('tilt_deg', T0 + STEP, 2, 1), // gone in the second write
      event('cumulative_mm', T0 + 2 * STEP, 1), // still there, notified
      event('velocity_mm_per_day', T0 + 5 * STEP, 3), // outside: untouched
    ];
    await db.store.writeChunk({
      ...A,
      runId,
      rows: elaboratedGrid(6, [1]),
      eventsFrom: T0,
      eventsTo: T0 + 5 * STEP,
      events: before,
    });
    const notifiedAt = T0 + 86_400;
    await db.store.markNotified(A, [before[2]!], notifiedAt);
    // acknowledged at level 1: the acknowledgement does not carry over to the new level
    expect(await db.store.acknowledgeEvents({ key: A, by: 'op', note: 'seen', at: notifiedAt })).toBe(4);
    const created = (await db.store.listEvents({ key: A })).find(
      (e) => e.metric === 'cumulative_mm',
    )!.createdAt;

    const run2 = await run();
    const after = [
      { ...event('cumulative_mm', T0 + 2 * STEP, 2), nodeIndex: 7, value: 12.25 }, // same key, new level
      event('tilt_deg', T0 + 3 * STEP, 1), // new key
    ];
    const result = await db.store.writeChunk({
      ...A,
      runId: run2,
      rows: elaboratedGrid(1, [1], T0 + STEP),
      eventsFrom: T0 + STEP,
      eventsTo: T0 + 4 * STEP,
      events: after,
    });
    expect(result.newEvents).toEqual([after[1]]);
    const stored = await db.store.listEvents({ key: A });
    expect(stored.map((e) => [e.metric, e.timestamp - T0])).toEqual([
      ['velocity_mm_per_day', 5 * STEP],
      ['tilt_deg', 3 * STEP],
      ['cumulative_mm', 2 * STEP],
      ['tilt_deg', 0],
    ]); // newest first
    const kept = stored.find((e) => e.metric === 'cumulative_mm')!;
    expect(kept).toEqual({
      ...A,
      ...after[0]!,
      runId: run2,
      createdAt: created,
      notifiedAt,
      acknowledgedAt: null,
      acknowledgedBy: null,
      ackNote: null,
    });
    // an untouched event outside the span keeps its acknowledgement
    expect(stored.find((e) => e.timestamp === T0)!.acknowledgedBy).toBe('op');
    const fresh = stored.find((e) => e.timestamp === T0 + 3 * STEP)!;
    expect(fresh.notifiedAt).toBeNull();
    expect(fresh.runId).toBe(run2);
    expect(Math.abs(fresh.createdAt - Date.now() / 1000)).toBeLessThan(120);
  });

  it('an acknowledgement survives a re-run that computes the same level at the same key (DATA_MODEL.md v2)', async () => {
    const events = [event('cumulative_mm', T0 + STEP, 2), event('tilt_deg', T0 + 2 * STEP, 1)];
    const write = async () =>
      db.store.writeChunk({
        ...A,
        runId: await run(),
        rows: elaboratedGrid(3, [1]),
        eventsFrom: T0,
        eventsTo: T0 + 2 * STEP,
        events,
      });
    await write();
    const at = T0 + 86_400;
    expect(
      await db.store.acknowledgeEvents({
        key: A,
        events: [{ metric: 'cumulative_mm', timestamp: T0 + STEP }],
        by: 'Anna',
        note: 'inspected on site',
        at,
      }),
    ).toBe(1);
    expect((await write()).newEvents).toEqual([]);
    const stored = await db.store.listEvents({ key: A });
    const acked = stored.find((e) => e.metric === 'cumulative_mm')!;
    expect([acked.acknowledgedAt, acked.acknowledgedBy, acked.ackNote]).toEqual([
      at,
      'Anna',
      'inspected on site',
    ]);
    expect(stored.find((e) => e.metric === 'tilt_deg')!.acknowledgedAt).toBeNull();
    // acknowledging again changes nothing
    expect(await db.store.acknowledgeEvents({ key: A, by: 'Bob', note: null, at: at + 60 })).toBe(1);
    expect(await db.store.acknowledgeEvents({ key: A, by: 'Bob', note: null, at: at + 60 })).toBe(0);
  });

  it('an empty events list clears the span', async () => {
    const runId = await run();
    await db.store.writeChunk({
      ...A,
      runId,
      rows: elaboratedGrid(1, [1]),
      eventsFrom: T0,
      eventsTo: T0 + STEP,
      events: [event('tilt_deg', T0 + STEP, 1)],
    });
    const result = await db.store.writeChunk({
      ...A,
      runId,
      rows: elaboratedGrid(1, [1]),
      eventsFrom: T0,
      eventsTo: T0 + STEP,
      events: [],
    });
    expect(result.newEvents).toEqual([]);
    expect(await db.store.listEvents({ key: A })).toEqual([]);
  });

  it('refuses events outside the span, duplicate event keys and ±Infinity values, writing nothing', async () => {
    const runId = await run();
    const base = { ...A, runId, rows: elaboratedGrid(1, [1]), eventsFrom: T0, eventsTo: T0 + STEP };
    await expectCatena(
      db.store.writeChunk({ ...base, events: [event('tilt_deg', T0 + 2 * STEP, 1)] }),
      'DATA_INVALID',
      /outside the span/,
    );
    await expectCatena(
      db.store.writeChunk({ ...base, events: [event('tilt_deg', T0, 1), event('tilt_deg', T0, 2)] }),
      'DATA_INVALID',
      /two events/,
    );
    const bad = elaboratedGrid(1, [1]);
    bad.cumR[0] = Number.POSITIVE_INFINITY;
    await expectCatena(db.store.writeChunk({ ...base, rows: bad, events: [] }), 'DATA_INVALID', /cumR/);
    expect((await db.store.readElaborated({ ...A, from: null, to: null })).length).toBe(0);
  });

  it('concurrent writeChunk calls on different chains all succeed', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => ({ controlUnitCode: 'CU009', chain: `P${i}` }));
    try {
      const results = await Promise.all(
        keys.map(async (key) => {
          const runId = await run(key);
          const writes = [];
          for (let c = 0; c < 4; c++) {
            writes.push(
              await db.store.writeChunk({
                ...key,
                runId,
                rows: elaboratedGrid(20, [1, 2, 3, 4, 5], T0 + c * 20 * STEP),
                eventsFrom: T0 + c * 20 * STEP,
                eventsTo: T0 + (c + 1) * 20 * STEP - 1,
                events: [event('tilt_deg', T0 + c * 20 * STEP, c % 2)],
              }),
            );
          }
          return writes;
        }),
      );
      expect(results.flat().every((r) => r.rowsWritten === 100 && r.newEvents.length === 1)).toBe(true);
      for (const key of keys)
        expect((await db.store.readElaborated({ ...key, from: null, to: null })).length).toBe(400);
    } finally {
      for (const key of keys) await db.store.deleteChain(key);
    }
  });
});
