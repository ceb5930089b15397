/**
 * The Live view's feeds (src/renderer/src/api/live.ts) against a real
 * service:
 *
 * - the desktop's (IPC): the engine's events through the contract's client,
 *   one `series` read per burst of commits of the chain, from the newest
 *   timestamp the view holds; another chain's commits read nothing;
 * - the browser's: WebSocket `/api/v1/stream` of a listening server, every
 *   row the run commits (all its timestamps, not only the newest).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatenaClient, createClient, type Transport } from '../../src/contract/client.ts';
import { createDispatcher } from '../../src/contract/dispatch.ts';
import { isCatenaError } from '../../src/core/errors.ts';
import { eventsLive, type LiveRow, streamLive } from '../../src/renderer/src/api/live.ts';
import {
  type Harness,
  openHarness,
  SMALL_A,
  SMALL_B,
  SMALL_NODES,
  SMALL_TIMESTAMPS,
  until,
} from './harness.ts';

describe('the Live view’s feeds', () => {
  let h: Harness;
  let client: CatenaClient;
  const calls: string[] = [];

  beforeAll(async () => {
    h = await openHarness('sqlite');
    const dispatch = createDispatcher(h.service, {
      isExpected: isCatenaError,
      logUnexpected: (error) => {
        throw error;
      },
    });
    // what the preload bridge carries, without Electron: calls and events as plain values
    const transport: Transport = {
      kind: 'electron-ipc',
      call: (method, input) => {
        calls.push(method);
        return dispatch(method, JSON.parse(JSON.stringify(input ?? null)) ?? undefined);
      },
      subscribe: (listener) => h.service.onEvent((event) => listener(JSON.parse(JSON.stringify(event)))),
    };
    client = createClient(transport);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('IPC: a run of the chain brings its new rows in one read; another chain’s run reads nothing', async () => {
    const received: LiveRow[][] = [];
    let newest: number | null = null;
    const stop = eventsLive(client, client.api)(
      SMALL_A,
      {
        onRows: (rows) => {
          received.push(rows);
          for (const r of rows) newest = Math.max(newest ?? r.timestamp, r.timestamp);
        },
      },
      () => newest,
    );
    try {
      const first = await h.service.launch({ chains: [SMALL_A], mode: 'full' });
      await h.finished(first.launchId);
      // every row of the chain, 40 timestamps × 3 nodes, in one read per burst of commits
      const total = () => received.reduce((sum, rows) => sum + rows.length, 0);
      await until(() => total() === SMALL_TIMESTAMPS * SMALL_NODES.length);
      const reads = calls.filter((c) => c === 'series').length;
      expect(reads).toBeGreaterThanOrEqual(1);
      expect(reads).toBe(received.length);

      // another chain commits: no read
      const other = await h.service.launch({ chains: [SMALL_B], mode: 'full' });
      await h.finished(other.launchId);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(calls.filter((c) => c === 'series')).toHaveLength(reads);

      // five new timestamps: only they come, read from the newest one held
      const before = newest!;
      await h.moreRaw(SMALL_A, 5);
      const next = await h.service.launch({ chains: [SMALL_A], mode: 'incremental' });
      await h.finished(next.launchId);
      const bursts = received.length;
      await until(() => total() === (SMALL_TIMESTAMPS + 5) * SMALL_NODES.length);
      const fresh = received.slice(bursts).flat();
      expect(fresh).toHaveLength(5 * SMALL_NODES.length);
      expect(fresh.every((r) => r.timestamp > before)).toBe(true);
    } finally {
      stop();
    }
  }, 120_000);

  it('browser: /api/v1/stream pushes every row of every node as the run commits', async () => {
    const app = await h.serve({ liveDebounceMs: 30 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    const received: LiveRow[][] = [];
    const states: string[] = [];
    let gaps = 0;
    const stop = streamLive(`http://127.0.0.1:${address.port}`)(
      SMALL_B,
      {
        onRows: (rows) => received.push(rows),
        onState: (s) => states.push(s),
        onGap: () => gaps++,
      },
      () => null,
    );
    try {
      // on subscribing: the values held
      await until(() => received.length === 1);
      const held = Math.max(...received[0]!.map((r) => r.timestamp));
      expect(states).toContain('open');
      await h.moreRaw(SMALL_B, 3);
      const run = await h.service.launch({ chains: [SMALL_B], mode: 'incremental' });
      await h.finished(run.launchId);
      // the three new timestamps of every node, even when one commit brought them all
      const fresh = () =>
        new Set(
          received.flat().flatMap((r) => (r.timestamp > held ? [`${r.nodeIndex}@${r.timestamp}`] : [])),
        );
      await until(() => fresh().size === 3 * SMALL_NODES.length);
      const newTimes = new Set(received.flat().flatMap((r) => (r.timestamp > held ? [r.timestamp] : [])));
      expect(newTimes.size).toBe(3);
      expect(gaps).toBe(0);
    } finally {
      stop();
      await app.close();
    }
  }, 120_000);
});
