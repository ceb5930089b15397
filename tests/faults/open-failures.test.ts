/**
 * openStore against a private MariaDB that refuses us in each way an operator meets: each failure is
 * its CatenaError code with a sentence to act on, and a frozen server fails within the connect
 * timeout instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenOptions, openStore } from '../../src/core/store/open.ts';
import { parseProfile } from '../../src/core/store/profile.ts';
import {
  type PrivateMariadb,
  privateMariadbAvailable,
  startPrivateMariadb,
} from '../support/private-mariadb.ts';
import { expectOperatorError, rejection } from './helpers.ts';

async function openFailure(url: string, options?: OpenOptions): Promise<unknown> {
  return rejection(
    openStore(parseProfile(url), options).then(async (store) => {
      await store.close();
      return store;
    }),
  );
}

describe.runIf(privateMariadbAvailable())('openStore on a private MariaDB that refuses us', () => {
  let server: PrivateMariadb;
  const at = (userinfo: string, database: string) =>
    `mysql://${userinfo}@127.0.0.1:${server.port}/${database}`;

  beforeAll(async () => {
    server = await startPrivateMariadb();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  it('opens with the right profile (the baseline of the failures below)', async () => {
    const store = await openStore(parseProfile(server.url), { migrate: true });
    try {
      expect(await store.listChains()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('wrong password → CONNECTION_ACCESS_DENIED, without the password in the message', async () => {
    const error = expectOperatorError(
      await openFailure(at('root:Wr0ng-Secret', 'catena')),
      'CONNECTION_ACCESS_DENIED',
    );
    expect(error.message).toMatch(/refused user "root": the password is wrong/);
    expect(error.message).not.toContain('Wr0ng-Secret');
  });

  it('unknown database → CONNECTION_UNKNOWN_DATABASE, naming the database', async () => {
    const error = expectOperatorError(
      await openFailure(at('root', 'catena_missing')),
      'CONNECTION_UNKNOWN_DATABASE',
    );
    expect(error.message).toMatch(/no database "catena_missing".*CREATE DATABASE `catena_missing`/);
  });

  it('server down (nothing listens on the port) → CONNECTION_REFUSED', async () => {
    let error: unknown;
    await server.restart({
      whileDown: async () => {
        error = await openFailure(server.url, { connectTimeoutMs: 2000 });
      },
    });
    const e = expectOperatorError(error, 'CONNECTION_REFUSED');
    expect(e.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${server.port} refused the connection`));
  });

  it('frozen server → CONNECTION_TIMEOUT within the connect timeout, not a hang', async () => {
    await server.freeze();
    let error: unknown;
    let elapsed = 0;
    try {
      const started = performance.now();
      error = await openFailure(server.url, { connectTimeoutMs: 500 });
      elapsed = performance.now() - started;
    } finally {
      await server.thaw();
    }
    const e = expectOperatorError(error, 'CONNECTION_TIMEOUT');
    expect(e.message).toMatch(/did not answer within 0\.5 s while connecting/);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(3000);
    // thawed, the server is usable again
    const store = await openStore(parseProfile(server.url));
    await store.close();
  });
});
