/** Reading the outputs: series, data quality, events. */

import { expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { elaborated, elaboratedGrid, event, raw, STEP, T0 } from './fixtures.ts';
import { A, B, C, describeStore } from './suite.ts';

describeStore('reading the outputs', (db) => {
  it('readElaborated filters by span and node; a limit keeps the newest rows, in ascending order', async () => {
    const runId = await db.store.startRun({
      ...A,
      launchId: 'L',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'h',
    });
    const rows = elaboratedGrid(10, [1, 2, 3]);
    await db.store.writeChunk({ ...A, runId, rows, eventsFrom: T0, eventsTo: T0, events: [] });
    const node2 = await db.store.readElaborated({
      ...A,
      from: T0 + 2 * STEP,
      to: T0 + 5 * STEP,
      nodeIndex: 2,
    });
    expect(Array.from(node2.timestamp)).toEqual([2, 3, 4, 5].map((i) => T0 + i * STEP));
    expect(Array.from(node2.nodeIndex)).toEqual([2, 2, 2, 2]);
    expect(node2.alphaX[0]).toBe(2 * 10 + 2 / 4);
    const last4 = await db.store.readElaborated({ ...A, from: null, to: null, limit: 4 });
    expect(Array.from(last4.timestamp)).toEqual([8, 9, 9, 9].map((i) => T0 + i * STEP));
    expect(Array.from(last4.nodeIndex)).toEqual([3, 1, 2, 3]);
    expect(Array.from(last4.flags)).toEqual([2, 0, 0, 0]);
    const none = await db.store.readElaborated({ ...B, from: null, to: null });
    expect(none.length).toBe(0);
  });

  it('flagCounts counts rows per node and flag bit over a span, for one chain only', async () => {
    const run = (key: ChainKey) =>
      db.store.startRun({ ...key, launchId: 'L', mode: 'full', spanFrom: null, spanTo: null, host: 'h' });
    const at = (i: number) => T0 + i * STEP;
    // flags per timestamp 0..3: node 1 = 0, INVALID|HELD, SPIKE_X|SPIKE_Y, NO_REFERENCE|GRAVITY;
    // node 2 = INVALID|SPIKE_X, INVALID|SPIKE_Y, all six bits, 0; node 3 only at 0 = GRAVITY
    const flags: Record<number, number[]> = { 1: [0, 9, 6, 48], 2: [3, 5, 63, 0], 3: [32] };
    const rows = elaborated(
      Object.entries(flags).flatMap(([n, fs]) =>
        fs.map((f, i) => ({ t: at(i), n: Number(n), v: 1, flags: f })),
      ),
    );
    await db.store.writeChunk({ ...A, runId: await run(A), rows, eventsFrom: T0, eventsTo: T0, events: [] });
    const other = elaborated([{ t: at(1), n: 1, v: 1, flags: 63 }]);
    await db.store.writeChunk({
      ...B,
      runId: await run(B),
      rows: other,
      eventsFrom: T0,
      eventsTo: T0,
      events: [],
    });

    expect(await db.store.flagCounts({ key: A, from: null, to: null })).toEqual([
      {
        nodeIndex: 1,
        rows: 4,
        invalid: 1,
        spikeX: 1,
        spikeY: 1,
        held: 1,
        noReference: 1,
        gravity: 1,
        firstAt: at(0),
        lastAt: at(3),
        lastValidAt: at(3),
        errorCodeAfter: null,
      },
      {
        nodeIndex: 2,
        rows: 4,
        invalid: 3,
        spikeX: 2,
        spikeY: 2,
        held: 1,
        noReference: 1,
        gravity: 1,
        firstAt: at(0),
        lastAt: at(3),
        lastValidAt: at(3),
        errorCodeAfter: null,
      },
      {
        nodeIndex: 3,
        rows: 1,
        invalid: 0,
        spikeX: 0,
        spikeY: 0,
        held: 0,
        noReference: 0,
        gravity: 1,
        firstAt: at(0),
        lastAt: at(0),
        lastValidAt: at(0),
        errorCodeAfter: null,
      },
    ]);
    // inclusive bounds: timestamps 1 and 2 only (node 3 has no row there)
    expect(await db.store.flagCounts({ key: A, from: at(1), to: at(2) })).toEqual([
      {
        nodeIndex: 1,
        rows: 2,
        invalid: 1,
        spikeX: 1,
        spikeY: 1,
        held: 1,
        noReference: 0,
        gravity: 0,
        firstAt: at(1),
        lastAt: at(2),
        lastValidAt: at(2),
        errorCodeAfter: null,
      },
      {
        nodeIndex: 2,
        rows: 2,
        invalid: 2,
        spikeX: 1,
        spikeY: 2,
        held: 1,
        noReference: 1,
        gravity: 1,
        firstAt: at(1),
        lastAt: at(2),
        lastValidAt: null,
        errorCodeAfter: null,
      },
    ]);
    expect(await db.store.flagCounts({ key: B, from: null, to: at(0) })).toEqual([]);
    expect(await db.store.flagCounts({ key: C, from: null, to: null })).toEqual([]);
  });

  it('flagCounts says when a node that died was last valid, and the error code its raw rows have since', async () => {
    const at = (i: number) => T0 + i * STEP;
    const runId = await db.store.startRun({
      ...A,
      launchId: 'L',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'h',
    });
    // node 1 valid throughout; node 2 valid at 0 and 1, held at 2, invalid at 3 to 5; node 3 never valid
    const flags: Record<number, number[]> = { 1: [0, 0, 0, 0, 0, 0], 2: [0, 0, 8, 1, 1, 1], 3: [1, 1] };
    const rows = elaborated(
      Object.entries(flags).flatMap(([n, fs]) =>
        fs.map((f, i) => ({ t: at(i), n: Number(n), v: 1, flags: f })),
      ),
    );
    await db.store.writeChunk({ ...A, runId, rows, eventsFrom: T0, eventsTo: T0, events: [] });
    // node 2's raw rows: code 5 once before it died, then 3 twice and 7 once; node 3's have no code
    await db.store.writeRaw(
      A,
      raw([
        { t: at(0), n: 2, e: 5 },
        { t: at(2), n: 2, e: 3 },
        { t: at(3), n: 2, e: 3 },
        { t: at(4), n: 2, e: 7 },
        { t: at(5), n: 2 },
        { t: at(0), n: 3 },
        { t: at(1), n: 3 },
      ]),
    );
    const counts = await db.store.flagCounts({ key: A, from: null, to: null });
    expect(counts.map((c) => [c.nodeIndex, c.lastValidAt, c.errorCodeAfter])).toEqual([
      [1, at(5), null],
      [2, at(1), 3],
      [3, null, null],
    ]);
    // within a span that ends while node 2 was still valid, nothing is said of its death
    const early = await db.store.flagCounts({ key: A, from: null, to: at(1) });
    expect(early.find((c) => c.nodeIndex === 2)).toMatchObject({ lastValidAt: at(1), errorCodeAfter: null });
  });

  it('listEvents filters by chain and time, newest first, with a limit; markNotified sets notifiedAt', async () => {
    const runId = await db.store.startRun({
      ...A,
      launchId: 'L',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'h',
    });
    const runB = await db.store.startRun({
      ...B,
      launchId: 'L',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'h',
    });
    const events = [0, 1, 2, 3].map((i) => event('tilt_deg', T0 + i * STEP, (i + 1) % 3));
    await db.store.writeChunk({
      ...A,
      runId,
      rows: elaboratedGrid(1, [1]),
      eventsFrom: T0,
      eventsTo: T0 + 3 * STEP,
      events,
    });
    await db.store.writeChunk({
      ...B,
      runId: runB,
      rows: elaboratedGrid(1, [1]),
      eventsFrom: T0,
      eventsTo: T0,
      events: [event('cumulative_mm', T0, 2)],
    });
    const mine = await db.store.listEvents({ key: A });
    expect(mine.map((e) => e.timestamp)).toEqual([3, 2, 1, 0].map((i) => T0 + i * STEP));
    expect(mine[0]).toMatchObject({
      ...A,
      metric: 'tilt_deg',
      level: 1,
      previousLevel: 0,
      nodeIndex: 3,
      value: 1.5,
      runId,
      notifiedAt: null,
    });
    expect(mine[1]).toMatchObject({ level: 0, nodeIndex: null, value: null });
    expect((await db.store.listEvents({ key: A, from: T0 + STEP, to: T0 + 2 * STEP })).length).toBe(2);
    expect((await db.store.listEvents({ key: A, limit: 1 })).map((e) => e.timestamp)).toEqual([
      T0 + 3 * STEP,
    ]);
    const all = await db.store.listEvents({ from: T0, to: T0 });
    expect(all.map((e) => `${e.chain}:${e.metric}`).sort()).toEqual(['A:tilt_deg', 'B:cumulative_mm']);
    await db.store.markNotified(A, [events[1]!, events[3]!], T0 + 999);
    await db.store.markNotified(A, [], T0 + 5);
    const notified = (await db.store.listEvents({ key: A })).map((e) => e.notifiedAt);
    expect(notified).toEqual([T0 + 999, null, T0 + 999, null]);
  });
});
