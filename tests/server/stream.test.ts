/**
 * WebSocket /api/v1/stream over a real socket (the `ws` package): the
 * subscriptions, their validation, the doors, live values read once per
 * commit for every subscriber, and slow clients left out of progress.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { ServerOptions } from '../../src/server/app.ts';
import { node } from '../support/fixture.ts';
import { mariadbAvailable } from '../support/mariadb.ts';
import { body, type Harness, openHarness, SMALL_A, SMALL_B, SMALL_NODES, until } from './harness.ts';

type Message = Record<string, unknown> & { type: string };

interface Client {
  socket: WebSocket;
  messages: Message[];
  send(message: unknown): void;
  /** resolves with the first message (from now on, or already received) that matches */
  next(match: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
}

const TOKEN = 'stream-test-token-0123456789';

const kinds = [
  { kind: 'sqlite' as const, available: true },
  { kind: 'mysql' as const, available: mariadbAvailable },
];

describe.each(kinds)('WebSocket /api/v1/stream on $kind', ({ kind, available }) => {
  if (!available) {
    it.skip('needs MariaDB at 127.0.0.1:3306', () => {});
    return;
  }
  let h: Harness;
  let base: string;
  const sockets: WebSocket[] = [];

  async function listen(options: Partial<ServerOptions> = {}): Promise<string> {
    const app = await h.serve({ liveDebounceMs: 30, ...options });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    return `127.0.0.1:${address.port}`;
  }

  async function connect(at = base, headers: Record<string, string> = {}): Promise<Client> {
    const socket = new WebSocket(`ws://${at}/api/v1/stream`, { headers });
    sockets.push(socket);
    const messages: Message[] = [];
    const waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      messages.push(message);
      for (const w of waiters.splice(0)) {
        if (w.match(message)) w.resolve(message);
        else waiters.push(w);
      }
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return {
      socket,
      messages,
      send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
      next: (match, timeoutMs = 30_000) => {
        const found = messages.find(match);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no such message in time')), timeoutMs);
          waiters.push({
            match,
            resolve: (m) => {
              clearTimeout(timer);
              resolve(m);
            },
          });
        });
      },
    };
  }

  /** The status of an upgrade that was refused. */
  function refusal(at: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://${at}/api/v1/stream`, { headers });
      socket.on('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        request.destroy();
      });
      socket.on('open', () => {
        socket.close();
        reject(new Error('the upgrade was accepted'));
      });
      socket.on('error', () => undefined);
    });
  }

  async function launch(chains: ChainKey[], mode = 'full'): Promise<string> {
    const r = await h.app.inject({ method: 'POST', url: '/api/v1/launches', payload: { chains, mode } });
    expect(r.statusCode, r.body).toBe(202);
    return body<{ launchId: string }>(r).launchId;
  }

  beforeEach(async () => {
    h = await openHarness(kind);
    base = await listen();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    await h.close();
  });

  it('launches: the engine events of a launch, from launch-started to launch-finished', async () => {
    const c = await connect();
    c.send({ subscribe: 'launches' });
    await c.next((m) => m.type === 'subscribed' && m.topic === 'launches');
    const launchId = await launch([SMALL_A]);
    await c.next((m) => m.type === 'launch-finished' && m.launchId === launchId);
    const types = c.messages.filter((m) => m.launchId === launchId).map((m) => m.type);
    expect(types[0]).toBe('launch-started');
    expect(types).toContain('chain-progress');
    expect(types).toContain('chain-finished');
    // a socket that did not subscribe gets nothing of it
    const quiet = await connect();
    await launch([SMALL_B]);
    await h.finished((await h.service.listRuns({ limit: 1 }))[0]!.launchId!);
    expect(quiet.messages).toEqual([]);
  });

  it('live: one read per commit, the same values pushed to every subscriber', async () => {
    const reads: number[] = [];
    const series = h.service.series.bind(h.service);
    h.service.series = async (query) => {
      reads.push(Date.now());
      return series(query);
    };
    // the reads counted where they are made: on the service's own connection (no read connection)
    const at = await listen({ readConnection: false });
    const clients = await Promise.all([connect(at), connect(at), connect(at), connect(at), connect(at)]);
    for (const c of clients) c.send({ subscribe: 'live', chains: ['CU900:A'] });
    for (const c of clients) {
      await c.next((m) => m.type === 'subscribed' && m.topic === 'live');
      // at once: the chain's newest values (none elaborated yet)
      expect(await c.next((m) => m.type === 'live')).toMatchObject({
        ...SMALL_A,
        timestamp: null,
        nodes: [],
      });
    }
    const readsBefore = reads.length;
    const launchId = await launch([SMALL_A]);
    await h.finished(launchId);
    // the last commit's read
    for (const c of clients) {
      await until(() => c.messages.some((m) => m.type === 'live' && m.timestamp !== null));
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // debounced reads settle
    const commitReads = reads.length - readsBefore;
    expect(commitReads).toBeGreaterThan(0);
    const pushed = clients.map((c) => c.messages.filter((m) => m.type === 'live').slice(1));
    for (const p of pushed) {
      // one push per read, whatever the number of clients: no read per client
      expect(p).toHaveLength(commitReads);
      expect(p).toEqual(pushed[0]);
    }
    const last = pushed[0]!.at(-1)!;
    const nodes = last.nodes as { nodeIndex: number; timestamp: number; alphaX: number | null }[];
    expect(nodes.map((n) => n.nodeIndex)).toEqual(SMALL_NODES);
    const newest = await h.app.inject({ url: '/api/v1/chains/CU900/A/latest' });
    const { controlUnitCode, chain, timestamp } = last;
    expect({ controlUnitCode, chain, timestamp, nodes }).toEqual(body(newest));
    // a subscriber of another chain was not pushed anything of this one
    const other = await connect(at);
    other.send({ subscribe: 'live', chains: ['CU900:B'] });
    await other.next((m) => m.type === 'live');
    await h.finished(await launch([SMALL_A], 'full'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(other.messages.filter((m) => m.type === 'live')).toHaveLength(1);
  });

  it('live: every row a commit brings, not only the newest per node, each once after the mark', async () => {
    const c = await connect();
    c.send({ subscribe: 'live', chains: ['CU900:A'] });
    const first = await c.next((m) => m.type === 'live');
    expect(first).toMatchObject({ since: null, rows: [], complete: true, nodes: [] });
    type Row = { nodeIndex: number; timestamp: number; alphaX: number | null };
    const pushes = () => c.messages.filter((m) => m.type === 'live').slice(1);
    const received = () => {
      const cells = new Map<string, Row>();
      for (const p of pushes())
        for (const r of p.rows as Row[]) cells.set(`${r.nodeIndex}@${r.timestamp}`, r);
      return cells;
    };
    await h.finished(await launch([SMALL_A]));
    const stored = await h.service.series({ key: SMALL_A });
    // 40 timestamps × 3 nodes, committed in batches: every one of them reaches the client
    await until(() => received().size === stored.length);
    for (let i = 0; i < stored.length; i++) {
      const r = received().get(`${stored.nodeIndex[i]}@${stored.timestamp[i]}`)!;
      expect(r.alphaX).toBe(Number.isFinite(stored.alphaX[i]) ? stored.alphaX[i] : null);
    }
    // each row once: every push starts after the newest timestamp of the one before
    expect(pushes().reduce((n, p) => n + (p.rows as Row[]).length, 0)).toBe(stored.length);
    let since: number | null = null;
    for (const p of pushes()) {
      expect(p.since).toBe(since);
      expect(p.complete).toBe(true);
      const rows = p.rows as Row[];
      if (since !== null) expect(rows.every((r) => r.timestamp > since!)).toBe(true);
      since = rows.length > 0 ? Math.max(since ?? 0, ...rows.map((r) => r.timestamp)) : since;
    }

    // five new timestamps in one incremental run: the five arrive, not only the last
    const before = Math.max(...stored.timestamp);
    await h.moreRaw(SMALL_A, 5);
    const seen = pushes().length;
    await h.finished(await launch([SMALL_A], 'incremental'));
    await until(() => pushes().length > seen && received().size === stored.length + 5 * SMALL_NODES.length);
    const fresh = pushes()
      .slice(seen)
      .flatMap((p) => p.rows as Row[])
      .filter((r) => r.timestamp > before);
    expect(new Set(fresh.map((r) => r.timestamp)).size).toBe(5);
  });

  it('live: more rows than a message holds says complete: false (the client reads its window again)', async () => {
    const at = await listen({ liveRowsMax: 6, liveDebounceMs: 200 });
    const c = await connect(at);
    c.send({ subscribe: 'live', chains: ['CU900:B'] });
    await c.next((m) => m.type === 'live');
    await h.finished(await launch([SMALL_B]));
    // 120 rows since the chain had none: the first read keeps the newest 6
    const cut = await c.next((m) => m.type === 'live' && m.complete === false);
    const rows = cut.rows as { timestamp: number }[];
    expect(rows).toHaveLength(6);
    expect(Math.max(...rows.map((r) => r.timestamp))).toBe(cut.timestamp);
  });

  it('refuses invalid messages and unknown chains, and stays open', async () => {
    const c = await connect();
    c.send('not json');
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    c.messages.length = 0;
    c.send({ subscribe: 'everything' });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    c.messages.length = 0;
    c.send({ subscribe: 'live', chains: ['no chain'] });
    const bad = await c.next((m) => m.type === 'error');
    expect(String((bad.error as { message: string }).message)).toMatch(/write it as CU001:A/);
    c.messages.length = 0;
    c.send({ subscribe: 'live', chains: ['CU404:Q'] });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'CHAIN_NOT_FOUND' } });
    c.messages.length = 0;
    c.send({ type: 'ping' });
    await c.next((m) => m.type === 'pong');
    expect(h.unexpected).toEqual([]);
  });

  it('a slow client is left out of progress, never of the ends of chains and launches', async () => {
    const slowAt = await listen({ slowClientBytes: -1 }); // every client counts as lagging
    const c = await connect(slowAt);
    c.send({ subscribe: 'launches' });
    await c.next((m) => m.type === 'subscribed');
    const launchId = await launch([SMALL_A, SMALL_B]);
    await c.next((m) => m.type === 'launch-finished' && m.launchId === launchId);
    const types = c.messages.map((m) => m.type);
    expect(types).not.toContain('chain-progress');
    expect(types.filter((t) => t === 'chain-finished')).toHaveLength(2);
  });

  it('alarms: the alarm events a run created, once it finishes', async () => {
    await h.store.replaceChainConfig(
      SMALL_B,
      SMALL_NODES.map((n) => node(SMALL_B, n)),
      [{ ...SMALL_B, nodeIndex: null, metric: 'tilt_deg', level: 1, value: 1e-9 }],
    );
    const c = await connect();
    c.send({ subscribe: 'alarms' });
    await c.next((m) => m.type === 'subscribed');
    const launchId = await launch([SMALL_B]);
    const finished = await h.finished(launchId);
    expect(finished.results[0]!.eventsCreated).toBeGreaterThan(0);
    const alarms = await c.next((m) => m.type === 'alarms');
    expect(alarms).toMatchObject({ ...SMALL_B, launchId, runId: finished.results[0]!.runId });
    expect((alarms.events as unknown[]).length).toBeGreaterThan(0);
  });

  it('has the same doors as /api/events: token, Host and Origin', async () => {
    const at = await listen({ apiToken: TOKEN });
    expect(await refusal(at, {})).toBe(401);
    expect(await refusal(at, { authorization: 'Bearer wrong-token-0123456789' })).toBe(401);
    expect(await refusal(at, { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' })).toBe(403);
    expect(await refusal(at, { authorization: `Bearer ${TOKEN}`, host: 'evil.example' })).toBe(403);
    const c = await connect(at, { authorization: `Bearer ${TOKEN}`, origin: `http://${at}` });
    c.send({ type: 'ping' });
    await c.next((m) => m.type === 'pong');
    // a plain GET is told to upgrade
    const plain = await h.app.inject({ url: '/api/v1/stream' });
    expect(plain.statusCode).toBe(426);
  });
});
