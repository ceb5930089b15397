/**
 * Faults under an open store's connection pool (a private MariaDB):
 *
 * 1. A pooled connection the server killed just before it is reused (KILL
 *    CONNECTION, wait_timeout, a network cut close the socket asynchronously):
 *    the statement never ran, so a read runs again on a fresh connection.
 * 2. A server that freezes (SIGSTOP, a hung host) under an open store with
 *    idle pooled connections: an idle connection is pinged within the connect
 *    timeout before use, so the next operation fails with CONNECTION_TIMEOUT
 *    instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { type CatenaStore, openStore } from '../../src/core/store/open.ts';
import { parseProfile } from '../../src/core/store/profile.ts';
import { node, rawGrid, station } from '../store/fixtures.ts';
import {
  type PrivateMariadb,
  privateMariadbAvailable,
  startPrivateMariadb,
} from '../support/private-mariadb.ts';
import { expectOperatorError } from './helpers.ts';

const KEY: ChainKey = { controlUnitCode: 'CU902', chain: 'A' };
const NODES = [1, 2, 3, 4];
const CONNECT_TIMEOUT_MS = 1000;

describe.runIf(privateMariadbAvailable())('faults under an open connection pool', () => {
  let server: PrivateMariadb;
  let store: CatenaStore;

  beforeAll(async () => {
    server = await startPrivateMariadb();
    store = await openStore(parseProfile(server.url), {
      migrate: true,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
    await store.upsertStation(station(KEY));
    await store.replaceChainConfig(
      KEY,
      NODES.map((n) => node(KEY, n)),
      [],
    );
    await store.writeRaw(KEY, rawGrid(10, NODES));
  });

  afterAll(async () => {
    if (server?.frozen) await server.thaw();
    await store?.close();
    await server?.destroy();
  });

  it('idle pooled connections killed just before use: the next reads succeed on fresh connections', async () => {
    for (let round = 0; round < 10; round++) {
      await Promise.all(NODES.map(() => store.listChains()));
      const killed = await server.killConnections((c) => c.db === 'catena');
      expect(killed.length).toBeGreaterThan(0);
      // No wait: the server closes the killed sockets a moment later.
      const results = await Promise.all(NODES.map(() => store.listChains()));
      expect(results.map((r) => r.length)).toEqual(NODES.map(() => 1));
    }
  });

  it('the server freezes under an open store: the next operation fails within a bound instead of hanging', async () => {
    await store.listChains(); // an idle connection in the pool
    await server.freeze();
    try {
      const started = performance.now();
      const outcome = await Promise.race([
        store.listChains().then(
          () => 'RESOLVED',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setTimeout(() => resolve('HUNG'), CONNECT_TIMEOUT_MS + 5000)),
      ]);
      expect(outcome, 'store.listChains() on a frozen server was still waiting').not.toBe('HUNG');
      expect(outcome, 'store.listChains() on a frozen server succeeded?').not.toBe('RESOLVED');
      const code = (outcome as { code?: string }).code;
      expect(['CONNECTION_TIMEOUT', 'CONNECTION_LOST']).toContain(code);
      expectOperatorError(outcome, code ?? '');
      expect(performance.now() - started).toBeLessThan(CONNECT_TIMEOUT_MS + 5000);
    } finally {
      await server.thaw();
    }
  });
});
