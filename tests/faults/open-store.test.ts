/**
 * Faults while a store is open on a private MariaDB: a connection killed in the middle of readRaw,
 * and the server restarted under an open store (its pool must reconnect).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { type CatenaStore, openStore } from '../../src/core/store/open.ts';
import { parseProfile } from '../../src/core/store/profile.ts';
import { node, rawGrid, station } from '../store/fixtures.ts';
import {
  type PrivateMariadb,
  privateMariadbAvailable,
  startPrivateMariadb,
} from '../support/private-mariadb.ts';
import { checksums, expectOperatorError, poll, rejection } from './helpers.ts';

const KEY: ChainKey = { controlUnitCode: 'CU901', chain: 'A' };
const NODES = [1, 2, 3, 4];
const TIMESTAMPS = 500;
const SPAN = { ...KEY, from: null, to: null };

async function rowCount(chunks: AsyncIterable<RawColumns>): Promise<number> {
  let n = 0;
  for await (const chunk of chunks) n += chunk.length;
  return n;
}

describe.runIf(privateMariadbAvailable())('faults under an open store (private MariaDB)', () => {
  let server: PrivateMariadb;
  let store: CatenaStore;

  beforeAll(async () => {
    server = await startPrivateMariadb();
    store = await openStore(parseProfile(server.url), { migrate: true });
    await store.upsertStation(station(KEY));
    await store.replaceChainConfig(
      KEY,
      NODES.map((n) => node(KEY, n)),
      [],
    );
    await store.writeRaw(KEY, rawGrid(TIMESTAMPS, NODES));
  });

  afterAll(async () => {
    await store?.close();
    await server?.destroy();
  });

  /** Kills the connection whose raw-row SELECT waits on the table lock, once it shows up. */
  async function killWaitingRead(): Promise<void> {
    const killed = await poll(async () => {
      const k = await server.killConnections(
        (c) => c.db === 'catena' && /FROM raw_rsn_data/.test(c.info ?? '') && /lock/i.test(c.state ?? ''),
      );
      return k.length > 0 ? k : null;
    });
    expect(killed).toHaveLength(1);
  }

  it('a connection killed mid-read: the read runs again on a fresh connection and is whole', async () => {
    const chunks = store.readRaw(SPAN, { chunkRows: 400 })[Symbol.asyncIterator]();
    let rows = (await chunks.next()).value?.length ?? 0;
    const locker = await server.connect();
    try {
      await locker.query('LOCK TABLES raw_rsn_data WRITE');
      const next = chunks.next();
      await killWaitingRead();
      await locker.query('UNLOCK TABLES');
      rows += (await next).value?.length ?? 0;
      for (let c = await chunks.next(); !c.done; c = await chunks.next()) rows += c.value.length;
    } finally {
      await locker.end();
    }
    expect(rows).toBe(TIMESTAMPS * NODES.length);
  });

  it('a read whose connection is killed every time → CONNECTION_LOST for the operator after the retries, nothing written', async () => {
    const before = await checksums(server);
    const chunks = store.readRaw(SPAN, { chunkRows: 400 })[Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(first.done).toBe(false);

    // The next page's SELECT waits on a table lock: kill its connection (and each retry's) while it runs.
    const locker = await server.connect();
    let error: unknown;
    try {
      await locker.query('LOCK TABLES raw_rsn_data WRITE');
      const next = rejection(chunks.next());
      // the first try and its two retries
      for (let attempt = 0; attempt < 3; attempt++) await killWaitingRead();
      error = await next;
    } finally {
      await locker.query('UNLOCK TABLES');
      await locker.end();
    }

    const e = expectOperatorError(error, 'CONNECTION_LOST');
    expect(e.message).toMatch(
      new RegExp(
        `connection to the database server 127\\.0\\.0\\.1:${server.port} was lost while reading the raw rows of chain`,
      ),
    );
    expect(await checksums(server)).toEqual(before);
    // The pool dropped the killed connections: the next read is whole.
    expect(await rowCount(store.readRaw(SPAN, { chunkRows: 400 }))).toBe(TIMESTAMPS * NODES.length);
  });

  it('the server restarted under an open store: operations fail as CatenaErrors while it is down, and succeed once it is back', async () => {
    // Several pooled connections exist before the restart.
    await Promise.all(NODES.map(() => store.listChains()));
    let downError: unknown;
    await server.restart({
      downMs: 200,
      whileDown: async () => {
        downError = await rejection(store.listChains());
      },
    });
    // The shutdown closed the pooled connections, so the pool dials again: nobody listens.
    expectOperatorError(downError, 'CONNECTION_REFUSED');

    const [chain] = await store.listChains();
    expect(chain).toMatchObject({ ...KEY, rawRowCount: TIMESTAMPS * NODES.length });
    // every connection the pool hands out works, not only the first
    const counts = await Promise.all(NODES.map(() => rowCount(store.readRaw(SPAN))));
    expect(counts).toEqual(NODES.map(() => TIMESTAMPS * NODES.length));
  });

  it('the server crashed (SIGKILL) and came back under an open store: the next operation succeeds', async () => {
    await Promise.all(NODES.map(() => store.listChains()));
    await server.restart({ signal: 'SIGKILL' });
    const [chain] = await store.listChains();
    expect(chain).toMatchObject({ ...KEY, rawRowCount: TIMESTAMPS * NODES.length });
  });

  it('idle pooled connections closed by the server (an administrator, wait_timeout): once they are gone, the next operations succeed', async () => {
    await Promise.all(NODES.map(() => store.listChains()));
    const killed = await server.killConnections((c) => c.db === 'catena');
    expect(killed.length).toBeGreaterThan(0);
    // KILL only flags the thread: wait until the server has really closed them (see the .pending.ts race).
    const admin = await server.connect({ database: null });
    try {
      await poll(async () => {
        const [rows] = await admin.query(
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID IN (?)',
          [killed.map((c) => c.id)],
        );
        return Number((rows as { n: unknown }[])[0]?.n) === 0 ? true : null;
      });
    } finally {
      await admin.end();
    }
    const results = await Promise.all(NODES.map(() => store.listChains()));
    expect(results.map((r) => r.length)).toEqual(NODES.map(() => 1));
  });
});
